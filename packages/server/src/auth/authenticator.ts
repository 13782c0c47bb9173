/**
 * @module Admin authentication
 *
 * Resolves the {@link Principal} of a request from exactly one credential (core's `extractCredential`),
 * a session (when a session resolver is installed), or the local CLI's in-process token, and
 * guards routes by Keyward scope. It reads a request as a {@link CallerRequest}, which the
 * Fastify routes and the verify handler both describe theirs as, so there is one place that
 * decides who is calling. Failures are logged as security events with the reason, the key id
 * when one was parsed, the client IP and the request id — never the credential.
 */
import {
  type Credential,
  type CredentialMemo,
  collectCredentialHeaders,
  extractCredential,
  isQueryKeyName,
  KeywardError,
  parseApiKeyHeader,
  parseAuthorization,
  parseKey,
  queryKeysIn,
  type Verifier,
  type VerifyResult,
} from '@keyward/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { keyView } from '../verification/key-views.ts';
import type { Principal, RequestContext } from './principal.ts';
import type { SessionState } from './sessions.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by an auth guard; null on public routes. */
    principal: Principal | null;
    /** `auth-key` values taken out of the query string before validation (see {@link takeQueryKeys}). */
    queryKeys: string[];
  }
}

/**
 * Moves `auth-key`, in every spelling core's `isQueryKeyName` counts, out of the parsed query
 * (an onRequest hook), so route query schemas never see it and the authenticator alone decides
 * what it means. The values are read from the raw URL by the same rule the logger redacts by.
 */
export function takeQueryKeys(request: FastifyRequest): void {
  const query = request.query as Record<string, unknown> | undefined;
  if (!query) return;
  let found = false;
  for (const name of Object.keys(query)) {
    if (isQueryKeyName(name)) {
      delete query[name];
      found = true;
    }
  }
  if (!found) return;
  const mark = request.url.indexOf('?');
  request.queryKeys = mark === -1 ? [] : queryKeysIn(request.url.slice(mark + 1));
}

/** A credential that is a key: the full key string, or its HTTP Basic pair. */
export type KeyCredential = Extract<Credential, { kind: 'key' | 'key-pair' }>;

