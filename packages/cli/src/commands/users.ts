/** `keyward users …`: people and service users of an organization, through the HTTP API. */
import { type Command, Option } from 'commander';
import { globalOptions, withTransport } from '../cli-context.ts';
import { expectOk, printJson, printRecord, printTable } from '../output.ts';

type UserJson = Record<string, unknown> & { id: string };

function printUser(user: UserJson, json: boolean | undefined): void {
  if (json) printJson(user);
  else printRecord(user);
}

const roleOption = () =>
  new Option('--role <role>', 'owner, admin or member').choices(['owner', 'admin', 'member']);

export function registerUsers(program: Command): void {
  const users = program.command('users').description('Manage users and service users');

  users
    .command('list')
    .description('List users')
    .addOption(new Option('--kind <kind>', 'person or service').choices(['person', 'service']))
    .option('--search <text>', 'name or email contains')
    .option('--cursor <cursor>', 'next page cursor')
    .action(async (options: { kind?: string; search?: string; cursor?: string }, command: Command) => {
      const global = globalOptions(command);
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(options))
        if (value !== undefined) query.set(name, String(value));
      await withTransport(global, async (api) => {
        const page = expectOk(await api.request('GET', `/v1/users?${query}`)) as {
          items: UserJson[];
          nextCursor: string | null;
        };
        if (global.json) {
          printJson(page);
          return;
        }
        printTable(page.items, ['id', 'email', 'name', 'kind', 'role', 'enabled']);
        if (page.nextCursor) process.stdout.write(`\nMore: --cursor ${page.nextCursor}\n`);
      });
    });

  users
    .command('create')
    .description('Create a user (a service user with --kind service)')
    .requiredOption('--email <email>', 'unique email; plus-addressing allowed')
    .requiredOption('--name <name>', 'display name')
    .addOption(
      new Option('--kind <kind>', 'person or service').choices(['person', 'service']).default('person'),
    )
    .addOption(roleOption().default('member'))
    .option('--password <password>', 'lets the user sign in (at least 10 characters)')
    .action(async (options: Record<string, string | undefined>, command: Command) => {
      const global = globalOptions(command);
      await withTransport(global, async (api) => {
        printUser(expectOk(await api.request('POST', '/v1/users', options)) as UserJson, global.json);
      });
    });

  users
    .command('show <id>')
    .description('Show a user')
    .action(async (id: string, _options, command: Command) => {
      const global = globalOptions(command);
      await withTransport(global, async (api) => {
        printUser(
          expectOk(await api.request('GET', `/v1/users/${encodeURIComponent(id)}`)) as UserJson,
          global.json,
        );
      });
    });

  users
    .command('update <id>')
    .description("Change a user's name, role or password")
    .option('--name <name>', 'display name')
    .addOption(roleOption())
    .option('--password <password>', 'new password')
    .action(async (id: string, options: Record<string, string | undefined>, command: Command) => {
      const global = globalOptions(command);
      await withTransport(global, async (api) => {
        const response = await api.request('PATCH', `/v1/users/${encodeURIComponent(id)}`, options);
        printUser(expectOk(response) as UserJson, global.json);
      });
    });

  for (const [name, enabled, description] of [
    ['enable', true, 'Enable a user'],
    ['disable', false, 'Disable a user: its sessions end and its keys stop working at once'],
  ] as const) {
    users
      .command(`${name} <id>`)
      .description(description)
      .action(async (id: string, _options, command: Command) => {
        const global = globalOptions(command);
        await withTransport(global, async (api) => {
          const response = await api.request('PATCH', `/v1/users/${encodeURIComponent(id)}`, { enabled });
          printUser(expectOk(response) as UserJson, global.json);
        });
      });
  }

  users
    .command('delete <id>')
    .description('Delete a user and revoke its keys')
    .action(async (id: string, _options, command: Command) => {
      const global = globalOptions(command);
      await withTransport(global, async (api) => {
        printUser(
          expectOk(await api.request('DELETE', `/v1/users/${encodeURIComponent(id)}`)) as UserJson,
          global.json,
        );
      });
    });
}
