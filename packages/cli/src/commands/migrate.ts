import { mkdirSync } from 'node:fs';
import { openStore } from '@keyward/storage';
import type { Command } from 'commander';
import { configFrom, globalOptions } from '../cli-context.ts';
import { printJson } from '../output.ts';

/** `keyward migrate`: apply pending migrations and print each result. */
export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations')
    .action(async (_options: unknown, command: Command) => {
      const global = globalOptions(command);
      const config = configFrom(global);
      mkdirSync(config.dataDir, { recursive: true });
      const store = openStore(config.storage);
      try {
        const { error, results = [] } = await store.migrate();
        if (global.json)
          printJson({ results: results.map((r) => ({ migration: r.migrationName, status: r.status })) });
        else if (results.length === 0) process.stdout.write('Database is up to date.\n');
        else
          for (const r of results)
            process.stdout.write(`${r.status === 'Success' ? '✓' : '✗'} ${r.migrationName} (${r.status})\n`);
        if (error) throw error;
      } finally {
        await store.close();
      }
    });
}