/** Where authentication failures are logged: the request's logger, or one carrying its id. */
export interface AuthLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * What a caller's connection presented and proved last: the platform's services send the same
 * credential header on every request of a kept-alive connection, so its text is parsed once,
 * and the key it names is proven once while it stays loaded (see core's {@link CredentialMemo}).
 * Only ever compared with what the same connection sent before.
 */
export interface CallerMemo {
  /** The one credential header of the last request, and what it parsed to. */
  header?: { text: string; inAuthorization: boolean; credential: Credential };
  proof: CredentialMemo;
}

/** A request as authentication reads it, whichever transport received it. */
export interface CallerRequest {
  readonly method: string;
  /** The client address, as `trustProxy` makes it. */
  readonly ip: string;
  readonly requestId: string;
  /** Every `Authorization` and `X-API-Key` value, repeated ones included. */
  readonly authorization: readonly string[];
  readonly apiKey: readonly string[];
  /** The `auth-key` values of the query string. */
  readonly queryKeys: readonly string[];
  /** A header that is not a credential (the local CLI's, the cookie, the CSRF token, the user agent). */
  header(name: string): string | undefined;
  readonly log: AuthLog;
  /** Adds a header to the answer (the warning about a key in the query string). */
  setHeader(name: string, value: string): void;
  /** Told of the session that authenticated the request, if one did. */
  setSession?(session: SessionState): void;
  /** Kept per connection by a transport that can (the verify handler). */
  readonly memo?: CallerMemo | undefined;
}

/** Resolves a session cookie, or null when there is none (installed by the app). */
export type SessionResolver = (caller: CallerRequest) => Promise<SessionState | null>;
/** Checks an email and password (HTTP Basic), on routes that accept a login. */
export type PasswordResolver = (
  email: string,
  password: string,
  context: RequestContext,
) => Promise<Principal>;
/** Resolves the local CLI's principal for the given org header. */
export type LocalResolver = (orgHeader: string | undefined) => Promise<Principal>;

export interface AuthenticatorDeps {
  verifier: Verifier;
  clock: () => number;
  allowQueryKey: boolean;
  localToken?: string | undefined;
  resolveLocal?: LocalResolver | undefined;
}

/**
 * The principal of a key: its grant within its accountable user's current rights, worked out
 * once per loaded key (see verification/key-views.ts).
 */
export function keyPrincipal(identity: Parameters<typeof keyView>[0]): Principal {
  return keyView(identity).principal;
}

const QUERY_KEY_WARNING = '199 keyward "auth-key in the query string is not recommended: URLs get logged"';

/** The audit facts of a caller's request. */
export function callerContext(caller: CallerRequest): RequestContext {
  const userAgent = caller.header('user-agent');
  return {
    ip: caller.ip || null,
    userAgent: userAgent === undefined ? null : userAgent.slice(0, 512),
    requestId: caller.requestId,
  };
}

/** A Fastify request as authentication reads it. */
export function callerOf(request: FastifyRequest, reply: FastifyReply): CallerRequest {
  const { authorization, apiKey } = collectCredentialHeaders(request.raw.rawHeaders);
  return {
    method: request.method,
    ip: request.ip,
    requestId: String(request.id),
    authorization,
    apiKey,
    queryKeys: request.queryKeys ?? [],
    header(name) {
      const value = request.headers[name];
      return typeof value === 'string' ? value : undefined;
    },
    log: request.log,
    setHeader: (name, value) => reply.header(name, value),
    setSession(session) {
      request.session = session;
    },
  };
}

/**
 * The one credential of a request. The header a connection sent last is parsed once: a
 * platform service sends the very same header on every request of a kept-alive connection.
 */
function credentialOf(caller: CallerRequest, allowQueryKey: boolean): Credential {
  const { authorization, apiKey, memo } = caller;
  const single = authorization.length + apiKey.length === 1 && (!allowQueryKey || !caller.queryKeys.length);
  if (!single || !memo) {
    return extractCredential({ authorization, apiKey, queryKey: caller.queryKeys, allowQueryKey });
  }
  const inAuthorization = authorization.length === 1;
  const text = (inAuthorization ? authorization[0] : apiKey[0]) as string;
  const last = memo.header;
  if (last && last.text === text && last.inAuthorization === inAuthorization) return last.credential;
  const credential = inAuthorization ? parseAuthorization(text) : parseApiKeyHeader(text);
  memo.header = { text, inAuthorization, credential };
  return credential;
}

function keyIdOf(credential: Credential): string | undefined {
  if (credential.kind === 'key-pair') return credential.keyId;
  if (credential.kind === 'key') {
    const parsed = parseKey(credential.token);
    return parsed.ok ? parsed.key.keyId : undefined;
  }
  return undefined;
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

  function logFailure(caller: CallerRequest, reason: string, keyId?: string) {
    caller.log.warn({ event: 'auth.failure', reason, keyId, ip: caller.ip }, 'authentication failed');
  }

  function failure(result: VerifyResult): KeywardError {
    switch (result.code) {
      case 'MALFORMED':
        return new KeywardError('MALFORMED_CREDENTIAL', { message: 'The API key is malformed.' });
      case 'RATE_LIMITED':
        return new KeywardError('RATE_LIMITED', {
          message: 'The API key is rate limited.',
          headers: result.ratelimit
            ? {
                'retry-after': String(
                  Math.max(1, Math.ceil((result.ratelimit.resetAt - deps.clock()) / 1000)),
                ),
              }
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

  /** The principal of a key credential; answers without a promise when the verifier does. */
  function authenticateKey(caller: CallerRequest, credential: KeyCredential): Principal | Promise<Principal> {
    const presented =
      credential.kind === 'key' ? credential.token : { keyId: credential.keyId, tail: credential.tail };
    const result = deps.verifier.verifyNow({
      key: presented,
      ip: caller.ip,
      anyEnvironment: true,
      memo: caller.memo?.proof,
    });
    return result instanceof Promise
      ? result.then((settled) => principalFrom(settled, caller, credential))
      : principalFrom(result, caller, credential);
  }

  function principalFrom(result: VerifyResult, caller: CallerRequest, credential: KeyCredential): Principal {
    if (!result.valid || !result.key) {
      logFailure(caller, result.code, keyIdOf(credential));
      throw failure(result);
    }
    return keyPrincipal(result.key);
  }

  async function sessionOf(caller: CallerRequest): Promise<Principal> {
    const session = sessionResolver ? await sessionResolver(caller) : null;
    if (session) {
      caller.setSession?.(session);
      return session.principal;
    }
    logFailure(caller, 'no credential');
    throw new KeywardError('UNAUTHENTICATED', {
      message:
        !deps.allowQueryKey && caller.queryKeys.length > 0
          ? 'A credential is required; keys in the query string are disabled on this deployment.'
          : undefined,
    });
  }

  /**
   * The principal of a request, without a promise when it presents a key the verifier holds
   * (the platform's services calling `POST /v1/verify`); throws or rejects with the error to
   * answer. `allowPassword` admits HTTP Basic email:password (only `/api_tokens/`).
   */
  function authenticate(
    caller: CallerRequest,
    options: { allowPassword: boolean },
  ): Principal | Promise<Principal> {
    const localHeader = caller.header('x-keyward-local');
    if (deps.localToken && deps.resolveLocal && localHeader === deps.localToken) {
      return deps.resolveLocal(caller.header('x-keyward-org'));
    }
    const credential = credentialOf(caller, deps.allowQueryKey);
    switch (credential.kind) {
      case 'none':
        return sessionOf(caller);
      case 'conflict':
        logFailure(caller, 'more than one credential');
        throw new KeywardError('DUPLICATE_CREDENTIALS');
      case 'malformed':
        logFailure(caller, credential.reason);
        throw new KeywardError('MALFORMED_CREDENTIAL', {
          message: `The credential could not be parsed: ${credential.reason}.`,
        });
      case 'password': {
        if (!options.allowPassword || !passwordResolver) {
          logFailure(caller, 'password where a key is required');
          throw new KeywardError('INVALID_CREDENTIAL', {
            message: 'This route takes an API key, not a password.',
          });
        }
        return passwordResolver(credential.email, credential.password, callerContext(caller));
      }
      case 'key':
      case 'key-pair': {
        if (credential.kind === 'key' && credential.transport === 'query')
          caller.setHeader('warning', QUERY_KEY_WARNING);
        return authenticateKey(caller, credential);
      }
    }
  }

  /**
   * A preHandler that requires every scope listed (none: any authenticated caller).
   * `allowPassword` admits HTTP Basic email:password (only `/api_tokens/`).
   */
  function require(scopes: readonly string[], options: { allowPassword?: boolean } = {}) {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      const principal = await authenticate(callerOf(request, reply), {
        allowPassword: options.allowPassword ?? false,
      });
      requireScopes(principal, scopes, request.log);
      request.principal = principal;
    };
  }

  return {
    require,
    authenticate,
    /** Installs session-cookie authentication. */
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
