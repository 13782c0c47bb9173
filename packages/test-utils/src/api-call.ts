/**
 * @module API calls
 *
 * One HTTP call to a Keyward node with a key, as the fault and cluster tests make them: it
 * never throws (a connection that fails is status 0) and says how long the answer took.
 */

/** An answer: status (0 when no answer came), JSON body (null when none), time taken in ms. */
export interface ApiAnswer {
  status: number;
  /** Tests read whatever the route answered. */
  body: any;
  ms: number;
  headers: Headers | null;
}

/** Calls `path` on `url` with `key` (`Api-Key` scheme) and an optional JSON body. */
export async function callApi(
  url: string,
  key: string,
  path: string,
  init: { method?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<ApiAnswer> {
  const started = performance.now();
  try {
    const response = await fetch(url + path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        authorization: `Api-Key ${key}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: response.status, body, ms: performance.now() - started, headers: response.headers };
  } catch {
    return { status: 0, body: null, ms: performance.now() - started, headers: null };
  }
}
