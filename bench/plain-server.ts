/** The baseline: a bare node:http server answering a fixed JSON body, as cheaply as Node can. */
import { createServer } from 'node:http';

const body = JSON.stringify({ valid: true, code: 'VALID' });
const server = createServer((req, res) => {
  // Drain the request body like any real JSON API would, then answer.
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as { port: number }).port}\n`);
});
