/**
 * @module Admin authentication
 *
 * Resolves the {@link Principal} of an admin request from exactly one credential (SPEC §4),
 * a session (when a session resolver is installed), or the local CLI's in-process token, and
 * guards routes by Keyward scope. Failures are logged as security events with the reason, the
 * key id when one was parsed, the client IP and the request id — never the credential.
 */
import {
  type Credential,
  type CredentialMemo,
  collectCredentialHeaders,
  extractCredential,
  type KeyIdentity,
  KeywardError,
  keyRights,
  parseKey,
  type Verifier,
  type VerifyResult,
} from '@keyward/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FailureGuard } from '../limits/failure-guard.ts';
import type { Principal } from './principal.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by an auth guard; null on public routes. */
    principal: Principal | null;
    /** `auth-key` values taken out of the query string before validation (see {@link takeQueryKeys}). */
    queryKeys: string[];
  }
}

/**
 * Moves `auth-key` out of the parsed query (an onRequest hook), so route query schemas never
 * see it and the authenticator alone decides what it means.
 */
export function takeQueryKeys(request: FastifyRequest): void {
  const query = request.query as Record<string, unknown> | undefined;
  const value = query?.['auth-key'];
  if (value === undefined || !query) return;
  request.queryKeys = Array.isArray(value) ? value.map(String) : [String(value)];
  delete query['auth-key'];
}

/** A credential that is a key: the full key string, or its HTTP Basic pair. */
export type KeyCredential = Extract<Credential, { kind: 'key' | 'key-pair' }>;

/** Resolves a session cookie to a principal, or null when there is none (installed by the auth routes). */
export type SessionResolver = (request: FastifyRequest, reply: FastifyReply) => Promise<Principal | null>;
/** Checks an email and password (HTTP Basic), on routes that accept a login. */
export type PasswordResolver = (
  email: string,
  password: string,
  request: FastifyRequest,
) => Promise<Principal>;
/** Resolves the local CLI's principal for the given org header. */
export type LocalResolver = (orgHeader: string | undefined) => Promise<Principal>;

export interface AuthenticatorDeps {
  verifier: Verifier;
  failureGuard: FailureGuard;
  clock: () => number;
  allowQueryKey: boolean;
  localToken?: string | undefined;
  resolveLocal?: LocalResolver | undefined;
}

/**
 * The principal of a key: its grant within its accountable user's current rights (core's
 * `keyRights`). Worked out once per loaded key, not on every request: the verifier hands out one
 * identity per loaded key, and any change to the key or to its accountable user drops the key
 * from every cache, so the next request loads it, and its rights, anew.
 */
const principals = new WeakMap<KeyIdentity, Principal>();
export function keyPrincipal(identity: KeyIdentity): Principal {
  const known = principals.get(identity);
  if (known) return known;
  const principal: Principal = {
    ...keyRights(identity),
    kind: 'key',
    actor: { type: 'key', id: identity.id, name: identity.name },
  };
  principals.set(identity, Object.freeze(principal));
  return principal;
}

const QUERY_KEY_WARNING = '199 keyward "auth-key in the query string is not recommended: URLs get logged"';

function queryKeys(request: FastifyRequest): string[] {
  return request.queryKeys ?? [];
}

/** Reads the one credential of a request. */
export function readCredential(request: FastifyRequest, allowQueryKey: boolean): Credential {
  const { authorization, apiKey } = collectCredentialHeaders(request.raw.rawHeaders);
  return extractCredential({ authorization, apiKey, queryKey: queryKeys(request), allowQueryKey });
}

function keyIdOf(credential: Credential): string | undefined {
  if (credential.kind === 'key-pair') return credential.keyId;
  if (credential.kind === 'key') {
    const parsed = parseKey(credential.token);
    return parsed.ok ? parsed.key.keyId : undefined;
  }
  return undefined;
}

function failure(result: VerifyResult): KeywardError {
  switch (result.code) {
    case 'MALFORMED':
      return new KeywardError('MALFORMED_CREDENTIAL', { message: 'The API key is malformed.' });
    case 'RATE_LIMITED':
      return new KeywardError('RATE_LIMITED', {
        message: 'The API key is rate limited.',
        headers: result.ratelimit
          ? { 'retry-after': String(Math.max(1, Math.ceil((result.ratelimit.resetAt - Date.now()) / 1000))) }
          : undefined,
      });
    case 'USAGE_EXCEEDED':
      return new KeywardError('RATE_LIMITED', { message: 'The API key has no usage left.' });
    case 'DISABLED':
      return new KeywardError('INVALID_CREDENTIAL', { message: 'The API key is disabled.' });
    case 'EXPIRED':
      return new KeywardError('INVALID_CREDENTIAL', { message: 'The API key has expired.' });
    case 'IP_FORBIDDEN':
      return new KeywardError('INVALID_CREDENTIAL', {
        message: 'The API key may not be used from this address.',
      });
    default:
      return new KeywardError('INVALID_CREDENTIAL', { message: 'The API key is not valid.' });
  }
}

/**
 * Applies the brute-force guard to a client about to present a key: refuses with 429 while it
 * is blocked, and returns a promise to wait on when it has been failing (nothing otherwise).
 */
