/**
 * @module Request verification
 *
 * The one framework-free function behind every middleware: read the credential with the exact
 * rules the server reads it with (core's `extractCredential`), verify it with the scopes, resource,
 * environment and client IP of the route, and turn the outcome into either an identity or an
 * HTTP answer (401, 403 or 429 with the error shape and rate-limit headers).
 */
import { type Credential, collectCredentialHeaders, extractCredential } from '@keyward/core';
import type { Result } from './client.ts';
import type { KeyIdentity, ScopeQuery, VerifyCode, VerifyRequest, VerifyResult } from './types.ts';

/** Anything that can verify: the client, or a cached local verifier. */
export interface VerifierLike {
  verify(request: VerifyRequest): Promise<Result<VerifyResult>>;
}

/** What a route requires of the key. */
export interface KeywardGuardOptions {
  verifier: VerifierLike;
  scopes?: ScopeQuery;
  resource?: string | ((request: RequestFacts) => string | undefined);
  /** Default: the `_profile` query parameter, then the `X-Keyward-Environment` header, else production. */
  environment?: (request: RequestFacts) => string | undefined;
  /** Accept `?auth-key=` (not recommended: URLs get logged). */
  allowQueryKey?: boolean;
  /** Units of rate limit and quota a request spends (default 1). */
  cost?: number;
  /** Custom credential reading; return undefined for "no credential". */
  getKey?: (request: RequestFacts) => string | undefined;
}

/** The facts of an incoming request the guard needs. */
export interface RequestFacts {
  /** Raw header pairs (Node's `rawHeaders`), so duplicate Authorization headers are seen. */
  rawHeaders: readonly string[];
  url: string;
  ip?: string | undefined;
}

/** An HTTP answer the middleware sends when the key does not pass. */
export interface Refusal {
  status: number;
  headers: Record<string, string>;
  body: {
    error: {
      code: string;
      message: string;
      requestId: string;
      docs: string;
      details?: Record<string, unknown>;
    };
  };
  code: VerifyCode | 'UNAUTHENTICATED' | 'MALFORMED_CREDENTIAL' | 'DUPLICATE_CREDENTIALS' | 'NOT_READY';
}

export type GuardOutcome =
  | { ok: true; identity: KeyIdentity; headers: Record<string, string> }
  | { ok: false; refusal: Refusal };

const STATUS: Record<Exclude<VerifyCode, 'VALID'>, [number, string]> = {
  MALFORMED: [401, 'MALFORMED_CREDENTIAL'],
  NOT_FOUND: [401, 'INVALID_CREDENTIAL'],
  DISABLED: [401, 'INVALID_CREDENTIAL'],
  EXPIRED: [401, 'INVALID_CREDENTIAL'],
  ENVIRONMENT_MISMATCH: [401, 'INVALID_CREDENTIAL'],
  IP_FORBIDDEN: [401, 'INVALID_CREDENTIAL'],
  INSUFFICIENT_SCOPE: [403, 'INSUFFICIENT_SCOPE'],
  RESOURCE_FORBIDDEN: [403, 'FORBIDDEN'],
  RATE_LIMITED: [429, 'RATE_LIMITED'],
  USAGE_EXCEEDED: [429, 'RATE_LIMITED'],
};

let counter = 0;
const requestId = () => `req_sdk${Date.now().toString(36)}${(counter++ % 1_000_000).toString(36)}`;

function refuse(
  status: number,
  code: string,
  message: string,
  extra: Partial<Refusal> & { reason: Refusal['code'] },
): Refusal {
  return {
    status,
    code: extra.reason,
    headers: {
      'content-type': 'application/json',
      ...(status === 401 ? { 'www-authenticate': 'Api-Key, Bearer, Basic' } : {}),
      ...extra.headers,
    },
    body: {
      error: {
        code,
        message,
        requestId: requestId(),
        docs: `docs/errors.md#${code.toLowerCase()}`,
        ...(extra.reason ? { details: { reason: extra.reason } } : {}),
      },
    },
  };
}

