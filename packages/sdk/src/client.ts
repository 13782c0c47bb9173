/**
 * @module Client
 *
 * A typed client for Keyward's HTTP API. Calls never throw on API errors: they resolve to
 * `{ result }` or `{ error }` with the API's stable code. Network failures and 5xx answers are
 * retried (with backoff) a few times; 4xx answers never are.
 *
 * @example
 * const keyward = createClient({ baseUrl: 'http://localhost:8080', key: process.env.KEYWARD_ROOT_KEY });
 * const { result, error } = await keyward.verify({ key: incomingKey, scopes: ['process:start'] });
 */
import type {
  ApiError,
  AuditEvent,
  CreateKeyRequest,
  IssuedKey,
  Key,
  Page,
  UpdateKeyRequest,
  User,
  VerifyRequest,
  VerifyResult,
} from './types.ts';

/** The outcome of a call. */
export type Result<T> =
  | { result: T; error?: undefined }
  | { result?: undefined; error: ApiError & { status: number } };

export interface ClientOptions {
  /** Where Keyward listens, e.g. `http://localhost:8080`. */
  baseUrl: string;
  /** A Keyward key with the scopes the calls need (sent as `Authorization: Api-Key`). */
  key?: string | undefined;
  /** Retries after a network failure or a 5xx (default 2). */
  retries?: number;
  /** Per-attempt timeout in ms (default 10 000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

type Query = Record<string, string | number | boolean | undefined>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

const id = (value: string) => encodeURIComponent(value);

/** Builds a client. */
export function createClient(options: ClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const retries = options.retries ?? 2;

  async function call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Result<T>> {
    const allHeaders: Record<string, string> = { accept: 'application/json', ...headers };
    if (options.key && !allHeaders.authorization) allHeaders.authorization = `Api-Key ${options.key}`;
    if (body !== undefined) allHeaders['content-type'] = 'application/json';
    let lastError: ApiError & { status: number } = {
      status: 0,
      code: 'NETWORK_ERROR',
      message: 'No attempt made.',
      requestId: '',
    };
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      let response: Response;
      try {
        response = await doFetch(base + path, {
          method,
          headers: allHeaders,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (error) {
        lastError = { status: 0, code: 'NETWORK_ERROR', message: (error as Error).message, requestId: '' };
        continue;
      }
      const text = await response.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = null;
      }
      if (response.ok) return { result: parsed as T };
      const apiError = (parsed as { error?: ApiError } | null)?.error;
      lastError = {
        status: response.status,
        code: apiError?.code ?? `HTTP_${response.status}`,
        message: apiError?.message ?? response.statusText,
        requestId: apiError?.requestId ?? response.headers.get('x-request-id') ?? '',
        ...(apiError?.details ? { details: apiError.details } : {}),
      };
      if (response.status < 500) break;
    }
    return { error: lastError };
  }

  return {
    /** Checks a key: every outcome is a `result` with `valid` and `code`. Needs `keys:verify`. */
    verify: (request: VerifyRequest) => call<VerifyResult>('POST', '/v1/verify', request),
    keys: {
      create: (body: CreateKeyRequest) => call<IssuedKey>('POST', '/v1/keys', body),
      list: (query?: {
        limit?: number;
        cursor?: string;
        ownerId?: string;
        environment?: string;
        status?: string;
        search?: string;
      }) => call<Page<Key>>('GET', withQuery('/v1/keys', query)),
      get: (keyId: string) => call<Key>('GET', `/v1/keys/${id(keyId)}`),
      update: (keyId: string, body: UpdateKeyRequest) => call<Key>('PATCH', `/v1/keys/${id(keyId)}`, body),
      revoke: (keyId: string) => call<Key>('DELETE', `/v1/keys/${id(keyId)}`),
      enable: (keyId: string) => call<Key>('POST', `/v1/keys/${id(keyId)}/enable`),
      disable: (keyId: string) => call<Key>('POST', `/v1/keys/${id(keyId)}/disable`),
      regenerate: (keyId: string, body: { slot: 'primary' | 'secondary'; graceSeconds?: number }) =>
        call<IssuedKey & { slot: string }>('POST', `/v1/keys/${id(keyId)}/regenerate`, body),
      usage: (keyId: string, query?: { from?: string; to?: string; granularity?: 'hour' | 'day' }) =>
        call<{ granularity: string; buckets: { start: string; counts: Record<string, number> }[] }>(
          'GET',
          withQuery(`/v1/keys/${id(keyId)}/usage`, query),
        ),
    },
    users: {
      list: (query?: { limit?: number; cursor?: string; kind?: 'person' | 'service'; search?: string }) =>
        call<Page<User>>('GET', withQuery('/v1/users', query)),
      create: (body: {
        email: string;
        name: string;
        kind?: 'person' | 'service';
        role?: User['role'];
        password?: string;
      }) => call<User>('POST', '/v1/users', body),
      get: (userId: string) => call<User>('GET', `/v1/users/${id(userId)}`),
      update: (
        userId: string,
        body: { name?: string; role?: User['role']; enabled?: boolean; password?: string },
      ) => call<User>('PATCH', `/v1/users/${id(userId)}`, body),
      remove: (userId: string) => call<User>('DELETE', `/v1/users/${id(userId)}`),
    },
    audit: {
      list: (query?: {
        from?: string;
        to?: string;
        actor?: string;
        action?: string;
        target?: string;
        limit?: number;
        cursor?: string;
      }) => call<Page<AuditEvent>>('GET', withQuery('/v1/audit', query)),
    },
    resources: {
      list: () => call<{ items: { id: string; name: string; exposed: boolean }[] }>('GET', '/v1/resources'),
      put: (resourceId: string, body: { name: string; exposed: boolean }) =>
        call<{ id: string; name: string; exposed: boolean }>('PUT', `/v1/resources/${id(resourceId)}`, body),
    },
    environments: {
      list: () =>
        call<{ items: { slug: string; name: string; isProduction: boolean }[] }>('GET', '/v1/environments'),
    },
    scopes: {
      list: () =>
        call<{ items: { name: string; module: string; moduleTitle: string; description: string }[] }>(
          'GET',
          '/v1/scopes',
        ),
    },
    /** Exchanges an email and password for a persistent key of that user (`POST /api_tokens/`). */
    createApiToken: (
      credentials: { email: string; password: string },
      body: { name?: string; scopes?: string[] } = {},
    ) =>
      call<IssuedKey & { uuid: string; secret: string }>('POST', '/api_tokens/', body, {
        authorization: `Basic ${btoa(`${credentials.email}:${credentials.password}`)}`,
      }),
  };
}

/** The client's interface. */
export type KeywardClient = ReturnType<typeof createClient>;
