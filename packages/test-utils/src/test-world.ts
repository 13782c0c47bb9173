/**
 * @module Test world
 *
 * Builds a whole Keyward in code for an integration test: a fresh database, the app listening
 * on a loopback port, and a bootstrapped first organization with its owner and an admin key —
 * the Keyward equivalent of Unkey's `IntegrationHarness`. Requests go in process through
 * `inject` ({@link TestWorld.request}) or over a real socket ({@link TestWorld.http}), the path
 * production takes; `POST /v1/verify` is answered by a handler in front of Fastify, so verify
 * tests use the socket ({@link TestWorld.verify}).
 */
import { randomBytes } from 'node:crypto';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import {
  type BootstrapResult,
  bootstrap,
  createApp,
  createLogger,
  type KeywardApp,
  type KeywardConfig,
  loadConfig,
} from '@keyward/server';
import { openStore, type Store } from '@keyward/storage';
import { TEST_PEPPER } from './processes.ts';
import { createTestDatabase, type TestDatabase, type TestDialect } from './test-databases.ts';

/** Options of {@link createTestWorld}. */
export interface TestWorldOptions {
  dialect?: TestDialect;
  /** Extra `KEYWARD_*` variables for the config. */
  env?: Record<string, string>;
  /** Skip bootstrapping the first org and admin. */
  empty?: boolean;
  clock?: () => number;
}

/** An HTTP response, parsed. */
export interface TestResponse<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
}

/** A request to send: `key` goes in `Authorization: Api-Key`, `session` as a browser sends it. */
export interface TestRequest {
  method?: string;
  url: string;
  key?: string | undefined;
  session?: TestSession | undefined;
  headers?: Record<string, string | string[]>;
  body?: unknown;
  rawBody?: string;
}

function headersOf({ key, session, headers = {}, body, rawBody }: TestRequest) {
  const allHeaders: Record<string, string | string[]> = { ...headers };
  if (key !== undefined) allHeaders.authorization = `Api-Key ${key}`;
  if (session) {
    allHeaders.cookie = session.cookie;
    allHeaders['x-csrf-token'] = session.csrfToken;
  }
  const payload = rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
  if (payload !== undefined && !Object.keys(allHeaders).some((h) => h.toLowerCase() === 'content-type')) {
    allHeaders['content-type'] = 'application/json';
  }
  return { headers: allHeaders, payload };
}

function parsed<T>(status: number, headers: TestResponse['headers'], text: string): TestResponse<T> {
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status, body: body as T, headers, text };
}

