/**
 * @module Brute-force guard
 *
 * Counts failed verifications (MALFORMED, NOT_FOUND) per client IP over a sliding minute (an
 * address counts as one however it is written, and an IPv6 client as its /64: core's
 * `clientAddressKey`, so `::ffff:203.0.113.5` or a trailing space buys no fresh budget). From
 * {@link SLOW_AFTER} failures on, each further attempt from that IP is delayed a little more;
 * from {@link BLOCK_AFTER} on, the IP is refused for {@link BLOCK_MS}. Other clients are not
 * affected: the state is per IP, and the delay holds only that client's request. Per node (a
 * guessing client spread over N nodes gets N times the budget, still far below any chance of
 * guessing a 192-bit secret).
 */
import { clientAddressKey } from '@keyward/core';

const WINDOW_MS = 60_000;
const SLOW_AFTER = 5;
const BLOCK_AFTER = 20;
const BLOCK_MS = 5 * 60_000;
const STEP_MS = 25;

interface Entry {
  windowStart: number;
  failures: number;
  blockedUntil: number;
}

export interface FailureGuard {
  /** How to treat the next attempt from `ip`: go, wait `delayMs` first, or refuse until `retryAt`. */
  check(
    ip: string,
    now: number,
  ): { action: 'allow' } | { action: 'delay'; delayMs: number } | { action: 'block'; retryAt: number };
  recordFailure(ip: string, now: number): void;
}

export function createFailureGuard(options: { maxEntries?: number } = {}): FailureGuard {
  const maxEntries = options.maxEntries ?? 50_000;
  const entries = new Map<string, Entry>();
  return {
    check(address, now) {
      const ip = clientAddressKey(address);
      const entry = entries.get(ip);
      if (!entry) return { action: 'allow' };
      if (entry.blockedUntil > now) return { action: 'block', retryAt: entry.blockedUntil };
      if (now - entry.windowStart > WINDOW_MS) {
        entries.delete(ip);
        return { action: 'allow' };
      }
      if (entry.failures >= SLOW_AFTER)
        return { action: 'delay', delayMs: Math.min(2000, (entry.failures - SLOW_AFTER + 1) * STEP_MS) };
      return { action: 'allow' };
    },
    recordFailure(address, now) {
      const ip = clientAddressKey(address);
      let entry = entries.get(ip);
      if (!entry || now - entry.windowStart > WINDOW_MS) {
        if (!entry && entries.size >= maxEntries) {
          const oldest = entries.keys().next();
          if (!oldest.done) entries.delete(oldest.value);
        }
        entry = { windowStart: now, failures: 0, blockedUntil: 0 };
        entries.set(ip, entry);
      }
      entry.failures++;
      if (entry.failures >= BLOCK_AFTER) entry.blockedUntil = now + BLOCK_MS;
    },
  };
}
