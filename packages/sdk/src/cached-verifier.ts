/**
 * @module Cached verifier
 *
 * For services that run beside Keyward: answers repeated verifications of the same key from a
 * local cache, kept exact by Keyward's invalidation stream (`GET /v1/events`, Server-Sent
 * Events). A revoked, disabled or edited key is dropped the moment its event arrives. While the
 * stream is down nothing is cached and every call goes to `/v1/verify`; when it reconnects the
 * cache starts empty. Only VALID answers for keys without rate limit or quota are cached (those
 * must be counted by the server), each for at most `maxAgeMs`, so an expiry is noticed within
 * that time. Cache entries are keyed by a SHA-256 of the request, never by the raw key.
 */
import { hash } from 'node:crypto';
import type { KeywardClient, Result } from './client.ts';
import type { VerifyRequest, VerifyResult } from './types.ts';
import type { VerifierLike } from './verify-request.ts';

export interface CachedVerifierOptions {
  client: KeywardClient;
  baseUrl: string;
  /** A key with `keys:verify`, for the event stream. */
  key: string;
  maxAgeMs?: number;
  maxEntries?: number;
  fetch?: typeof fetch;
}

export interface CachedVerifier extends VerifierLike {
  /** True while the invalidation stream is connected (and the cache is in use). */
  isLive(): boolean;
  close(): void;
}

interface Entry {
  result: VerifyResult;
  at: number;
}

export function createCachedVerifier(options: CachedVerifierOptions): CachedVerifier {
  const maxAge = options.maxAgeMs ?? 10_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const cache = new Map<string, Entry>();
  const doFetch = options.fetch ?? fetch;
  let live = false;
  let closed = false;
  let controller: AbortController | null = null;

  const apply = (event: { type: string; keyId?: string; userId?: string }) => {
    if (event.type === 'all') cache.clear();
    for (const [slot, entry] of cache) {
      if (event.type === 'key' && entry.result.key?.id === event.keyId) cache.delete(slot);
      if (event.type === 'owner' && entry.result.key?.ownerId === event.userId) cache.delete(slot);
    }
  };

  async function connect(attempt = 0): Promise<void> {
    if (closed) return;
    controller = new AbortController();
    try {
      const response = await doFetch(`${options.baseUrl.replace(/\/+$/, '')}/v1/events`, {
        headers: { authorization: `Api-Key ${options.key}`, accept: 'text/event-stream' },
        signal: controller.signal,
      });
      if (!response.ok || !response.body) throw new Error(`event stream answered ${response.status}`);
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          if (message.startsWith('event: ready')) {
            cache.clear();
            live = true;
            attempt = 0;
            continue;
          }
          const data = message.split('\n').find((line) => line.startsWith('data: '));
          if (data) apply(JSON.parse(data.slice(6)) as { type: string });
        }
      }
    } catch {
      // fall through to reconnect
    }
    live = false;
    cache.clear();
    if (!closed) setTimeout(() => void connect(attempt + 1), Math.min(100 * 2 ** attempt, 5000)).unref?.();
  }
  void connect();

  // One-shot: a few times cheaper than building a Hash object, on every call.
  const slotOf = (request: VerifyRequest) => hash('sha256', JSON.stringify(request), 'base64url');

  return {
    async verify(request: VerifyRequest): Promise<Result<VerifyResult>> {
      const slot = slotOf(request);
      const now = Date.now();
      if (live) {
        const hit = cache.get(slot);
        if (hit && now - hit.at < maxAge) return { result: hit.result };
      }
      const answer = await options.client.verify(request);
      const result = answer.result;
      if (live && result?.valid && !result.ratelimit && result.remaining === undefined) {
        if (cache.size >= maxEntries) {
          const oldest = cache.keys().next();
          if (!oldest.done) cache.delete(oldest.value);
        }
        cache.set(slot, { result, at: now });
      }
      return answer;
    },
    isLive: () => live,
    close() {
      closed = true;
      live = false;
      controller?.abort();
      cache.clear();
    },
  };
}
