import { createGateway, loadGatewayConfig } from '@keyward/sdk';
import { type Command, InvalidArgumentError } from 'commander';

function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('must be a port number');
  return Number(value);
}

/** `keyward gateway`: a verifying reverse proxy in front of an upstream API. */
export function registerGateway(program: Command): void {
  program
    .command('gateway')
    .description('Run a reverse proxy that checks every request against its route’s scopes and resource')
    .requiredOption('--upstream <url>', 'the API to protect, e.g. http://127.0.0.1:3000')
    .requiredOption('--config <file>', 'routes.yaml (see docs in the README)')
    .option('--port <port>', 'port to listen on', parsePort, 8088)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .action(async (options: { upstream: string; config: string; port: number; host: string }) => {
      const server = createGateway({ upstream: options.upstream, config: loadGatewayConfig(options.config) });
      await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
      const address = server.address() as { port: number };
      process.stdout.write(
        `Keyward gateway listening on http://${options.host}:${address.port} → ${options.upstream}\n`,
      );
      for (const signal of ['SIGTERM', 'SIGINT'] as const)
        process.once(signal, () => server.close(() => process.exit(0)));
      await new Promise(() => {});
    });
}
