/**
 * @module API client
 *
 * The only place in the admin UI that calls `fetch`. It talks to the same origin with the
 * session cookie, sends the CSRF token on every state-changing request, and turns every
 * non-2xx answer into an {@link ApiError} carrying the server's stable code, message, request
 * id and, for validation errors, the offending field. A 401 on an authenticated call means the
 * session ended: the registered handler sends the user back to the login screen.
 */
import type {
  AuditEvent,
  AuditFilters,
  CreateKeyInput,
  CreateUserInput,
  Environment,
  Key,
  KeyFilters,
  KeyWithSecret,
  Page,
  Resource,
  Scope,
  SessionInfo,
  UpdateUserInput,
  Usage,
  User,
  VerifyResult,
} from './api-types.ts';

/** An error answer of the API, or a network failure (`status` 0, code `NETWORK_ERROR`). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly requestId: string | undefined;
  readonly docs: string | undefined;
  /** The request field the error is about (e.g. `name`, `expiresAt`), when the server names one. */
  readonly field: string | undefined;

  constructor(options: {
    status: number;
    code: string;
    message: string;
    requestId?: string | undefined;
    docs?: string | undefined;
    field?: string | undefined;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.status = options.status;
    this.code = options.code;
    this.requestId = options.requestId;
    this.docs = options.docs;
    this.field = options.field;
  }
}

/** Narrows an unknown thrown value to an {@link ApiError}, wrapping anything else. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError({
    status: 0,
    code: 'CLIENT_ERROR',
    message: error instanceof Error ? error.message : 'Something went wrong.',
    cause: error,
  });
}

let csrfToken: string | null = null;
let sessionEndedHandler: (() => void) | null = null;

/** Remembers the CSRF token from a login, setup or `me` answer (null after logout). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Registers what happens when an authenticated call answers 401 (the session expired). */
export function onSessionEnded(handler: (() => void) | null): void {
  sessionEndedHandler = handler;
}

type Query = Record<string, string | number | boolean | null | undefined>;

interface RequestOptions {
  query?: Query | undefined;
  body?: unknown;
  /** Whether a 401 means "session ended" (true) or is an expected answer, as for login (false). */
  sessionRequired?: boolean;
  signal?: AbortSignal | undefined;
  accept?: string;
}

