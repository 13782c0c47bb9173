import type { SecretHasher } from '@keyward/core';
import type { Store } from '@keyward/storage';
import type { FastifyRequest } from 'fastify';
import type { Authenticator } from '../auth/authenticator.ts';
import type { Principal, RequestContext } from '../auth/principal.ts';
import type { KeywardConfig } from '../config/keyward-config.ts';
import type { KeyService } from '../services/key-service.ts';
import type { UserService } from '../services/user-service.ts';
import type { VerifyService } from '../services/verify-service.ts';
import type { Verification } from '../verification/create-verification.ts';
import type { InvalidationBus } from '../verification/invalidation-bus.ts';

/** What route plugins receive: the services and adapters of this node. */
export interface AppContext {
  config: KeywardConfig;
  store: Store;
  hasher: SecretHasher;
  clock: () => number;
  bus: InvalidationBus;
  auth: Authenticator;
  keys: KeyService;
  users: UserService;
  verification: Verification;
  /** The verify use case, for every transport that verifies keys. */
  verify: VerifyService;
}

/** The audit facts of a request. */
export function requestContext(request: FastifyRequest): RequestContext {
  const userAgent = request.headers['user-agent'];
  return {
    ip: request.ip ?? null,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
    requestId: String(request.id),
  };
}

/** The principal set by the route's guard; throws if a route forgot its guard. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error(`route ${request.routeOptions.url} has no auth guard`);
  return request.principal;
}
