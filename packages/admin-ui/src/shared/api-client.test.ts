import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, onSessionEnded, setCsrfToken, withQuery } from './api-client.ts';

function answer(status: number, body: unknown) {
  return vi.fn(
    async () =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
  );
}

describe('api client', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    onSessionEnded(null);
    setCsrfToken(null);
  });

  it('leaves empty filters out of the query string', () => {
    expect(withQuery('/v1/keys', { search: '', status: 'active', cursor: null, limit: 20 })).toBe(
      '/v1/keys?status=active&limit=20',
    );
  });

  it('sends the CSRF token on state-changing requests only', async () => {
    const fetch = answer(200, { items: [], nextCursor: null });
    vi.stubGlobal('fetch', fetch);
    setCsrfToken('csrf-1');
    await api.keys.list({});
    await api.keys.setEnabled('key_abc', false);
    const headers = (call: number) =>
      (fetch.mock.calls[call] as unknown as [string, RequestInit])[1].headers as Record<string, string>;
    expect(headers(0)['x-csrf-token']).toBeUndefined();
    expect(headers(1)['x-csrf-token']).toBe('csrf-1');
    expect((fetch.mock.calls[1] as unknown as [string])[0]).toBe('/v1/keys/key_abc/disable');
  });

  it('turns the error body into an ApiError naming the field', async () => {
    vi.stubGlobal(
      'fetch',
      answer(400, {
        error: {
          code: 'VALIDATION_FAILED',
          message: '"rateLimit.limit" must be >= 1.',
          requestId: 'req_1',
          details: { field: 'rateLimit.limit' },
        },
      }),
    );
    const error = await api.keys.create({ name: 'k', scopes: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      requestId: 'req_1',
      field: 'rateLimit',
    });
  });

  it('reports an ended session on 401, but not for a failed login', async () => {
    const ended = vi.fn();
    onSessionEnded(ended);
    vi.stubGlobal(
      'fetch',
      answer(401, { error: { code: 'INVALID_CREDENTIAL', message: 'no', requestId: 'r' } }),
    );
    await expect(api.auth.login({ email: 'a@b.c', password: 'x' })).rejects.toMatchObject({
      code: 'INVALID_CREDENTIAL',
    });
    expect(ended).not.toHaveBeenCalled();
    await expect(api.keys.get('key_abc')).rejects.toMatchObject({ status: 401 });
    expect(ended).toHaveBeenCalledTimes(1);
  });

  it('names a network failure instead of throwing a bare TypeError', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('fetch failed'))),
    );
    await expect(api.users.list({})).rejects.toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
  });
});
