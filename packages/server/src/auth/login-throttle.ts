/**
 * @module Login throttling
 *
 * Failed password checks are counted per account and per client IP in the database, so every
 * node sees the same counts. After {@link MAX_FAILURES} failures within the window the subject
 * is locked for {@link LOCK_MS}; a success clears the account's counter. A locked subject gets
 * 429 with `Retry-After` before any password is checked.
 */
import { KeywardError } from '@keyward/core';
import { clearThrottle, type Database, findThrottle, saveThrottle } from '@keyward/storage';
import type { Kysely } from 'kysely';

const MAX_FAILURES = 5;
const WINDOW_MS = 15 * 60_000;
const LOCK_MS = 15 * 60_000;
/** An IP may fail more often than one account: offices share addresses. */
const MAX_FAILURES_PER_IP = 20;

function subjects(email: string, ip: string | null): { subject: string; max: number }[] {
  return [
    { subject: `email:${email.toLowerCase()}`, max: MAX_FAILURES },
    ...(ip ? [{ subject: `ip:${ip}`, max: MAX_FAILURES_PER_IP }] : []),
  ];
}

/** Throws RATE_LIMITED while the account or the IP is locked. */
export async function assertNotThrottled(
  db: Kysely<Database>,
  email: string,
  ip: string | null,
  now: number,
): Promise<void> {
  for (const { subject } of subjects(email, ip)) {
    const row = await findThrottle(db, subject);
    if (row?.locked_until && row.locked_until > now) {
      const seconds = Math.ceil((row.locked_until - now) / 1000);
      throw new KeywardError('RATE_LIMITED', {
        message: 'Too many failed logins. Try again later.',
        headers: { 'retry-after': String(seconds) },
      });
    }
  }
}

/** Counts a failure for the account and the IP, locking them when over the limit. */
export async function recordLoginFailure(
  db: Kysely<Database>,
  email: string,
  ip: string | null,
  now: number,
): Promise<void> {
  for (const { subject, max } of subjects(email, ip)) {
    const row = await findThrottle(db, subject);
    const fresh = !row || now - row.window_start > WINDOW_MS;
    const failures = fresh ? 1 : row.failures + 1;
    await saveThrottle(db, {
      subject,
      failures,
      window_start: fresh ? now : row.window_start,
      locked_until: failures >= max ? now + LOCK_MS : null,
    });
  }
}

/** Clears the account's counter after a successful login. */
export async function recordLoginSuccess(db: Kysely<Database>, email: string): Promise<void> {
  await clearThrottle(db, `email:${email.toLowerCase()}`);
}
