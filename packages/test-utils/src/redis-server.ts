/**
 * @module Private Redis
 *
 * Tests that stop, kill or pause Redis start one of their own (`redis-server` on a free port,
 * no persistence), so the machine's shared Redis is never disturbed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A `redis-server` of a test's own. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** SIGKILLs the server and waits until it has exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after {@link RedisServer.kill}). */
  start(): Promise<void>;
}

/** A port no one listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Waits for `text` on a child's standard output. */
function waitForOutput(child: ChildProcess, text: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for "${text}": ${seen}`)), timeoutMs);
    const onData = (data: Buffer) => {
      seen += data;
      if (seen.includes(text)) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve();
      }
    };
    child.stdout?.on('data', onData);
  });
}

/** Starts a private `redis-server` on a free port of 127.0.0.1 and waits until it is ready. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn('redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
    await waitForOutput(child, 'Ready to accept connections');
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('close', resolve));
      running.kill('SIGKILL');
      await exited;
    },
    start,
  };
}
