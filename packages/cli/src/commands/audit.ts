/**
 * `keyward audit list|export`. The export streams NDJSON into `FILE.partial` and renames it to
 * `FILE` only when the stream completed, so a failed or interrupted export never leaves a
 * half-written file behind; progress (events written) goes to stderr.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { globalOptions, withTransport } from '../cli-context.ts';
import { CliError, expectOk, printJson, printTable } from '../output.ts';

function parseDate(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new InvalidArgumentError('must be a date such as 2027-01-31 or 2027-01-31T12:00:00Z');
  return new Date(ms).toISOString();
}

function periodQuery(options: { from?: string; to?: string }): URLSearchParams {
  const query = new URLSearchParams();
  if (options.from) query.set('from', options.from);
  if (options.to) query.set('to', options.to);
  return query;
}

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('Read and export the audit trail');

  audit
    .command('list')
    .description('List audit events, newest first')
    .option('--from <date>', 'from (inclusive)', parseDate)
    .option('--to <date>', 'to (exclusive)', parseDate)
    .option('--actor <id>', 'actor id (usr_…, key_…)')
    .option('--action <action>', 'e.g. key.revoke')
    .option('--target <id>', 'target id')
    .option('--limit <n>', 'page size')
    .option('--cursor <cursor>', 'next page cursor')
    .action(async (options: Record<string, string | undefined>, command: Command) => {
      const global = globalOptions(command);
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(options)) if (value !== undefined) query.set(name, value);
      await withTransport(global, async (api) => {
        const page = expectOk(await api.request('GET', `/v1/audit?${query}`)) as {
          items: Record<string, unknown>[];
          nextCursor: string | null;
        };
        if (global.json) {
          printJson(page);
          return;
        }
        printTable(
          page.items.map((e) => ({
            ...e,
            actor: (e.actor as { name?: string; id?: string }).name ?? (e.actor as { id?: string }).id,
          })),
          ['at', 'action', 'actor', 'targetId', 'ip'],
        );
        if (page.nextCursor) process.stdout.write(`\nMore: --cursor ${page.nextCursor}\n`);
      });
    });

  audit
    .command('export')
    .description('Export every event of a period as NDJSON')
    .requiredOption('--from <date>', 'from (inclusive)', parseDate)
    .requiredOption('--to <date>', 'to (exclusive)', parseDate)
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (options: { from: string; to: string; out?: string }, command: Command) => {
      const global = globalOptions(command);
      await withTransport(global, async (api) => {
        const response = await api.stream(`/v1/exports/audit?${periodQuery(options)}`);
        if (response.status !== 200) {
          let text = '';
          for await (const chunk of response.body) text += Buffer.from(chunk).toString('utf8');
          expectOk({ status: response.status, body: text ? JSON.parse(text) : null, headers: {} });
        }
        const partial = options.out ? `${options.out}.partial` : null;
        const out = partial ? createWriteStream(partial) : process.stdout;
        const bar = partial
          ? new SingleBar({ format: 'Exporting {value} events', stream: process.stderr })
          : null;
        bar?.start(0, 0);
        let events = 0;
        try {
          for await (const chunk of response.body) {
            const buffer = Buffer.from(chunk);
            for (const byte of buffer) if (byte === 10) events++;
            if (!out.write(buffer)) await once(out, 'drain');
            bar?.update(events);
          }
          if (partial && options.out) {
            out.end();
            await once(out, 'finish');
            await rename(partial, options.out);
          }
        } catch (error) {
          if (partial) {
            out.destroy();
            await rm(partial, { force: true });
          }
          throw new CliError(
            'EXPORT_FAILED',
            `The export failed and nothing was written: ${(error as Error).message}`,
          );
        } finally {
          bar?.stop();
        }
        if (options.out) process.stderr.write(`Exported ${events} events to ${options.out}\n`);
      });
    });
}
