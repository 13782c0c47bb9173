/**
 * `keyward keys …`: create, list, show, enable, disable, revoke and regenerate keys, through
 * the HTTP API (local or remote).
 */
import { type Command, InvalidArgumentError } from 'commander';
import type { ApiTransport } from '../api-transport.ts';
import { globalOptions, withTransport } from '../cli-context.ts';
import { CliError, expectOk, printJson, printRecord, printTable } from '../output.ts';

type KeyJson = Record<string, unknown> & { id: string; key?: string };

const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function parseInteger(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  return Number(value);
}

function parseDate(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new InvalidArgumentError('must be a date such as 2027-01-31 or 2027-01-31T12:00:00Z');
  return new Date(ms).toISOString();
}

function parseRateLimit(value: string): { limit: number; windowSeconds: number } {
  const match = /^(\d+)\/(\d+)s?$/.exec(value);
  if (!match) throw new InvalidArgumentError('must read LIMIT/SECONDS, e.g. 100/60');
  return { limit: Number(match[1]), windowSeconds: Number(match[2]) };
}

function parseJsonObject(value: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new InvalidArgumentError('must be a JSON object');
}

function printKey(key: KeyJson, json: boolean | undefined): void {
  if (json) {
    printJson(key);
    return;
  }
  const { key: token, secrets, ...rest } = key;
  printRecord({
    ...rest,
    secrets: (secrets as { slot: string; hint: string }[] | undefined)?.map((s) => `${s.slot} …${s.hint}`),
  });
  if (token) process.stdout.write(`\nKey (shown once, store it now):\n  ${token}\n`);
}

/** A user id as given, or the id of the user with this email. */
async function userIdOf(api: ApiTransport, user: string): Promise<string> {
  if (!user.includes('@')) return user;
  const page = expectOk(await api.request('GET', `/v1/users?${new URLSearchParams({ search: user })}`)) as {
    items: { id: string; email: string }[];
  };
  const found = page.items.find((candidate) => candidate.email === user.toLowerCase());
  if (!found) throw new CliError('NOT_FOUND', `No user with email ${user}.`);
  return found.id;
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('Manage API keys');

  keys
    .command('create')
    .description('Create a key and print it (once)')
    .requiredOption('--name <name>', 'title of the key')
    .option('--scopes <list>', 'comma-separated scopes', list, [])
    .option('--environment <slug>', 'environment (default: production)')
    .option('--expires <date>', 'expiry date', parseDate)
    .option('--owner <user>', 'owning user, by id or email (needed for keys with Keyward scopes)')
    .option('--resources <list>', 'comma-separated resource ids', list)
    .option('--metadata <json>', 'JSON object handed downstream', parseJsonObject)
    .option('--rate-limit <limit/seconds>', 'e.g. 100/60', parseRateLimit)
    .option('--quota <n>', 'usage quota', parseInteger)
    .option('--ip <list>', 'comma-separated CIDR allowlist', list)
    .action(async (options, command: Command) => {
      const global = globalOptions(command);
      const body = {
        name: options.name,
        scopes: options.scopes,
        environment: options.environment,
        expiresAt: options.expires,
        resources: options.resources,
        metadata: options.metadata,
        rateLimit: options.rateLimit,
        quota: options.quota === undefined ? undefined : { remaining: options.quota },
        ipAllowlist: options.ip,
      };
      await withTransport(global, async (api) => {
        const ownerId = options.owner === undefined ? undefined : await userIdOf(api, options.owner);
        printKey(
          expectOk(await api.request('POST', '/v1/keys', { ...body, ownerId })) as KeyJson,
          global.json,
        );
      });
    });

  keys
    .command('list')
    .description('List keys, newest first')
    .option('--status <status>', 'active, disabled, expired or revoked')
    .option('--environment <slug>', 'only this environment')
    .option('--owner <userId>', 'only keys of this user')
    .option('--search <text>', 'name contains')
    .option('--limit <n>', 'page size (1-200)', parseInteger)
    .option('--cursor <cursor>', 'next page cursor from a previous list')
    .action(async (options, command: Command) => {
      const global = globalOptions(command);
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries({
        status: options.status,
        environment: options.environment,
        ownerId: options.owner,
        search: options.search,
        limit: options.limit,
        cursor: options.cursor,
      })) {
        if (value !== undefined) query.set(name, String(value));
      }
      await withTransport(global, async (api) => {
        const page = expectOk(await api.request('GET', `/v1/keys?${query}`)) as {
          items: KeyJson[];
          nextCursor: string | null;
        };
        if (global.json) {
          printJson(page);
          return;
        }
        printTable(page.items, ['id', 'name', 'environment', 'status', 'scopes', 'expiresAt', 'lastUsedAt']);
        if (page.nextCursor) process.stdout.write(`\nMore: --cursor ${page.nextCursor}\n`);
      });
    });

  keys
    .command('show <id>')
    .description('Show one key')
    .action(async (id: string, _options, command: Command) => {
      const global = globalOptions(command);
      await withTransport(global, async (api) => {
        printKey(
          expectOk(await api.request('GET', `/v1/keys/${encodeURIComponent(id)}`)) as KeyJson,
          global.json,
        );
      });
    });

  for (const [name, description] of [
    ['enable', 'Enable a key'],
    ['disable', 'Disable a key (takes effect at once)'],
    ['revoke', 'Revoke a key for good'],
  ] as const) {
    keys
      .command(`${name} <id>`)
      .description(description)
      .action(async (id: string, _options, command: Command) => {
        const global = globalOptions(command);
        const path = `/v1/keys/${encodeURIComponent(id)}`;
        await withTransport(global, async (api) => {
          const response =
            name === 'revoke'
              ? await api.request('DELETE', path)
              : await api.request('POST', `${path}/${name}`);
          printKey(expectOk(response) as KeyJson, global.json);
        });
      });
  }

  keys
    .command('regenerate <id>')
    .description('Issue a new secret for a slot and print the key (once)')
    .option('--slot <slot>', 'primary or secondary', 'primary')
    .option('--grace <seconds>', 'keep the old secret valid this long', parseInteger)
    .action(async (id: string, options: { slot: string; grace?: number }, command: Command) => {
      const global = globalOptions(command);
      await withTransport(global, async (api) => {
        const response = await api.request('POST', `/v1/keys/${encodeURIComponent(id)}/regenerate`, {
          slot: options.slot,
          graceSeconds: options.grace,
        });
        printKey(expectOk(response) as KeyJson, global.json);
      });
    });
}
