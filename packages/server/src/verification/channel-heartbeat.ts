/**
 * @module Channel heartbeat
 *
 * An invalidation channel that has gone silent looks exactly like one with nothing to say: a
 * connection through a partitioned network, or to a stalled server, raises no error for
 * minutes. So each bus probes its own connection every {@link HEARTBEAT_INTERVAL_MS}; a probe
 * unanswered after {@link HEARTBEAT_STALE_MS} makes the channel stale, and the bus reports
 * itself unhealthy, so caches are bypassed, until a probe is answered again. A cached key is
 * thereby trusted only while the channel has proven, within about a second, that it would have
 * carried a change.
 */

/** How often the channel's connection is probed, in ms. */
export const HEARTBEAT_INTERVAL_MS = 250;
/** A probe unanswered this long makes the channel stale, in ms. */
export const HEARTBEAT_STALE_MS = 750;

/** A running heartbeat. */
export interface Heartbeat {
  stop(): void;
}

/**
 * Probes a channel with `probe` (a round trip on the listening connection) until stopped.
 * `onFresh` follows every answered probe, `onStale` a probe overdue, `onFailed` a probe that
 * failed (the connection is broken, or timed out on the client).
 */
export function startHeartbeat(options: {
  probe: () => Promise<unknown> | null;
  onFresh: () => void;
  onStale: () => void;
  onFailed: (error: unknown) => void;
}): Heartbeat {
  let sentAt: number | null = null;
  const timer = setInterval(() => {
    const now = performance.now();
    if (sentAt !== null) {
      if (now - sentAt > HEARTBEAT_STALE_MS) options.onStale();
      return;
    }
    const probe = options.probe();
    if (!probe) return;
    sentAt = now;
    probe.then(
      () => {
        sentAt = null;
        options.onFresh();
      },
      (error: unknown) => {
        sentAt = null;
        options.onFailed(error);
      },
    );
  }, HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
