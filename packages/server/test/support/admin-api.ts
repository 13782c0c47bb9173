/**
 * A small client for the admin API over a real socket, for the authorization suites: calls as a
 * key, as a signed-in session (cookie and CSRF token, as the UI sends them) or as nobody.
 */

/** A signed-in session as a browser holds it. */
export interface Session {
  cookie: string;
  csrfToken: string;
}

/** Who makes a call: a key, a session, or nobody. */
export type Credential = { key: string } | { session: Session } | null;

/** An answer, parsed. */
export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** The admin API of the server at `base`. */
export function adminApi(base: string) {
  async function call<T = any>(
    method: string,
    path: string,
    as: Credential,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> {
    const controller = new AbortController();
    const all: Record<string, string> = { ...headers };
    if (as && 'key' in as) all.authorization = `Api-Key ${as.key}`;
    if (as && 'session' in as) {
      all.cookie = as.session.cookie;
      all['x-csrf-token'] = as.session.csrfToken;
    }
    if (body !== undefined) all['content-type'] = 'application/json';
    const response = await fetch(base + path, {
      method,
      headers: all,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
    });
    // Event streams never end by themselves: the status is all a caller needs.
    if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
      controller.abort();
      return { status: response.status, body: null as T, headers: response.headers };
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  return {
    call,
    /** Signs in with email and password. */
    async signIn(email: string, password: string): Promise<Session> {
      const response = await fetch(`${base}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      if (response.status !== 200) throw new Error(`sign-in of ${email}: ${response.status}`);
      const body = (await response.json()) as { csrfToken: string };
      const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] as string;
      return { cookie, csrfToken: body.csrfToken };
    },
    /** `POST /api_tokens/` with HTTP Basic email:password: a key of the user's own. */
    async mintWithPassword(email: string, password: string, body: Record<string, unknown> = {}) {
      return call('POST', '/api_tokens/', null, body, {
        authorization: `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`,
      });
    },
  };
}

/** The admin API client's type. */
export type AdminApi = ReturnType<typeof adminApi>;
