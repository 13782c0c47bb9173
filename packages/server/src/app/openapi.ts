/**
 * @module OpenAPI
 *
 * `/openapi.json` and the browsable `/docs`, generated from the routes' TypeBox schemas, so the
 * document cannot drift from what the server accepts. Register it before any route.
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { DOCS_CSP, PAGE_HEADERS } from './page-headers.ts';

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
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
}
