/**
 * @module Login throttling
 *
 * Password attempts are counted per account and per client IP in the database, so every node
 * sees the same counts. Each attempt is counted *before* its password is checked, atomically
 * (`reserveAttempt`), so a burst of parallel guesses checks no more passwords than the same
 * guesses sent one at a time. Within the window an account may try {@link ACCOUNT_RULE}`.max`
 * times and an address {@link ADDRESS_RULE}`.max` times; then the subject is locked and gets
 * 429 with `Retry-After` before any password is checked. A success clears the account's count
 * and takes the attempt back from the address's.
 */
import { KeywardError } from '@keyward/core';
import {
  clearThrottle,
  type Database,
  releaseAttempt,
  reserveAttempt,
  type ThrottleRule,
} from '@keyward/storage';
import type { Kysely } from 'kysely';

const ACCOUNT_RULE: ThrottleRule = { max: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
/** An IP may try more often than one account: offices share addresses. */
const ADDRESS_RULE: ThrottleRule = { max: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

const accountSubject = (email: string) => `email:${email.toLowerCase()}`;
const addressSubject = (ip: string) => `ip:${ip}`;

/**
 * Counts a password attempt for the account and the IP before it is checked; throws
 * RATE_LIMITED (nothing may be checked) when either is over its limit.
 */
export async function reserveLoginAttempt(
  db: Kysely<Database>,
  email: string,
  ip: string | null,
  now: number,
): Promise<void> {
  const subjects: [string, ThrottleRule][] = [[accountSubject(email), ACCOUNT_RULE]];
  if (ip) subjects.push([addressSubject(ip), ADDRESS_RULE]);
  for (const [subject, rule] of subjects) {
    const { allowed, lockedUntil } = await reserveAttempt(db, subject, rule, now);
    if (!allowed) {
      const seconds = Math.max(1, Math.ceil(((lockedUntil ?? now + rule.lockMs) - now) / 1000));
      throw new KeywardError('RATE_LIMITED', {
        message: 'Too many failed logins. Try again later.',
        headers: { 'retry-after': String(seconds) },
      });
    }
  }
}

/** After a successful login: the account starts afresh, and the address gets its attempt back. */
export async function recordLoginSuccess(
  db: Kysely<Database>,
  email: string,
  ip: string | null,
): Promise<void> {
  await clearThrottle(db, accountSubject(email));
  if (ip) await releaseAttempt(db, addressSubject(ip));
}
