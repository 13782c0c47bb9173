/**
 * @module App
 *
 * `createApp(deps)` builds the whole HTTP application — services, verification, routes,
 * OpenAPI — without binding a port; `main.ts` listens. Tests call it with their own store and
 * use `app.inject`.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createSecretHasher, KeywardError, type Pepper } from '@keyward/core';
import { findOrg, listOrgs, type Store } from '@keyward/storage';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
  type RawServerDefault,
} from 'fastify';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createAuthenticator, takeQueryKeys } from '../auth/authenticator.ts';
import { systemPrincipal } from '../auth/principal.ts';
import { createSessionResolver, startSession } from '../auth/sessions.ts';
import { userPrincipal } from '../auth/user-principal.ts';
import type { KeywardConfig } from '../config/keyward-config.ts';
import { createDatabaseQuotaLedger } from '../limits/database-quota-ledger.ts';
import { createFailureGuard } from '../limits/failure-guard.ts';
import { createMemoryRateLimiter } from '../limits/memory-rate-limiter.ts';
import { createRedisRateLimiter } from '../limits/redis-rate-limiter.ts';
import { apiTokenRoutes } from '../routes/admin/api-tokens.ts';
import { auditRoutes } from '../routes/admin/audit.ts';
import { catalogRoutes } from '../routes/admin/catalog.ts';
import { keyRoutes } from '../routes/admin/keys.ts';
import { operatorRoutes } from '../routes/admin/operator.ts';
import { userRoutes } from '../routes/admin/users.ts';
import { authRoutes, sessionBody } from '../routes/public/auth.ts';
import { healthRoutes } from '../routes/public/health.ts';
import { setupRoutes } from '../routes/public/setup.ts';
import { eventRoutes } from '../routes/verify/events.ts';
import { verifyRoutes } from '../routes/verify/verify.ts';
import { createVerifyFastPath, type VerifyFastPath } from '../routes/verify/verify-fast-path.ts';
import { AuditEvent } from '../schemas/audit.schema.ts';
import { ErrorBody } from '../schemas/common.ts';
import { Key } from '../schemas/key.schema.ts';
import { Org, User } from '../schemas/user.schema.ts';
import { createKeyService } from '../services/key-service.ts';
import { createLoginService } from '../services/login-service.ts';
import { createUserService } from '../services/user-service.ts';
import { createVerification } from '../verification/create-verification.ts';
import { createLocalInvalidationBus, type InvalidationBus } from '../verification/invalidation-bus.ts';
import { createPostgresInvalidationBus } from '../verification/postgres-invalidation-bus.ts';
import { createRedisInvalidationBus } from '../verification/redis-invalidation-bus.ts';
import { type AppContext, requestContext } from './app-context.ts';
import { errorHandler, sendError } from './error-handler.ts';
import { parseJsonBody } from './json-body.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { DOCS_CSP, PAGE_HEADERS, UI_CSP } from './page-headers.ts';
import { clientAddressOf, requestIdOf } from './request-identity.ts';
import { createValidatorCompiler } from './validators.ts';

/** What {@link createApp} needs. */
export interface AppDeps {
  config: KeywardConfig;
  store: Store;
  peppers: readonly Pepper[];
  logger?: Logger;
  clock?: () => number;
  bus?: InvalidationBus;
  /** A per-process token that lets the in-process CLI act as the system (never sent over a network). */
  localToken?: string;
  /** Directory of the built admin UI; served at `/` when it exists. */
  uiDir?: string;
  /** One-time token for first-run setup through the UI; without it, setup is only via the CLI. */
  setupToken?: string;
}

/** The application and the services behind it. */
export interface KeywardApp {
  app: FastifyInstance<
    RawServerDefault,
    IncomingMessage,
    ServerResponse,
    FastifyBaseLogger,
    TypeBoxTypeProvider
  >;
  context: AppContext;
  /** The fast path of `POST /v1/verify`, for its parity test. */
  verifyFastPath: VerifyFastPath;
}

/**
 * One log line per request, when it completes (Fastify's default adds one on arrival too).
 * Verification and probes are not logged per request: they are counted in metrics, and their
 * failures are logged as security events.
 */
