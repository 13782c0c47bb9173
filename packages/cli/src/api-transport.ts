/**
 * @module API transport
 *
 * The CLI speaks the HTTP API in both of its modes, so every command goes through the same
 * validation, authorization and audit as a request from anywhere else:
 * - remote (`--url` and `--key`): real HTTP requests to a running server;
 * - local (default): the app is built in-process on the local database and requests are
 *   injected, authenticated by a per-process token that never leaves the process.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createApp, createLogger, type KeywardApp, type KeywardConfig, loadPeppers } from '@keyward/server';
import { openStore, type Store } from '@keyward/storage';

/** An HTTP-shaped answer. */
export interface ApiResponse {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** Sends one API request. */
export interface ApiTransport {
  request(method: string, path: string, body?: unknown): Promise<ApiResponse>;
  /** The raw response stream of a GET, for exports. */
  stream(path: string): Promise<{ status: number; body: AsyncIterable<Uint8Array> }>;
  close(): Promise<void>;
}

/** Talks to a running server. */
export function remoteTransport(url: string, key: string): ApiTransport {
  const base = url.replace(/\/+$/, '');
  const headers = { authorization: `Api-Key ${key}`, accept: 'application/json' };
  return {
    async request(method, path, body) {
      const response = await fetch(base + path, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return {
        status: response.status,
        body: text ? JSON.parse(text) : null,
        headers: Object.fromEntries(response.headers.entries()),
      };
    },
    async stream(path) {
      const response = await fetch(base + path, { headers });
      if (!response.body) throw new Error('empty response');
      return { status: response.status, body: response.body as unknown as AsyncIterable<Uint8Array> };
    },
    async close() {},
  };
}

/** Opens the local database (migrating it) and builds the app in-process. */
export async function localTransport(
  config: KeywardConfig,
  options: { org?: string | undefined },
): Promise<ApiTransport & { store: Store; context: KeywardApp['context'] }> {
  mkdirSync(config.dataDir, { recursive: true });
  const store = openStore(config.storage);
  const migrations = await store.migrate();
  if (migrations.error) {
    await store.close();
    throw migrations.error;
  }
  const localToken = randomBytes(24).toString('base64url');
  const { app, context } = await createApp({
    config,
    store,
    peppers: loadPeppers({ pepper: config.pepper, dataDir: config.dataDir }),
    logger: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel),
    localToken,
  });
  const headers: Record<string, string> = { 'x-keyward-local': localToken, 'user-agent': 'keyward-cli' };
  if (options.org) headers['x-keyward-org'] = options.org;
  return {
    store,
    context,
    async request(method, path, body) {
      const response = await app.inject({
        method: method as 'GET',
        url: path,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        payload: body === undefined ? undefined : JSON.stringify(body),
      });
      return {
        status: response.statusCode,
        body: response.body ? JSON.parse(response.body) : null,
        headers: response.headers as ApiResponse['headers'],
      };
    },
    async stream(path) {
      const response = await app.inject({ method: 'GET', url: path, headers, payloadAsStream: true });
      return { status: response.statusCode, body: response.stream() };
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}
