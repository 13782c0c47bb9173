/**
 * @module Quota ledger
 *
 * Usage quotas are spent with one conditional statement on the key's row —
 * `UPDATE … SET quota_remaining = quota_remaining - cost WHERE … AND quota_remaining >= cost
 * RETURNING quota_remaining` — so concurrent verifications on any number of nodes can never
 * spend more than the quota. A due refill is applied first, by a conditional update that only
 * one node can win. This is the one write on the verify path, and only keys with a quota pay
 * it; a PATCH of the quota through the API writes the same column, so there is no second copy
 * to reconcile.
 */
import type { QuotaLedger } from '@keyward/core';
import type { Store } from '@keyward/storage';
import { sql } from 'kysely';

export function createDatabaseQuotaLedger(store: Store): QuotaLedger {
  const db = store.db;
  return {
    async spend(keyId, cost, now) {
      // Refill when an interval has passed since the last refill (resets to the amount).
      await db
        .updateTable('api_keys')
        .set({ quota_remaining: sql`quota_refill_amount`, quota_refilled_at: now })
        .where('id', '=', keyId)
        .where('quota_refill_amount', 'is not', null)
        .where(sql<boolean>`quota_refilled_at + quota_refill_interval_s * 1000 <= ${now}`)
        .execute();
      const spent = await db
        .updateTable('api_keys')
        .set({ quota_remaining: sql`quota_remaining - ${cost}` })
        .where('id', '=', keyId)
        .where('quota_remaining', '>=', cost)
        // A spent quota answers USAGE_EXCEEDED even to a call that costs nothing.
        .where('quota_remaining', '>', 0)
        .returning('quota_remaining')
        .executeTakeFirst();
      if (spent) return { allowed: true, remaining: Number(spent.quota_remaining) };
      const row = await db
        .selectFrom('api_keys')
        .select('quota_remaining')
        .where('id', '=', keyId)
        .executeTakeFirst();
      return { allowed: false, remaining: Number(row?.quota_remaining ?? 0) };
    },
  };
}
