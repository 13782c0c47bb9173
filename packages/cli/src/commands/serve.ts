import { startServer } from '@keyward/server';
import type { Command } from 'commander';
import { configFrom, globalOptions } from '../cli-context.ts';

/** `keyward serve`: run a Keyward node until SIGTERM. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the Keyward server (API, verify endpoint and admin UI)')
    .option('--port <port>', 'port to listen on (KEYWARD_PORT, PORT)')
    .option('--host <host>', 'address to bind (KEYWARD_HOST)')
    .action(async (options: { port?: string; host?: string }, command: Command) => {
      const config = configFrom(globalOptions(command), {
        ...process.env,
        ...(options.port ? { KEYWARD_PORT: options.port } : {}),
        ...(options.host ? { KEYWARD_HOST: options.host } : {}),
      });
      await startServer(config);
      // Keep running: the server and its signal handlers own the process from here.
      await new Promise(() => {});
    });
}