/** Builds `path?query`, leaving out empty values. */
export function withQuery(path: string, query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Reads the last segment of a JSON pointer or dotted path (`/body/rateLimit/limit` → `rateLimit`). */
function normaliseField(field: unknown): string | undefined {
  if (typeof field !== 'string' || field === '') return undefined;
  const parts = field
    .replace(/\[(\d+)\]/g, '.$1')
    .split(/[/.]/)
    .filter((part) => part !== '' && part !== 'body' && part !== 'query' && !/^\d+$/.test(part));
  return parts[0];
}

async function errorFrom(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const error = (body as { error?: Record<string, unknown> } | undefined)?.error;
  const details = error?.details as { field?: unknown } | undefined;
  return new ApiError({
    status: response.status,
    code: typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`,
    message:
      typeof error?.message === 'string'
        ? error.message
        : `The server answered ${response.status} ${response.statusText}.`.replace(' .', '.'),
    requestId:
      typeof error?.requestId === 'string'
        ? error.requestId
        : (response.headers.get('x-request-id') ?? undefined),
    docs: typeof error?.docs === 'string' ? error.docs : undefined,
    field: normaliseField(details?.field),
  });
}

async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({
      status: 0,
      code: 'NETWORK_ERROR',
      message: 'Could not reach the Keyward server. Check your connection and try again.',
      cause,
    });
  }
  if (response.ok) return response;
  const error = await errorFrom(response);
  if (response.status === 401 && (options.sessionRequired ?? true)) sessionEndedHandler?.();
  throw error;
}

async function json<T>(method: string, path: string, options?: RequestOptions): Promise<T> {
  const response = await send(method, path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

const enc = encodeURIComponent;

/** Every call the admin UI makes, grouped by area. */
export const api = {
  setup: {
    /** Whether the deployment still needs its first organization and owner. */
    status: (signal?: AbortSignal) =>
      json<{ needsSetup: boolean }>('GET', '/v1/setup', { sessionRequired: false, signal }),
    /** Creates the first organization and owner, and signs the owner in. */
    run: (input: { token: string; orgName: string; name: string; email: string; password: string }) =>
      json<Omit<SessionInfo, 'scopes'>>('POST', '/v1/setup', { body: input, sessionRequired: false }),
  },

  auth: {
    login: (input: { email: string; password: string }) =>
      json<SessionInfo>('POST', '/v1/auth/login', { body: input, sessionRequired: false }),
    logout: () => json<void>('POST', '/v1/auth/logout', { sessionRequired: false }),
    me: (signal?: AbortSignal) => json<SessionInfo>('GET', '/v1/auth/me', { sessionRequired: false, signal }),
  },

  catalog: {
    environments: (signal?: AbortSignal) =>
      json<{ items: Environment[] }>('GET', '/v1/environments', { signal }),
    /** The catalogue, each scope saying whether it may go on a key for `owner` (default: oneself). */
    scopes: (signal?: AbortSignal, owner?: string) =>
      json<{ items: Scope[] }>('GET', `/v1/scopes${owner ? `?owner=${enc(owner)}` : ''}`, { signal }),
    resources: (signal?: AbortSignal) => json<{ items: Resource[] }>('GET', '/v1/resources', { signal }),
  },

  keys: {
    list: (query: KeyFilters & { limit?: number; cursor?: string | null }, signal?: AbortSignal) =>
      json<Page<Key>>('GET', '/v1/keys', { query: { ...query }, signal }),
    get: (id: string, signal?: AbortSignal) => json<Key>('GET', `/v1/keys/${enc(id)}`, { signal }),
    create: (input: CreateKeyInput) => json<KeyWithSecret>('POST', '/v1/keys', { body: input }),
    update: (id: string, input: Partial<CreateKeyInput> & { enabled?: boolean }) =>
      json<Key>('PATCH', `/v1/keys/${enc(id)}`, { body: input }),
    setEnabled: (id: string, enabled: boolean) =>
      json<Key>('POST', `/v1/keys/${enc(id)}/${enabled ? 'enable' : 'disable'}`),
    revoke: (id: string) => json<Key>('DELETE', `/v1/keys/${enc(id)}`),
    regenerate: (id: string, input: { slot: 'primary' | 'secondary'; graceSeconds?: number }) =>
      json<KeyWithSecret>('POST', `/v1/keys/${enc(id)}/regenerate`, { body: input }),
    usage: (
      id: string,
      query: { from: string; to: string; granularity: 'hour' | 'day' },
      signal?: AbortSignal,
    ) => json<Usage>('GET', `/v1/keys/${enc(id)}/usage`, { query: { ...query }, signal }),
    verify: (input: { key: string; scopes?: string[]; environment?: string }) =>
      json<VerifyResult>('POST', '/v1/verify', { body: input }),
  },

  users: {
    list: (
      query: { kind?: string; search?: string; limit?: number; cursor?: string | null },
      signal?: AbortSignal,
    ) => json<Page<User>>('GET', '/v1/users', { query, signal }),
    get: (id: string, signal?: AbortSignal) => json<User>('GET', `/v1/users/${enc(id)}`, { signal }),
    create: (input: CreateUserInput) => json<User>('POST', '/v1/users', { body: input }),
    update: (id: string, input: UpdateUserInput) =>
      json<User>('PATCH', `/v1/users/${enc(id)}`, { body: input }),
    remove: (id: string) => json<unknown>('DELETE', `/v1/users/${enc(id)}`),
  },

  audit: {
    list: (query: AuditFilters & { limit?: number; cursor?: string | null }, signal?: AbortSignal) =>
      json<Page<AuditEvent>>('GET', '/v1/audit', { query: { ...query }, signal }),
    /** Downloads every event of the period as NDJSON. */
    export: async (query: { from?: string; to?: string }): Promise<Blob> => {
      const response = await send('GET', '/v1/exports/audit', {
        query,
        accept: 'application/x-ndjson, application/json',
      });
      return response.blob();
    },
  },
};
