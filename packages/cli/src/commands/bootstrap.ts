import { bootstrap } from '@keyward/server';
import type { Command } from 'commander';
import { localTransport } from '../api-transport.ts';
import { configFrom, globalOptions } from '../cli-context.ts';
import { printJson } from '../output.ts';

/** `keyward bootstrap`: the first organization, its owner and an admin key. */
export function registerBootstrap(program: Command): void {
  program
    .command('bootstrap')
    .description('Create the first organization and its owner, and print an admin API key (once)')
    .requiredOption('--org <name>', 'organization name')
    .requiredOption('--email <email>', "owner's email")
    .requiredOption('--password <password>', "owner's password (at least 10 characters)")
    .option('--name <name>', "owner's display name")
    .action(
      async (options: { org: string; email: string; password: string; name?: string }, command: Command) => {
        const global = globalOptions(command);
        const local = await localTransport(configFrom(global), {});
        try {
          const result = await bootstrap(
            { store: local.store, keys: local.context.keys, clock: Date.now },
            { orgName: options.org, email: options.email, password: options.password, name: options.name },
            { ip: null, userAgent: 'keyward-cli', requestId: null },
          );
          if (global.json) {
            printJson({
              org: { id: result.org.id, name: result.org.name },
              user: { id: result.user.id, email: result.user.email, role: result.user.role },
              keyId: result.keyId,
              apiKey: result.apiKey,
            });
          } else {
            process.stdout.write(
              [
                `Organization ${result.org.name} (${result.org.id}) and owner ${result.user.email} created.`,
                '',
                'Admin API key (shown once, store it now):',
                `  ${result.apiKey}`,
                '',
                'Try it:',
                `  curl -H "Authorization: Api-Key ${result.apiKey}" http://localhost:8080/v1/keys`,
                '',
              ].join('\n'),
            );
          }
        } finally {
          await local.close();
        }
      },
    );
}
