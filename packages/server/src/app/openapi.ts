/**
 * @module OpenAPI
 *
 * `/openapi.json` and the browsable `/docs`, generated from the routes' TypeBox schemas, so the
 * document cannot drift from what the server accepts. Register it before any route.
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { scopeExpressionDocs } from '../schemas/verify.schema.ts';
import { DOCS_CSP, PAGE_HEADERS } from './page-headers.ts';

const TAGS = [
  { name: 'keys', description: 'Create, read, change, rotate and revoke API keys.' },
  { name: 'verify', description: "Check a key for a platform's service, and follow invalidations." },
  { name: 'users', description: 'People and service users of an organization.' },
  { name: 'auth', description: "The admin UI's session." },
  { name: 'setup', description: 'First-run setup of a fresh deployment.' },
  { name: 'catalogue', description: 'Environments and the scope catalogue.' },
  { name: 'resources', description: 'What keys may be limited to, as the platform registers it.' },
  { name: 'audit', description: 'The audit trail and its export.' },
  { name: 'operator', description: "The deployment's organizations and catalogue (operator scopes)." },
  { name: 'health', description: 'Liveness and readiness for orchestrators and load balancers.' },
];

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Keyward API',
        version: '1.0.0',
        description:
          'Create, scope, rotate, revoke and verify API keys. Authenticate with a Keyward key (any transport below) or the admin UI session.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      // Paths are relative to wherever the deployment serves this document.
      servers: [{ url: '/', description: 'This Keyward deployment' }],
      tags: TAGS,
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
    // The scope expression is validated by one fast schema but documented as the union it is.
    transformObject: (document) => {
      if (!('openapiObject' in document)) return document.swaggerObject;
      const schemas = document.openapiObject.components?.schemas;
      if (schemas?.ScopeExpression) {
        schemas.ScopeExpression = {
          title: 'ScopeExpression',
          description:
            'Required scopes: a scope name, a list of expressions (all of them), `{"anyOf": [...]}` or `{"allOf": [...]}`, nested at most three levels.',
          ...scopeExpressionDocs(),
        } as never;
      }
      return document.openapiObject;
    },
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
