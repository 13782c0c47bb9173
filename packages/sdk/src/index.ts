/**
 * @module @keyward/sdk
 *
 * A typed client for Keyward's HTTP API, `verify()`, and the framework-free `verifyRequest()`
 * that the middleware subpaths (`/node`, `/express`, `/fastify`, `/hono`) wrap.
 */
export { type CachedVerifier, type CachedVerifierOptions, createCachedVerifier } from './cached-verifier.ts';
export { type ClientOptions, createClient, type KeywardClient, type Result } from './client.ts';
export { createGateway } from './gateway/gateway.ts';
export { type GatewayConfig, type GatewayRoute, loadGatewayConfig } from './gateway/gateway-config.ts';
export { type Operation, ROUTES } from './routes.ts';
export type {
  ApiError,
  AuditEvent,
  CreateKeyRequest,
  IssuedKey,
  Key,
  KeyIdentity,
  Page,
  ScopeQuery,
  UpdateKeyRequest,
  User,
  VerifyCode,
  VerifyRequest,
  VerifyResult,
} from './types.ts';
export {
  type GuardOutcome,
  type KeywardGuardOptions,
  type Refusal,
  type RequestFacts,
  type VerifierLike,
  verifyRequest,
} from './verify-request.ts';
