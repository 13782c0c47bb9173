/**
 * Every operation of the HTTP API the client covers, as `METHOD /path` (path parameters in
 * OpenAPI form). A test checks this table against the server's `/openapi.json` both ways: an
 * operation missing on either side fails it.
 */
export const ROUTES = {
  'keys.create': 'POST /v1/keys',
  'keys.list': 'GET /v1/keys',
  'keys.get': 'GET /v1/keys/{id}',
  'keys.update': 'PATCH /v1/keys/{id}',
  'keys.revoke': 'DELETE /v1/keys/{id}',
  'keys.enable': 'POST /v1/keys/{id}/enable',
  'keys.disable': 'POST /v1/keys/{id}/disable',
  'keys.regenerate': 'POST /v1/keys/{id}/regenerate',
  'keys.usage': 'GET /v1/keys/{id}/usage',
  verify: 'POST /v1/verify',
  'users.list': 'GET /v1/users',
  'users.create': 'POST /v1/users',
  'users.get': 'GET /v1/users/{id}',
  'users.update': 'PATCH /v1/users/{id}',
  'users.remove': 'DELETE /v1/users/{id}',
  'audit.list': 'GET /v1/audit',
  'audit.export': 'GET /v1/exports/audit',
  'resources.list': 'GET /v1/resources',
  'resources.put': 'PUT /v1/resources/{id}',
  'environments.list': 'GET /v1/environments',
  'environments.create': 'POST /v1/environments',
  'scopes.list': 'GET /v1/scopes',
  'scopes.create': 'POST /v1/scopes',
  'orgs.list': 'GET /v1/orgs',
  'orgs.create': 'POST /v1/orgs',
  'auth.login': 'POST /v1/auth/login',
  'auth.logout': 'POST /v1/auth/logout',
  'auth.me': 'GET /v1/auth/me',
  'apiTokens.create': 'POST /api_tokens',
  'setup.status': 'GET /v1/setup',
  'setup.run': 'POST /v1/setup',
  'events.stream': 'GET /v1/events',
  health: 'GET /healthz',
  ready: 'GET /readyz',
} as const;

export type Operation = keyof typeof ROUTES;