function presentedKey(credential: Credential): string | undefined {
  if (credential.kind === 'key') return credential.token;
  if (credential.kind === 'key-pair') return `${credential.keyId}:${credential.tail}`;
  return undefined;
}

function rateLimitHeaders(result: VerifyResult): Record<string, string> {
  if (!result.ratelimit) return {};
  const resetSeconds = Math.max(0, Math.ceil((Date.parse(result.ratelimit.reset) - Date.now()) / 1000));
  return {
    'ratelimit-limit': String(result.ratelimit.limit),
    'ratelimit-remaining': String(result.ratelimit.remaining),
    'ratelimit-reset': String(resetSeconds),
  };
}

/** Checks the request's key against the route's requirements. */
export async function verifyRequest(
  options: KeywardGuardOptions,
  request: RequestFacts,
): Promise<GuardOutcome> {
  const url = new URL(request.url, 'http://localhost');
  let key: string | undefined;
  if (options.getKey) {
    key = options.getKey(request);
  } else {
    const { authorization, apiKey } = collectCredentialHeaders(request.rawHeaders);
    const credential = extractCredential({
      authorization,
      apiKey,
      queryKey: url.searchParams.getAll('auth-key'),
      allowQueryKey: options.allowQueryKey ?? false,
    });
    if (credential.kind === 'conflict') {
      return {
        ok: false,
        refusal: refuse(400, 'DUPLICATE_CREDENTIALS', 'The request carries more than one credential.', {
          reason: 'DUPLICATE_CREDENTIALS',
        }),
      };
    }
    if (credential.kind === 'malformed' || credential.kind === 'password') {
      return {
        ok: false,
        refusal: refuse(401, 'MALFORMED_CREDENTIAL', 'The credential could not be parsed.', {
          reason: 'MALFORMED_CREDENTIAL',
        }),
      };
    }
    key = presentedKey(credential);
  }
  if (!key)
    return {
      ok: false,
      refusal: refuse(401, 'UNAUTHENTICATED', 'An API key is required.', { reason: 'UNAUTHENTICATED' }),
    };

  const environment =
    options.environment?.(request) ??
    url.searchParams.get('_profile') ??
    headerValue(request.rawHeaders, 'x-keyward-environment');
  const resource = typeof options.resource === 'function' ? options.resource(request) : options.resource;
  const { result, error } = await options.verifier.verify({
    key,
    ...(options.scopes !== undefined ? { scopes: options.scopes } : {}),
    ...(resource !== undefined ? { resource } : {}),
    ...(environment ? { environment: environment.toLowerCase() } : {}),
    ...(request.ip ? { ip: request.ip } : {}),
    ...(options.cost !== undefined ? { cost: options.cost } : {}),
  });
  if (error) {
    return {
      ok: false,
      refusal: refuse(503, 'NOT_READY', 'The key service does not answer.', { reason: 'NOT_READY' }),
    };
  }
  const headers = rateLimitHeaders(result);
  if (result.valid && result.key) return { ok: true, identity: result.key, headers };
  const [status, code] = STATUS[result.code as Exclude<VerifyCode, 'VALID'>] ?? [401, 'INVALID_CREDENTIAL'];
  if (status === 429) headers['retry-after'] = headers['ratelimit-reset'] ?? '1';
  return {
    ok: false,
    refusal: refuse(status, code, messageFor(result.code), { reason: result.code, headers }),
  };
}

function messageFor(code: VerifyCode): string {
  switch (code) {
    case 'INSUFFICIENT_SCOPE':
      return 'The API key lacks a scope this route needs.';
    case 'RESOURCE_FORBIDDEN':
      return 'The API key may not reach this resource.';
    case 'RATE_LIMITED':
      return 'The API key is over its rate limit.';
    case 'USAGE_EXCEEDED':
      return 'The API key has no usage left.';
    case 'MALFORMED':
      return 'The API key is malformed.';
    default:
      return 'The API key is not valid.';
  }
}

function headerValue(rawHeaders: readonly string[], name: string): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2)
    if (rawHeaders[i]?.toLowerCase() === name) return rawHeaders[i + 1];
  return undefined;
}
