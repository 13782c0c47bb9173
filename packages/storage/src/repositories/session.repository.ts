import type { Kysely, Selectable } from 'kysely';
import type { Database, SessionTable } from '../database.ts';

export type SessionRow = Selectable<SessionTable>;

export async function insertSession(db: Kysely<Database>, row: SessionRow): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

/** A live session by the hash of its token. */
export async function findSession(
  db: Kysely<Database>,
  tokenHash: string,
  now: number,
): Promise<SessionRow | undefined> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

export async function deleteSession(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

/** Ends every session of a user (disabled, deleted, password changed). */
export async function deleteUserSessions(db: Kysely<Database>, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export async function deleteExpiredSessions(db: Kysely<Database>, now: number): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
}

export type ThrottleRow = Selectable<Database['login_throttle']>;

/** The rule a throttled subject is counted under. */
export interface ThrottleRule {
  /** Attempts allowed within the window; the last of them sets the lock. */
  max: number;
  windowMs: number;
  lockMs: number;
}

/**
 * Counts one attempt for `subject` *before* it is made, in one atomic statement (an upsert with
 * `RETURNING`), so that parallel attempts on any number of nodes are each counted before any of
 * them is checked: of a burst, only the first `max` are allowed. A window that has passed, or a
 * lock that has ended, starts the count again. Returns whether this attempt may go ahead, and
 * until when the subject is locked.
 */
export async function reserveAttempt(
  db: Kysely<Database>,
  subject: string,
  rule: ThrottleRule,
  now: number,
): Promise<{ allowed: boolean; lockedUntil: number | null }> {
  const row = await db
    .insertInto('login_throttle')
    .values({ subject, failures: 1, window_start: now, locked_until: null })
    .onConflict((oc) =>
      oc.column('subject').doUpdateSet((eb) => {
        const stale = eb.or([
          eb.and([
            eb('login_throttle.locked_until', 'is not', null),
            eb('login_throttle.locked_until', '<=', now),
          ]),
          eb.and([
            eb('login_throttle.locked_until', 'is', null),
            eb('login_throttle.window_start', '<', now - rule.windowMs),
          ]),
        ]);
        return {
          failures: eb
            .case()
            .when(stale)
            .then(1)
            .else(eb('login_throttle.failures', '+', 1))
            .end(),
          window_start: eb.case().when(stale).then(now).else(eb.ref('login_throttle.window_start')).end(),
          locked_until: eb
            .case()
            .when(stale)
            .then(null)
            .when(eb('login_throttle.failures', '>=', rule.max - 1))
            .then(eb.fn.coalesce('login_throttle.locked_until', eb.val(now + rule.lockMs)))
            .else(eb.ref('login_throttle.locked_until'))
            .end(),
        };
      }),
    )
    .returning(['failures', 'locked_until'])
    .executeTakeFirstOrThrow();
  return { allowed: Number(row.failures) <= rule.max, lockedUntil: row.locked_until };
}

/** Takes back one counted attempt (it succeeded): an address shared by many people is not locked by their sign-ins. */
export async function releaseAttempt(db: Kysely<Database>, subject: string): Promise<void> {
  await db
    .updateTable('login_throttle')
    .set((eb) => ({ failures: eb('failures', '-', 1) }))
    .where('subject', '=', subject)
    .where('failures', '>', 0)
    .execute();
}

export async function clearThrottle(db: Kysely<Database>, subject: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('subject', '=', subject).execute();
}
