/**
 * @module Principals
 *
 * Who is calling an admin route, resolved once per request from a key, a session or the local
 * CLI. Rights are Keyward scopes; a member additionally acts on its own keys only.
 */
import type { Actor, Role } from '@keyward/core';

/** The authenticated caller of an admin route. */
export interface Principal {
  kind: 'key' | 'user' | 'system';
  orgId: string;
  actor: Actor;
  /** Keyward scopes the caller holds. */
  scopes: ReadonlySet<string>;
  /** The user acting (a key's owner, or the session's user), if any. */
  userId: string | null;
  role: Role | null;
  /** Operators manage orgs, environments and the catalogue, and may verify any org's keys. */
  isOperator: boolean;
  /** True for members: they see and manage only keys they own. */
  ownKeysOnly: boolean;
}

/** Request facts recorded with every audit event; never holds a secret. */
export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** The principal of the local CLI, acting on the database directly: all rights, in one org. */
export function systemPrincipal(orgId: string, scopes: Iterable<string>): Principal {
  return {
    kind: 'system',
    orgId,
    actor: { type: 'system', id: null, name: 'keyward-cli' },
    scopes: new Set(scopes),
    userId: null,
    role: null,
    isOperator: true,
    ownKeysOnly: false,
  };
}
