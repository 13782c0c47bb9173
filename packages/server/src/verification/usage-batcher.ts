/**
 * @module Usage batching
 *
 * Verification writes no row synchronously. Each outcome of a known key is counted in memory
 * (per key, hour and outcome) and the latest successful use per key is kept; both are flushed
 * in one transaction every `flushIntervalMs` and on shutdown. A failed flush puts its batch
 * back, so nothing counted is lost while the database is briefly away. What cannot be written
 * by the time the node stops goes to the spool (usage-spool.ts), which the next start replays.
 */
import type { VerificationSink } from '@keyward/core';
import { addUsage, type Store, type UsageIncrement } from '@keyward/storage';
import type { SpooledUsage, UsageSpool } from './usage-spool.ts';

const HOUR_MS = 3_600_000;
const ROWS_PER_INSERT = 500;

/**
 * A sink that batches; `flush()` writes what is pending, `close()` flushes and stops, spooling
 * what it could not write.
 */
export interface UsageBatcher extends VerificationSink {
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Writes the spool files earlier nodes left (at start, before serving). */
  replaySpool(): Promise<number>;
  /**
   * Saves everything not yet written to the spool at once, synchronously, including a flush
   * still under way: for a shutdown out of time. Such a flush may yet commit, so its counts may
   * then be counted twice; without the spool they would be lost.
   */
  spoolNow(): void;
  /** Verifications counted but not yet written: what a hard kill now would lose. */
  unwritten(): number;
}

interface Pending {
  /** Per key, its rows: one per hour and outcome seen since the last flush (a handful). */
  counts: Map<string, UsageIncrement[]>;
  lastUsed: Map<string, number>;
}

/** Adds `count` to the key's row for `hour` and `outcome`, making it if needed. */
function add(
  counts: Map<string, UsageIncrement[]>,
  keyId: string,
  hour: number,
  outcome: string,
  count: number,
) {
  let rows = counts.get(keyId);
  if (!rows) {
    rows = [];
    counts.set(keyId, rows);
  }
  for (const row of rows) {
    if (row.hour === hour && row.outcome === outcome) {
      row.count += count;
      return;
    }
  }
  rows.push({ key_id: keyId, hour, outcome, count });
}

const empty = (): Pending => ({ counts: new Map(), lastUsed: new Map() });

const isEmpty = (batch: Pending) => batch.counts.size === 0 && batch.lastUsed.size === 0;

const spooled = (batch: Pending): SpooledUsage => ({
  counts: [...batch.counts.values()].flat(),
  lastUsed: [...batch.lastUsed],
});

export function createUsageBatcher(options: {
  store: Store;
  flushIntervalMs?: number;
  /** Where counts go that cannot be written when the node stops; without it they are lost. */
  spool?: UsageSpool;
  onError?: (error: unknown) => void;
}): UsageBatcher {
  let pending = empty();
  /** The batch a flush is writing. */
  let writing: Pending | null = null;
  let flushing: Promise<void> | null = null;

  function merge(into: Pending, from: Pending) {
    for (const rows of from.counts.values()) {
      for (const row of rows) add(into.counts, row.key_id, row.hour, row.outcome, row.count);
    }
    for (const [keyId, at] of from.lastUsed)
      if ((into.lastUsed.get(keyId) ?? 0) < at) into.lastUsed.set(keyId, at);
  }

  async function write(batch: Pending): Promise<void> {
    if (isEmpty(batch)) return;
    await writeSpooled(spooled(batch));
  }

  async function writeSpooled(usage: SpooledUsage): Promise<void> {
    const rows = usage.counts;
    await options.store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT)
        await addUsage(trx, rows.slice(i, i + ROWS_PER_INSERT));
      for (const [keyId, at] of usage.lastUsed) {
        await trx
          .updateTable('api_keys')
          .set({ last_used_at: at })
          .where('id', '=', keyId)
          .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
          .execute();
      }
    });
  }

  const flush = async (): Promise<void> => {
    while (flushing) await flushing;
    const batch = pending;
    pending = empty();
    writing = batch;
    flushing = write(batch).catch((error) => {
      // Unless spoolNow has saved it meanwhile, the batch waits for the next flush.
      if (writing === batch) merge(pending, batch);
      options.onError?.(error);
    });
    await flushing;
    writing = null;
    flushing = null;
  };

  const spoolNow = () => {
    const all = empty();
    merge(all, pending);
    if (writing) merge(all, writing);
    pending = empty();
    writing = null;
    if (isEmpty(all)) return;
    if (!options.spool) {
      options.onError?.(new Error('usage counts lost: no spool'));
      return;
    }
    options.spool.save(spooled(all));
  };

  const timer = setInterval(() => void flush(), options.flushIntervalMs ?? 1000);
  timer.unref();

  return {
    record(event) {
      const hour = event.at - (event.at % HOUR_MS);
      add(pending.counts, event.keyId, hour, event.code, 1);
      if (event.code === 'VALID' && (pending.lastUsed.get(event.keyId) ?? 0) < event.at) {
        pending.lastUsed.set(event.keyId, event.at);
      }
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
      // The database did not take them: keep them for the next start.
      if (!isEmpty(pending)) spoolNow();
    },
    async replaySpool() {
      return options.spool ? options.spool.replay(writeSpooled) : 0;
    },
    spoolNow,
    unwritten() {
      let total = 0;
      for (const batch of writing ? [pending, writing] : [pending])
        for (const rows of batch.counts.values()) for (const row of rows) total += row.count;
      return total;
    },
  };
}
