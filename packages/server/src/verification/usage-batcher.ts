/**
 * @module Usage batching
 *
 * Verification writes no row synchronously. Outcomes go into memory and are flushed in one
 * transaction every `flushIntervalMs` (and on shutdown): the latest `last_used_at` per key.
 */
import type { VerificationSink } from '@keyward/core';
import type { Store } from '@keyward/storage';

/** A sink that batches; `flush()` writes what is pending, `close()` flushes and stops. */
export interface UsageBatcher extends VerificationSink {
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function createUsageBatcher(options: {
  store: Store;
  flushIntervalMs?: number;
  onError?: (error: unknown) => void;
}): UsageBatcher {
  let lastUsed = new Map<string, number>();
  let flushing: Promise<void> | null = null;

  async function writeBatch(batch: Map<string, number>): Promise<void> {
    if (batch.size === 0) return;
    await options.store.db.transaction().execute(async (trx) => {
      for (const [keyId, at] of batch) {
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
    if (flushing) await flushing;
    const batch = lastUsed;
    lastUsed = new Map();
    flushing = writeBatch(batch).catch((error) => {
      // Put the batch back so nothing is lost; a later flush retries it.
      for (const [keyId, at] of batch) if ((lastUsed.get(keyId) ?? 0) < at) lastUsed.set(keyId, at);
      options.onError?.(error);
    });
    await flushing;
    flushing = null;
  };

  const timer = setInterval(() => void flush(), options.flushIntervalMs ?? 1000);
  timer.unref();

  return {
    record(event) {
      if (event.code === 'VALID' && (lastUsed.get(event.keyId) ?? 0) < event.at)
        lastUsed.set(event.keyId, event.at);
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
