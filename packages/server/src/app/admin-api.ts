/**
 * @module Admin API
 *
 * Every route but `POST /v1/verify`, in one encapsulated plugin with the hooks they share: the
 * request id on every answer, `auth-key` taken out of the query string, cookies, and the request
 * metrics. Kept apart so the verify route, registered beside it, runs none of them.
 */
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { takeQueryKeys } from '../auth/authenticator.ts';
import { startSession } from '../auth/sessions.ts';
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
import type { LoginService } from '../services/login-service.ts';
import type { AppContext } from './app-context.ts';
import type { AppMetrics } from './metrics.ts';

/** The admin API as a plugin; register it with `app.register`. */
export function adminApi(deps: {
  context: AppContext;
  login: LoginService;
  metrics: AppMetrics;
  setupToken: string | undefined;
}) {
  const { context, login } = deps;
  return async (admin: FastifyInstance): Promise<void> => {
    admin.addHook('onRequest', async (request, reply) => {
      reply.header('x-request-id', request.id);
      takeQueryKeys(request);
    });
    await admin.register(fastifyCookie);
    deps.metrics.install(admin);

    await admin.register(healthRoutes(context));
    await admin.register(
      setupRoutes(context, {
        setupToken: deps.setupToken,
        // First-run setup signs the new owner in, so the UI continues straight into the app.
        afterSetup: async (result, reply) => {
          const csrfToken = await startSession(context.store.db, result.user, {
            reply,
            now: context.clock(),
          });
          return sessionBody(context, result.user, csrfToken);
        },
      }),
    );
    await admin.register(authRoutes(context, login));
    await admin.register(userRoutes(context));
    await admin.register(apiTokenRoutes(context));
    await admin.register(operatorRoutes(context));
    await admin.register(auditRoutes(context));
    await admin.register(eventRoutes(context));
    await admin.register(keyRoutes(context));
    await admin.register(catalogRoutes(context));
  };
}