export function throttleGuessing(
  deps: { failureGuard: FailureGuard; clock: () => number },
  ip: string,
): Promise<void> | undefined {
  const verdict = deps.failureGuard.check(ip, deps.clock());
  if (verdict.action === 'delay') return new Promise((resolve) => setTimeout(resolve, verdict.delayMs));
  if (verdict.action === 'block') {
    throw new KeywardError('RATE_LIMITED', {
      message: 'Too many failed attempts from this address. Try again later.',
      headers: { 'retry-after': String(Math.max(1, Math.ceil((verdict.retryAt - deps.clock()) / 1000))) },
    });
  }
  return undefined;
}

/** Where authentication failures are logged: the request's logger, or one carrying its id. */
export interface AuthLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/** Refuses `principal` unless it holds every scope listed. */
export function requireScopes(principal: Principal, scopes: readonly string[], log: AuthLog): void {
  const missing = scopes.filter((scope) => !principal.scopes.has(scope));
  if (missing.length === 0) return;
  log.warn({ event: 'auth.forbidden', missing, actor: principal.actor.id }, 'insufficient scope');
  throw new KeywardError('INSUFFICIENT_SCOPE', {
    message: `This needs the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`,
    details: { missing },
  });
}

/** Builds the authentication functions and route guards. */
export function createAuthenticator(deps: AuthenticatorDeps) {
  let sessionResolver: SessionResolver | null = null;
  let passwordResolver: PasswordResolver | null = null;

  function logFailure(request: FastifyRequest, reason: string, keyId?: string) {
    request.log.warn({ event: 'auth.failure', reason, keyId, ip: request.ip }, 'authentication failed');
  }

  /**
   * The principal of a key credential presented from `ip`. Needs no Fastify request, so the
   * verify fast path authenticates its callers through this same function, with a memo per
   * connection (see {@link CredentialMemo}). Answers without a promise when the verifier does.
   */
  function authenticateKey(
    credential: KeyCredential,
    ip: string,
    log: AuthLog,
    memo?: CredentialMemo,
  ): Principal | Promise<Principal> {
    const presented =
      credential.kind === 'key' ? credential.token : { keyId: credential.keyId, tail: credential.tail };
    const result = deps.verifier.verifyNow({ key: presented, ip, anyEnvironment: true, memo });
    return result instanceof Promise
      ? result.then((settled) => principalFrom(settled, credential, ip, log))
      : principalFrom(result, credential, ip, log);
  }

  function principalFrom(
    result: VerifyResult,
    credential: KeyCredential,
    ip: string,
    log: AuthLog,
  ): Principal {
    if (!result.valid || !result.key) {
      log.warn(
        { event: 'auth.failure', reason: result.code, keyId: keyIdOf(credential), ip },
        'authentication failed',
      );
      throw failure(result);
    }
    return keyPrincipal(result.key);
  }

  async function authenticate(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { allowPassword: boolean },
  ): Promise<Principal> {
    const localHeader = request.headers['x-keyward-local'];
    if (deps.localToken && deps.resolveLocal && localHeader === deps.localToken) {
      const org = request.headers['x-keyward-org'];
      return deps.resolveLocal(typeof org === 'string' ? org : undefined);
    }
    const credential = readCredential(request, deps.allowQueryKey);
    switch (credential.kind) {
      case 'none': {
        const session = sessionResolver ? await sessionResolver(request, reply) : null;
        if (session) return session;
        logFailure(request, 'no credential');
        throw new KeywardError('UNAUTHENTICATED', {
          message:
            !deps.allowQueryKey && queryKeys(request).length > 0
              ? 'A credential is required; keys in the query string are disabled on this deployment.'
              : undefined,
        });
      }
      case 'conflict':
        logFailure(request, 'more than one credential');
        throw new KeywardError('DUPLICATE_CREDENTIALS');
      case 'malformed':
        logFailure(request, credential.reason);
        throw new KeywardError('MALFORMED_CREDENTIAL', {
          message: `The credential could not be parsed: ${credential.reason}.`,
        });
      case 'password': {
        if (!options.allowPassword || !passwordResolver) {
          logFailure(request, 'password where a key is required');
          throw new KeywardError('INVALID_CREDENTIAL', {
            message: 'This route takes an API key, not a password.',
          });
        }
        return passwordResolver(credential.email, credential.password, request);
      }
      case 'key':
      case 'key-pair': {
        if (credential.kind === 'key' && credential.transport === 'query')
          reply.header('warning', QUERY_KEY_WARNING);
        return authenticateKey(credential, request.ip, request.log);
      }
    }
  }

  /**
   * A preHandler that requires every scope listed (none: any authenticated caller).
   * `allowPassword` admits HTTP Basic email:password (only `/api_tokens/`).
   */
  function require(scopes: readonly string[], options: { allowPassword?: boolean } = {}) {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      const principal = await authenticate(request, reply, { allowPassword: options.allowPassword ?? false });
      requireScopes(principal, scopes, request.log);
      request.principal = principal;
    };
  }

  return {
    require,
    authenticate,
    authenticateKey,
    /** Installs session-cookie authentication (the auth routes do this). */
    useSessions(resolver: SessionResolver) {
      sessionResolver = resolver;
    },
    /** Installs email/password authentication for routes that allow it. */
    usePasswords(resolver: PasswordResolver) {
      passwordResolver = resolver;
    },
  };
}

/** The authenticator's interface. */
export type Authenticator = ReturnType<typeof createAuthenticator>;
