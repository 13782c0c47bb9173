/**
 * @module Usage spool
 *
 * Usage counts that could not be written to the database when a node stopped (the database
 * was away at SIGTERM, or did not answer before the shutdown deadline) are saved to a file in
 * `<data dir>/usage-spool/`, and written to the database by the next node that starts with that
 * data directory. A file is written whole under a temporary name, then renamed, so a reader
 * never sees half of one; a node replaying a file first renames it to claim it, so two nodes
 * starting at once never count it twice. The files hold key ids, hours, outcomes and counts:
 * nothing secret.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UsageIncrement } from '@keyward/storage';

/** Counts saved in one spool file. */
export interface SpooledUsage {
  counts: UsageIncrement[];
  /** Latest successful use per key id, epoch ms. */
  lastUsed: [string, number][];
}

/** Saves and replays usage spool files in one directory. */
export interface UsageSpool {
  /** Saves `usage` to a new file, synchronously: it runs while the process is exiting. */
  save(usage: SpooledUsage): void;
  /**
   * Writes every file found with `write`, removing each once written; a file whose write
   * fails stays for the next start. Resolves with the number of files replayed.
   */
  replay(write: (usage: SpooledUsage) => Promise<void>): Promise<number>;
}

const SUFFIX = '.json';
const CLAIMED = '.replaying';

/** The spool of usage counts in `dir` (created when first needed). */
export function createUsageSpool(dir: string): UsageSpool {
  return {
    save(usage) {
      mkdirSync(dir, { recursive: true });
      const name = `usage-${Date.now()}-${process.pid}-${randomBytes(4).toString('hex')}`;
      const temporary = join(dir, `${name}.tmp`);
      writeFileSync(temporary, JSON.stringify(usage));
      renameSync(temporary, join(dir, name + SUFFIX));
    },
    async replay(write) {
      let names: string[];
      try {
        names = readdirSync(dir).filter((name) => name.endsWith(SUFFIX));
      } catch {
        return 0; // no spool directory: nothing was ever spooled
      }
      let replayed = 0;
      for (const name of names) {
        const file = join(dir, name);
        const claimed = file + CLAIMED;
        try {
          renameSync(file, claimed);
        } catch {
          continue; // another node took it
        }
        try {
          await write(JSON.parse(readFileSync(claimed, 'utf8')) as SpooledUsage);
        } catch (error) {
          renameSync(claimed, file);
          throw error;
        }
        unlinkSync(claimed);
        replayed++;
      }
      return replayed;
    },
  };
}
