/**
 * @module Migrations
 *
 * One set of versioned migrations for both dialects, named by timestamp so they sort in the
 * order they were written. Register each new migration here; files are imported statically so
 * the set is the same however the code is run or bundled.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './2026-11-24T0001-initial.ts';
import * as sessions from './2026-11-24T0101-sessions.ts';
import * as usage from './2026-11-24T0201-usage.ts';
import * as accountableUsers from './2026-12-04T0001-accountable-users.ts';

const MIGRATIONS: Record<string, Migration> = {
  '2026-11-24T0001-initial': initial,
  '2026-11-24T0101-sessions': sessions,
  '2026-11-24T0201-usage': usage,
  '2026-12-04T0001-accountable-users': accountableUsers,
};

/** Provides the migrations to Kysely's `Migrator`. */
export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return MIGRATIONS;
  },
};
