import { ROLE_SCOPES, type User } from '@keyward/core';
import type { Principal } from './principal.ts';

/** The rights of a user acting in person (session or password): its role's Keyward scopes. */
export function userPrincipal(user: User): Principal {
  return {
    kind: 'user',
    orgId: user.orgId,
    actor: { type: 'user', id: user.id, name: user.email },
    scopes: new Set(ROLE_SCOPES[user.role]),
    userId: user.id,
    role: user.role,
    isOperator: user.isOperator,
    ownKeysOnly: user.role === 'member',
  };
}