/** Sends `options` to `base` over `agent`'s sockets. */
function overSocket<T>(base: string, agent: Agent, options: TestRequest): Promise<TestResponse<T>> {
  const { headers, payload } = headersOf(options);
  return new Promise((resolve, reject) => {
    const request = httpRequest(new URL(options.url, base), {
      method: options.method ?? 'GET',
      headers,
      agent,
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve(
          parsed<T>(
            response.statusCode ?? 0,
            response.headers as IncomingHttpHeaders & TestResponse['headers'],
            Buffer.concat(chunks).toString('utf8'),
          ),
        ),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(payload);
  });
}

/** A signed-in session: the cookie and the CSRF token a browser would send. */
export interface TestSession {
  cookie: string;
  csrfToken: string;
}

/** Everything a test needs. */
export interface TestWorld {
  dialect: TestDialect;
  config: KeywardConfig;
  store: Store;
  app: KeywardApp['app'];
  context: KeywardApp['context'];
  /**
   * Where the app listens (`http://127.0.0.1:<port>`), listening on a free loopback port first
   * if nothing has made it listen yet; a restart moves it.
   */
  listen(): Promise<string>;
  database: TestDatabase;
  /** The bootstrapped first org, owner and admin key (absent with `empty`). */
  admin: BootstrapResult;
  /** Every log line written by the app, for asserting what is (not) logged. */
  logs: string[];
  /**
   * Sends a request in process (`inject`); `key` goes in `Authorization: Api-Key`, `session` as
   * a browser sends it.
   */
  request<T = any>(options: TestRequest): Promise<TestResponse<T>>;
  /**
   * Sends the same request over a real socket to the listening app, on a kept-alive connection
   * as the platform's services hold theirs.
   */
  http<T = any>(options: TestRequest): Promise<TestResponse<T>>;
  /** `POST /v1/verify` over a real socket, as the admin key unless `as` names another caller. */
  verify<T = any>(
    body: unknown,
    as?: { key?: string; headers?: Record<string, string> },
  ): Promise<TestResponse<T>>;
  /**
   * Creates a key and returns the response body (`key` holds the full key): as the admin key, as
   * another key, or in a session. The admin key makes keys in its own environment only.
   */
  createKey(body: Record<string, unknown>, as?: string | TestSession): Promise<any>;
  /** Signs in with email and password, as the UI does. */
  signIn(email: string, password: string): Promise<TestSession>;
  /** Rebuilds the app on the same database, as after a restart. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Creates a test world.
 *
 * @example
 * const world = await createTestWorld({ dialect: 'postgres' });
 * const res = await world.request({ url: '/v1/keys', key: world.admin.apiKey });
 */
export async function createTestWorld(options: TestWorldOptions = {}): Promise<TestWorld> {
  const dialect = options.dialect ?? 'sqlite';
  const database = await createTestDatabase(dialect);
  const config = loadConfig({
    KEYWARD_DATA_DIR: database.dataDir,
    KEYWARD_DATABASE_URL:
      database.storage.driver === 'postgres' ? database.storage.url : `sqlite:${database.storage.path}`,
    KEYWARD_PEPPER: TEST_PEPPER,
    KEYWARD_LOG_LEVEL: 'info',
    ...options.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });

  let store = openStore(config.storage);
  const migrated = await store.migrate();
  if (migrated.error) throw migrated.error;

  const build = () =>
    createApp({
      config,
      store,
      peppers: [{ version: 1, secret: Buffer.alloc(32, 7) }],
      logger: createLogger('info', sink),
      clock: options.clock,
      setupToken: randomBytes(12).toString('hex'),
    });
  let built = await build();
  // Kept-alive sockets, as the platform's services keep theirs (the caller is remembered per connection).
  const agent = new Agent({ keepAlive: true });
  const listen = async () => {
    const server = built.app.server;
    if (!server.listening) await built.app.listen({ host: '127.0.0.1', port: 0 });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  const admin = options.empty
    ? (undefined as unknown as BootstrapResult)
    : await bootstrap(
        { store, keys: built.context.keys, clock: options.clock ?? Date.now },
        {
          orgName: 'Acme',
          email: 'owner@acme.test',
          password: 'correct horse battery staple',
          name: 'Olivia Owner',
        },
        { ip: null, userAgent: 'test', requestId: null },
      );

  const world: TestWorld = {
    dialect,
    config,
    get store() {
      return store;
    },
    get app() {
      return built.app;
    },
    get context() {
      return built.context;
    },
    listen,
    database,
    admin,
    logs,
    async request(options) {
      const { headers, payload } = headersOf(options);
      const response = await built.app.inject({
        method: (options.method ?? 'GET') as 'GET',
        url: options.url,
        headers,
        payload,
      });
      return parsed(response.statusCode, response.headers, response.body);
    },
    http: async (options) => overSocket(await listen(), agent, options),
    verify: async (body, as = {}) =>
      overSocket(await listen(), agent, {
        method: 'POST',
        url: '/v1/verify',
        key: as.key ?? (as.headers ? undefined : admin.apiKey),
        headers: as.headers,
        body,
      }),
    async createKey(body, as = admin.apiKey) {
      const response = await world.request({
        method: 'POST',
        url: '/v1/keys',
        ...(typeof as === 'string' ? { key: as } : { session: as }),
        body,
      });
      if (response.status !== 201) throw new Error(`createKey failed: ${response.status} ${response.text}`);
      return response.body;
    },
    async signIn(email, password) {
      const response = await world.request({
        method: 'POST',
        url: '/v1/auth/login',
        body: { email, password },
      });
      if (response.status !== 200) throw new Error(`signIn failed: ${response.status} ${response.text}`);
      const cookie = String(response.headers['set-cookie']).split(';')[0] as string;
      return { cookie, csrfToken: response.body.csrfToken };
    },
    async restart() {
      agent.destroy();
      await built.app.close();
      await store.close();
      store = openStore(config.storage);
      built = await build();
    },
    async close() {
      agent.destroy();
      await built.app.close();
      await store.close();
      await database.drop();
    },
  };
  return world;
}