class RequestLogController extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) request.log.error({ ...line, err: error }, 'request errored');
    else request.log.info(line, 'request completed');
  }
}
const QUIET_ROUTES = new Set(['/v1/verify', '/healthz', '/readyz', '/metrics']);
const isQuietRoute = (request: { url: string }) => QUIET_ROUTES.has(request.url.split('?')[0] ?? '');

/**
 * Builds the app. Call `app.close()` to stop background work (usage flush, cache); the store
 * belongs to the caller.
 *
 * @example
 * const { app } = await createApp({ config, store, peppers });
 * const res = await app.inject({ method: 'GET', url: '/healthz' });
 */
export async function createApp(deps: AppDeps): Promise<KeywardApp> {
  const { config, store } = deps;
  const clock = deps.clock ?? Date.now;
  const logger = deps.logger ?? createLogger(config.logLevel);
  const onChannelError = (error: unknown) => logger.warn({ err: error }, 'invalidation channel error');
  const bus =
    deps.bus ??
    (config.redisUrl
      ? await createRedisInvalidationBus({
          url: config.redisUrl,
          channel: `${config.redisPrefix}invalidate`,
          onError: onChannelError,
        })
      : config.storage.driver === 'postgres'
        ? await createPostgresInvalidationBus({ url: config.storage.url, onError: onChannelError })
        : createLocalInvalidationBus());
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        commandTimeout: 250,
        lazyConnect: true,
      })
    : null;
  redis?.on('error', (error) => logger.warn({ err: error }, 'redis error'));
  await redis
    ?.connect()
    .catch((error) => logger.warn({ err: error }, 'redis is not reachable; limits fail closed'));
  const rateLimiter = redis
    ? createRedisRateLimiter({ redis, prefix: config.redisPrefix })
    : createMemoryRateLimiter();
  const hasher = createSecretHasher({ peppers: deps.peppers });

  // POST /v1/verify in its common shape is answered before Fastify's pipeline (see
  // verify-fast-path.ts); the route stays registered below for everything else and OpenAPI.
  let verifyFastPath: VerifyFastPath | null = null;
  const app = Fastify({
    serverFactory: (handler) => {
      const headersTimeout = Math.min(config.headersTimeoutMs, config.requestTimeoutMs);
      const server = createServer(
        {
          // Slow clients: headers must arrive within the headers timeout (slow-loris), a whole
          // request within the request timeout. Node checks both only every
          // connectionsCheckingInterval (30 s by default), so a trickling client could hold its
          // socket that much longer; checking a few times per timeout cuts it off on time.
          headersTimeout,
          requestTimeout: config.requestTimeoutMs,
          connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))),
          keepAliveTimeout: 72_000,
        },
        (request, response) => {
          if (verifyFastPath?.take(request, response)) return;
          handler(request, response);
        },
      );
      server.setTimeout(60_000);
      // A node holds at most maxConnections sockets; more are refused at once.
      server.maxConnections = config.maxConnections;
      return server;
    },
    loggerInstance: logger as FastifyBaseLogger,
    logController: new RequestLogController({
      requestIdLogLabel: 'requestId',
      disableRequestLogging: isQuietRoute,
    }),
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: requestIdOf,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorateRequest('principal', null);
  app.decorateRequest('queryKeys', null as unknown as string[]);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    takeQueryKeys(request);
  });

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.setValidatorCompiler(createValidatorCompiler());
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    const uiIndex = deps.uiDir ? join(deps.uiDir, 'index.html') : null;
    if (
      request.method === 'GET' &&
      uiIndex &&
      existsSync(uiIndex) &&
      !request.url.startsWith('/v1/') &&
      (request.headers.accept ?? '').includes('text/html')
    ) {
      return reply.headers(PAGE_HEADERS).header('content-security-policy', UI_CSP).sendFile('index.html');
    }
    return sendError(reply, 'ROUTE_NOT_FOUND', {
      message: `No route ${request.method} ${request.url.split('?')[0]}.`,
    });
  });

  app.addSchema(ErrorBody);
  app.addSchema(Key);
  app.addSchema(User);
  app.addSchema(Org);
  app.addSchema(AuditEvent);
  await app.register(fastifyCookie);
  app.decorateRequest('session', null);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Keyward API',
        version: '1.0.0',
        description:
          'Create, scope, rotate, revoke and verify API keys. Authenticate with a Keyward key (any transport below) or the admin UI session.',
      },
      components: {
        securitySchemes: {
          apiKey: {
            type: 'apiKey',
            in: 'header',
            name: 'Authorization',
            description: 'Api-Key <key> or Key=<key>',
          },
          xApiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          bearer: { type: 'http', scheme: 'bearer' },
          basic: {
            type: 'http',
            scheme: 'basic',
            description: 'keyId:secret, or the full key as user with an empty password',
          },
          session: { type: 'apiKey', in: 'cookie', name: 'kw_session' },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    staticCSP: DOCS_CSP,
    uiHooks: {
      onRequest: async (_request, reply) => {
        reply.headers(PAGE_HEADERS);
      },
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const metrics = createMetrics({ store, cacheStats: () => verification.lookup.stats() });
  metrics.install(app);
  const verification = await createVerification({
    store,
    hasher,
    bus,
    keyPrefix: config.keyPrefix,
    clock,
    observer: metrics.verifications,
    rateLimiter,
    quota: createDatabaseQuotaLedger(store),
    onBackgroundError: (error) => logger.error({ err: error }, 'usage flush failed'),
  });
  const failureGuard = createFailureGuard();
  const auth = createAuthenticator({
    verifier: verification.verifier,
    failureGuard,
    clock,
    allowQueryKey: config.allowQueryKey,
    localToken: deps.localToken,
    resolveLocal: async (orgHeader) => {
      const org = orgHeader ? await findOrg(store.db, orgHeader) : undefined;
      if (org) return systemPrincipal(org.id);
      const orgs = await listOrgs(store.db);
      if (!orgHeader && orgs.length === 1 && orgs[0]) return systemPrincipal(orgs[0].id);
      throw new KeywardError('NOT_FOUND', {
        message: orgHeader
          ? `No organization ${orgHeader}.`
          : 'Several organizations exist: name one with --org.',
      });
    },
  });
  const keys = createKeyService({ store, hasher, keyPrefix: config.keyPrefix, clock, bus });
  const users = createUserService({ store, clock, bus });
  const login = createLoginService({ store, clock });
  auth.useSessions(createSessionResolver({ store, clock }));
  auth.usePasswords(async (email, password, request) =>
    userPrincipal(await login.check(email, password, { ...requestContext(request), via: 'basic' })),
  );
  const context: AppContext = {
    config,
    store,
    hasher,
    clock,
    bus,
    auth,
    keys,
    users,
    verification,
    failureGuard,
  };

  await app.register(healthRoutes(context));
  await app.register(
    setupRoutes(context, {
      setupToken: deps.setupToken,
      // First-run setup signs the new owner in, so the UI continues straight into the app.
      afterSetup: async (result, reply) => {
        const csrfToken = await startSession(store.db, result.user, { reply, now: clock() });
        return sessionBody(context, result.user, csrfToken);
      },
    }),
  );
  await app.register(authRoutes(context, login));
  await app.register(userRoutes(context));
  await app.register(apiTokenRoutes(context));
  await app.register(operatorRoutes(context));
  await app.register(auditRoutes(context));
  await app.register(verifyRoutes(context));
  await app.register(eventRoutes(context));
  await app.register(keyRoutes(context));
  await app.register(catalogRoutes(context));

  const fastPath = createVerifyFastPath({
    ctx: context,
    logger,
    bodyLimit: config.bodyLimit,
    clientAddress: clientAddressOf(config.trustProxy),
    recordRequest: metrics.recorderFor('/v1/verify', 'POST'),
  });
  verifyFastPath = fastPath;
  app.addHook('preClose', async () => fastPath.close());

  if (deps.uiDir && existsSync(deps.uiDir)) {
    await app.register(fastifyStatic, {
      root: deps.uiDir,
      wildcard: false,
      index: ['index.html'],
      setHeaders: (response) => {
        for (const [name, value] of Object.entries(PAGE_HEADERS)) response.setHeader(name, value);
        response.setHeader('content-security-policy', UI_CSP);
      },
    });
  }

  app.addHook('onClose', async () => {
    await verification.close();
    if (!deps.bus) await bus.close();
    redis?.disconnect();
  });

  return { app, context, verifyFastPath: fastPath };
}
