/**
 * @module Principals
 *
 * Who is calling an admin route, resolved once per request from a key, a session or the local
 * CLI: who acts (for the audit trail) and the {@link Rights} it holds, as core computes them
 * (docs/authorization.md). Routes and services ask the rights; nothing else decides them.
 */
import { type Actor, type Rights, systemRights } from '@keyward/core';

/** The authenticated caller of an admin route. */
export interface Principal extends Rights {
  readonly kind: 'key' | 'user' | 'system';
  readonly actor: Actor;
}

/** Request facts recorded with every audit event; never holds a secret. */
export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** The principal of the local CLI, acting on the database directly: all rights, in one org. */
export function systemPrincipal(orgId: string): Principal {
  const principal: Principal = {
    ...systemRights(orgId),
    kind: 'system',
    actor: { type: 'system', id: null, name: 'keyward-cli' },
  };
  return Object.freeze(principal);
}
