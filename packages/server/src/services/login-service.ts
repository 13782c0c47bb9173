/**
 * @module Login
 *
 * Email and password, for the UI's login and for HTTP Basic on `/api_tokens/`. Every attempt is
 * counted per account and IP before the password is checked (login-throttle.ts); the answer
 * never says whether the email exists (an unknown email costs a full Argon2 check too).
 * Successes and failures are audited.
 */
import { KeywardError, type User } from '@keyward/core';
import { findUserCredentials, type Store } from '@keyward/storage';
import { recordLoginSuccess, reserveLoginAttempt } from '../auth/login-throttle.ts';
import { verifyPassword } from '../auth/passwords.ts';
import type { RequestContext } from '../auth/principal.ts';
import { writeAudit } from './audit-writer.ts';

export function createLoginService(deps: { store: Store; clock: () => number }) {
  const { store, clock } = deps;
  return {
    /** Returns the user whose email and password these are, or throws INVALID_CREDENTIAL / RATE_LIMITED. */
    async check(email: string, password: string, context: RequestContext & { via: string }): Promise<User> {
      const normalised = email.trim().toLowerCase();
      const now = clock();
      await reserveLoginAttempt(store.db, normalised, context.ip, now);
      const found = await findUserCredentials(store.db, normalised);
      const passwordOk = await verifyPassword(found?.passwordHash ?? null, password);
      const user = found?.user;
      if (!user || !passwordOk || !user.enabled) {
        await store.db.transaction().execute((trx) =>
          writeAudit(trx, {
            orgId: user?.orgId ?? null,
            actor: user
              ? { type: 'user', id: user.id, name: user.email }
              : { type: 'user', id: null, name: normalised },
            at: now,
            context,
            action: 'auth.login_failed',
            targetType: 'user',
            targetId: user?.id ?? null,
            after: {
              via: context.via,
              reason: !user ? 'unknown email' : !passwordOk ? 'wrong password' : 'user disabled',
            },
          }),
        );
        throw new KeywardError('INVALID_CREDENTIAL', { message: 'The email or password is wrong.' });
      }
      await recordLoginSuccess(store.db, normalised, context.ip);
      await store.db.transaction().execute((trx) =>
        writeAudit(trx, {
          orgId: user.orgId,
          actor: { type: 'user', id: user.id, name: user.email },
          at: now,
          context,
          action: 'auth.login',
          targetType: 'user',
          targetId: user.id,
          after: { via: context.via },
        }),
      );
      return user;
    },
  };
}

export type LoginService = ReturnType<typeof createLoginService>;
