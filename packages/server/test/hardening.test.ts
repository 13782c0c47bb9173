/**
 * Bad input and slow clients against a real listening server (raw sockets, so duplicate and
 * malformed headers really reach it): never a 500, never a crash, and nobody else slowed down.
 */

import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { createTestWorld, type TestWorld } from '@keyward/test-utils';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('sqlite: hardening over real sockets', () => {
  let world: TestWorld;
  let port: number;

  beforeAll(async () => {
    world = await createTestWorld({
      dialect: 'sqlite',
      env: { KEYWARD_HEADERS_TIMEOUT_MS: '1000', KEYWARD_REQUEST_TIMEOUT_MS: '2000' },
    });
    await world.app.listen({ port: 0, host: '127.0.0.1' });
    port = (world.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => world?.close());

  /** Sends raw bytes and resolves with the status line's code (0 if the socket closed without one). */
  function raw(request: string | Buffer, waitMs = 3000): Promise<{ status: number; text: string }> {
    return new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      const done = () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
      const timer = setTimeout(() => {
        socket.destroy();
        done();
      }, waitMs);
      socket.on('data', (d) => {
        text += d.toString('latin1');
        if (/\r\n\r\n/.test(text)) {
          const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? 0);
          if (text.length - text.indexOf('\r\n\r\n') - 4 >= length) {
            clearTimeout(timer);
            socket.destroy();
            done();
          }
        }
      });
      socket.on('error', () => {});
      socket.on('close', () => {
        clearTimeout(timer);
        done();
      });
      socket.write(request);
    });
  }

  const get = (headers: string[]) =>
    raw(`GET /v1/keys HTTP/1.1\r\nHost: x\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`);

  it('sends the API docs with a strict Content-Security-Policy, no framing, nosniff and no referrer', async () => {
    const docs = await raw('GET /docs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(docs.status).toBe(200);
    expect(docs.text).toMatch(
      /content-security-policy: default-src 'self'; script-src 'self';[^\r]*frame-ancestors 'none'/i,
    );
    expect(docs.text).toMatch(/x-content-type-options: nosniff/i);
    expect(docs.text).toMatch(/referrer-policy: no-referrer/i);
    expect(docs.text).not.toMatch(/<script>(?!<\/script>)/);
  });

  it('refuses two Authorization headers with 400 DUPLICATE_CREDENTIALS', async () => {
    const key = world.admin.apiKey;
    const response = await get([`Authorization: Api-Key ${key}`, `Authorization: Api-Key ${key}`]);
    expect(response.status).toBe(400);
    expect(response.text).toContain('DUPLICATE_CREDENTIALS');
  });

  it('never answers generated credential headers with a 500, and keeps serving', async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc
        .string({ unit: 'grapheme-ascii', maxLength: 60 })
        .map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
      fc.constantFrom('Bearer', 'Api-Key ', 'Key=', 'Basic ====', 'Basic Og', 'bearer   x'),
    );
    const header = fc.tuple(fc.constantFrom('Authorization', 'authorization', 'X-API-Key'), value);
    const samples = fc.sample(fc.array(header, { minLength: 1, maxLength: 3 }), 300);
    for (const headers of samples) {
      // Header values cannot carry CR/LF on the wire; anything else goes.
      const lines = headers.map(([name, v]) => `${name}: ${v.replace(/[\r\n]/g, '')}`);
      const { status } = await get(lines);
      expect(status, lines.join(' | ')).toBeGreaterThanOrEqual(400);
      expect(status, lines.join(' | ')).toBeLessThan(500);
    }
    expect((await raw('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')).status).toBe(200);
  }, 60_000);

  it('answers an oversized header with 431 and an oversized body with 413, then carries on', async () => {
    expect((await get([`X-Big: ${'x'.repeat(20_000)}`])).status).toBe(431);
    const huge = await raw(
      `POST /v1/keys HTTP/1.1\r\nHost: x\r\nAuthorization: Api-Key ${world.admin.apiKey}\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{`,
    );
    expect(huge.status).toBe(413);
    expect((await raw('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')).status).toBe(200);
  });

  it('answers what never reaches a route in the one error shape, with a stable code', async () => {
    const host = 'Host: x\r\n';
    const cases: [string, string | Buffer, number, string][] = [
      [
        'two Content-Length',
        `POST /v1/keys HTTP/1.1\r\n${host}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
        400,
        'MALFORMED_REQUEST',
      ],
      [
        'Content-Length with Transfer-Encoding',
        `POST /v1/verify HTTP/1.1\r\n${host}Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
        400,
        'MALFORMED_REQUEST',
      ],
      [
        'obsolete line folding',
        `GET /v1/keys HTTP/1.1\r\n${host}X-A: b\r\n  c\r\n\r\n`,
        400,
        'MALFORMED_REQUEST',
      ],
      ['a bad request line', 'GARBAGE\r\n\r\n', 400, 'MALFORMED_REQUEST'],
      [
        'oversized headers',
        `GET /v1/keys HTTP/1.1\r\n${host}X-Big: ${'x'.repeat(20_000)}\r\n\r\n`,
        431,
        'HEADERS_TOO_LARGE',
      ],
      ['an overlong id', `GET /v1/keys/${'k'.repeat(300)} HTTP/1.1\r\n${host}\r\n`, 414, 'URI_TOO_LONG'],
      [
        'a path that does not decode',
        `GET /v1/keys/%E0%A4%A HTTP/1.1\r\n${host}\r\n`,
        400,
        'MALFORMED_REQUEST',
      ],
    ];
    for (const [name, request, status, code] of cases) {
      const answer = await raw(request);
      expect(answer.status, name).toBe(status);
      const body = JSON.parse(answer.text.slice(answer.text.indexOf('\r\n\r\n') + 4));
      expect(body.error, name).toMatchObject({
        code,
        requestId: expect.stringMatching(/^req_/),
        docs: expect.any(String),
      });
      expect(answer.text, name).toMatch(/content-type: application\/json/i);
    }
    expect((await raw('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')).status).toBe(200);
  });

  it('refuses a body nested deeper than 32 levels', async () => {
    const deep = `${'['.repeat(40)}${']'.repeat(40)}`;
    const response = await world.request({
      method: 'POST',
      url: '/v1/keys',
      key: world.admin.apiKey,
      rawBody: `{"name":"x","scopes":[],"metadata":{"a":${deep}}}`,
    });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain('nested deeper');
  });

  it('keeps answering others fast while slow clients trickle their headers', async () => {
    const slow = Array.from({ length: 20 }, () => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
      const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 200);
      return { socket, drip };
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (let i = 0; i < 10; i++) {
        const started = performance.now();
        expect((await raw('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')).status).toBe(200);
        expect(performance.now() - started).toBeLessThan(500);
      }
    } finally {
      for (const { socket, drip } of slow) {
        clearInterval(drip);
        socket.destroy();
      }
    }
  });

  it('cuts off a client that trickles its headers once the headers timeout (1 s here) has passed', async () => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    const started = performance.now();
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 100);
    try {
      await new Promise((resolve) => socket.once('close', resolve));
    } finally {
      clearInterval(drip);
    }
    const heldFor = performance.now() - started;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toContain('"code":"REQUEST_TIMEOUT"');
    expect(heldFor).toBeGreaterThan(900);
    expect(heldFor).toBeLessThan(2500);
  });
});
