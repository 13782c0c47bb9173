/**
 * @module App
 *
 * `createApp(deps)` builds the whole HTTP application — adapters, services, the verify handler,
 * the Fastify routes, OpenAPI — without binding a port; `main.ts` listens. Tests call it with
 * their own store and send requests over a socket (or `app.inject` for admin routes).
 */
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Pepper } from '@keyward/core';
import type { Store } from '@keyward/storage';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
  type RawServerDefault,
} from 'fastify';
import type { Logger } from 'pino';
import type { KeywardConfig } from '../config/keyward-config.ts';
import { VERIFY_CALLER_SCOPES, verifyRoutes } from '../routes/verify/verify.ts';
import { createVerifyHandler, type VerifyHandler } from '../routes/verify/verify-handler.ts';
import { AuditEvent } from '../schemas/audit.schema.ts';
import { ErrorBody } from '../schemas/common.ts';
import { Key } from '../schemas/key.schema.ts';
import { Org, User } from '../schemas/user.schema.ts';
import type { InvalidationBus } from '../verification/invalidation-bus.ts';
import { adminApi } from './admin-api.ts';
import { connectAdapters } from './app-adapters.ts';
import type { AppContext } from './app-context.ts';
import { createServices } from './app-services.ts';
import { clientErrorHandler, frameworkErrors } from './client-errors.ts';
import { createErrorHandler, sendError } from './error-handler.ts';
import { httpServerFactory } from './http-server.ts';
import { parseJsonBody } from './json-body.ts';
import { createLogger } from './logger.ts';
import { type AppMetrics, createMetrics } from './metrics.ts';
import { registerOpenApi } from './openapi.ts';
import { createOutageLog, type OutageReporter } from './outage-log.ts';
import { PAGE_HEADERS, UI_CSP } from './page-headers.ts';
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
}

/**
 * One log line per request, when it completes (Fastify's default adds one on arrival too).
 * Probes are not logged per request: they are counted in metrics. (`POST /v1/verify` never
 * reaches Fastify's logging; its failures are logged as security events.)
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
 * The Fastify instance: its server, logging, body parser, validators, error and not-found
 * answers, and the shared schemas. It has no hooks of its own; each route group adds its own.
 */
function createFastify(deps: {
  config: KeywardConfig;
  logger: Logger;
  metrics: AppMetrics;
  uiDir: string | undefined;
  verifyHandler: () => VerifyHandler;
  /** Told of every answer a dependency's outage caused. */
  outages: OutageReporter;
}) {
  const { config } = deps;
  const app = Fastify({
    serverFactory: httpServerFactory(config, deps.verifyHandler),
    loggerInstance: deps.logger as FastifyBaseLogger,
    logController: new RequestLogController({
      requestIdLogLabel: 'requestId',
      disableRequestLogging: isQuietRoute,
    }),
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: requestIdOf,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    clientErrorHandler: clientErrorHandler(deps.logger),
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // Bodies are validated strictly and query strings coerced (validators.ts); Fastify's own Ajv
  // is never used.
  app.setValidatorCompiler(createValidatorCompiler());
  app.setErrorHandler(createErrorHandler(deps.outages));
  // Outside every route group, so it does what their hooks do: the request id, the metrics.
  app.setNotFoundHandler((request, reply) => {
    reply.raw.once('finish', () =>
      deps.metrics.recorderFor('unmatched', request.method)(reply.statusCode, reply.elapsedTime / 1000),
    );
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
    reply.header('x-request-id', request.id);
    return sendError(reply, 'ROUTE_NOT_FOUND', {
      message: `No route ${request.method} ${request.url.split('?')[0]}.`,
    });
  });
  for (const schema of [ErrorBody, Key, User, Org, AuditEvent]) app.addSchema(schema);
  app.decorateRequest('principal', null);
  app.decorateRequest('queryKeys', null as unknown as string[]);
  app.decorateRequest('session', null);
  return app;
}

/**
 * Builds the app. Call `app.close()` to stop background work (usage flush, cache); the store
 * belongs to the caller.
 *
 * @example
 * const { app } = await createApp({ config, store, peppers });
 * const address = await app.listen({ port: 0 });
 */
export async function createApp(deps: AppDeps): Promise<KeywardApp> {
  const { config, store } = deps;
  const clock = deps.clock ?? Date.now;
  const logger = deps.logger ?? createLogger(config.logLevel);
  const outages = createOutageLog(logger, 'store unavailable');
  const metrics = createMetrics({
    store,
    cacheStats: () => context.verification.lookup.stats(),
    unwrittenUsage: () => context.verification.usage.unwritten(),
  });
  const adapters = await connectAdapters(config, logger, {
    bus: deps.bus,
    onLimiterFailClosed: (reason) => metrics.limiterFailedClosed(reason),
  });
  const { context, login } = await createServices({
    config,
    store,
    peppers: deps.peppers,
    clock,
    logger,
    adapters,
    metrics,
    localToken: deps.localToken,
  });
  const verifyHandler = createVerifyHandler({
    auth: context.auth,
    verify: context.verify,
    callerScopes: VERIFY_CALLER_SCOPES,
    allowQueryKey: config.allowQueryKey,
    logger,
    bodyLimit: config.bodyLimit,
    clientAddress: clientAddressOf(config.trustProxy),
    recordRequest: metrics.recorderFor('/v1/verify', 'POST'),
    outages,
  });

  const app = createFastify({
    config,
    logger,
    metrics,
    uiDir: deps.uiDir,
    verifyHandler: () => verifyHandler,
    outages,
  });
  await registerOpenApi(app);
  // Siblings: the verify route runs none of the admin API's hooks.
  await app.register(verifyRoutes(verifyHandler));
  await app.register(adminApi({ context, login, metrics, setupToken: deps.setupToken }));
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

  app.addHook('preClose', async () => verifyHandler.close());
  app.addHook('onClose', async () => {
    await context.verification.close();
    await adapters.close();
  });
  return { app, context };
}
