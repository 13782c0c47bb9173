import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { clientAddressOf, requestIdOf } from './request-identity.ts';

/**
 * The verify handler computes the client address itself; it must agree with Fastify's
 * `request.ip` for every trust-proxy setting, or the brute-force guard and IP allowlists would
 * judge the same client differently depending on which path answered.
 */
describe('client address', () => {
  const settings: (boolean | string[])[] = [false, true, ['127.0.0.1'], ['10.0.0.0/8', '127.0.0.1']];
  const forwarded = [
    undefined,
    '203.0.113.9',
    '198.51.100.1, 10.1.2.3',
    '198.51.100.1, 203.0.113.9, 10.1.2.3',
  ];
  const peers = ['127.0.0.1', '192.0.2.44'];

  for (const trustProxy of settings) {
    it(`matches Fastify's request.ip with trustProxy ${JSON.stringify(trustProxy)}`, async () => {
      const ours = clientAddressOf(trustProxy);
      const app = Fastify({ trustProxy });
      app.get('/ip', async (request) => ({ fastify: request.ip, ours: ours(request.raw) }));
      const seen = new Set<string>();
      for (const remoteAddress of peers) {
        for (const xff of forwarded) {
          const response = await app.inject({
            url: '/ip',
            remoteAddress,
            headers: xff ? { 'x-forwarded-for': xff } : {},
          });
          const { fastify, ours: computed } = response.json() as { fastify: string; ours: string };
          expect(computed, `peer ${remoteAddress}, X-Forwarded-For ${xff}`).toBe(fastify);
          seen.add(computed);
        }
      }
      // The cases are not all the same: forwarded addresses are honoured only when trusted.
      expect(seen.size).toBeGreaterThan(trustProxy === false ? 1 : 2);
      await app.close();
    });
  }
});

describe('request id', () => {
  const request = (id?: string) => ({ headers: id === undefined ? {} : { 'x-request-id': id } }) as never;

  it("keeps the caller's id when it is a sane token and makes a fresh one otherwise", () => {
    expect(requestIdOf(request('abc-123_X.y'))).toBe('abc-123_X.y');
    for (const bad of ['', 'a b', 'x'.repeat(65), 'é', 'id\nInjected: 1']) {
      const id = requestIdOf(request(bad));
      expect(id).toMatch(/^req_[0-9a-z]+_[0-9a-z]+$/);
    }
    expect(requestIdOf(request())).not.toBe(requestIdOf(request()));
  });
});
