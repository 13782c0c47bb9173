/**
 * @module Sessions
 *
 * The admin UI signs in with a session cookie. The cookie holds 32 random bytes; the database
 * holds only their SHA-256, so a database read cannot be replayed as a session. Cookies are
 * `HttpOnly`, `SameSite=Strict`, `Path=/`, and `Secure` when the request came over TLS.
 *
 * CSRF: every state-changing request authenticated by the cookie must carry the session's
 * CSRF token in `X-CSRF-Token` (the synchroniser-token pattern). The token is handed out by
 * login, setup and `/v1/auth/me`, read by the UI's script, and compared in constant time.
 * Requests authenticated by a key need no CSRF token: a browser never sends keys by itself.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import { KeywardError, newId, type User } from '@keyward/core';
import {
  type Database,
  deleteSession,
  findSession,
  findUser,
  insertSession,
  type Store,
} from '@keyward/storage';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { CallerRequest } from './authenticator.ts';
import type { Principal } from './principal.ts';
import { userPrincipal } from './user-principal.ts';

export const SESSION_COOKIE = 'kw_session';
const SESSION_TTL_MS = 12 * 60 * 60_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** What a signed-in request knows about its session. */
export interface SessionState {
  principal: Principal;
  csrfToken: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    session: SessionState | null;
  }
}

/** Starts a session for `user`: stores its hash, sets the cookie, returns the CSRF token. */
export async function startSession(
  db: Kysely<Database>,
  user: User,
  options: { reply: FastifyReply; now: number },
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  await insertSession(db, {
    id: newId('session'),
    token_hash: sha256(token),
    user_id: user.id,
    org_id: user.orgId,
    csrf_token: csrfToken,
    created_at: options.now,
    expires_at: options.now + SESSION_TTL_MS,
  });
  options.reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: options.reply.request.protocol === 'https',
    maxAge: SESSION_TTL_MS / 1000,
  });
  return csrfToken;
}

/**
 * Ends the request's session, if any, and clears the cookie. Signing out changes state like any
 * other POST, so a live session needs its CSRF token here too: another site cannot sign a user
 * out behind their back.
 */
export async function endSession(
  db: Kysely<Database>,
  request: FastifyRequest,
  reply: FastifyReply,
  now: number,
): Promise<void> {
  const token = request.cookies[SESSION_COOKIE];
  if (token && token.length <= 100) {
    const session = await findSession(db, sha256(token), now);
    if (session) {
      const header = request.headers['x-csrf-token'];
      if (typeof header !== 'string' || !sameToken(header, session.csrf_token)) {
        throw new KeywardError('CSRF_FAILED');
      }
      await deleteSession(db, session.token_hash);
    }
  }
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/**
 * Resolves the session cookie to the session for the authenticator; enforces CSRF on
 * state-changing methods. Returns null when there is no (live) session.
 */
export function createSessionResolver(deps: { store: Store; clock: () => number }) {
  return async (caller: CallerRequest): Promise<SessionState | null> => {
    const cookies = caller.header('cookie');
    const token = cookies === undefined ? undefined : fastifyCookie.parse(cookies)[SESSION_COOKIE];
    if (!token || token.length > 100) return null;
    const now = deps.clock();
    const session = await findSession(deps.store.db, sha256(token), now);
    if (!session) return null;
    const user = await findUser(deps.store.db, session.user_id);
    if (!user?.enabled) return null;
    if (!SAFE_METHODS.has(caller.method)) {
      const header = caller.header('x-csrf-token');
      if (header === undefined || !sameToken(header, session.csrf_token)) {
        caller.log.warn(
          { event: 'auth.failure', reason: 'csrf', ip: caller.ip },
          'CSRF token missing or wrong',
        );
        throw new KeywardError('CSRF_FAILED');
      }
    }
    return { principal: userPrincipal(user), csrfToken: session.csrf_token };
  };
}
