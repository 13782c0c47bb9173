import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../database.ts';

/** One batch row: `count` more verifications of `key_id` with `outcome` in `hour`. */
export interface UsageIncrement {
  key_id: string;
  hour: number;
  outcome: string;
  count: number;
}

/** Adds counts to the hourly counters (insert, or add to an existing row). */
export async function addUsage(db: Kysely<Database>, rows: readonly UsageIncrement[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('usage_counters')
    .values([...rows])
    .onConflict((oc) =>
      oc
        .columns(['key_id', 'hour', 'outcome'])
        .doUpdateSet({ count: sql`usage_counters.count + excluded.count` }),
    )
    .execute();
}

/** Counters of a key in `[from, to)`, oldest first. */
export async function listUsage(
  db: Kysely<Database>,
  options: { keyId: string; from: number; to: number },
): Promise<{ hour: number; outcome: string; count: number }[]> {
  const rows = await db
    .selectFrom('usage_counters')
    .select(['hour', 'outcome', 'count'])
    .where('key_id', '=', options.keyId)
    .where('hour', '>=', options.from)
    .where('hour', '<', options.to)
    .orderBy('hour')
    .execute();
  return rows.map((r) => ({ hour: Number(r.hour), outcome: r.outcome, count: Number(r.count) }));
}
