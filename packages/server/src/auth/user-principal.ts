import { type User, userRights } from '@keyward/core';
import type { Principal } from './principal.ts';

/** A user acting in person (session or password), with the rights its role and flags give it now. */
export function userPrincipal(user: User): Principal {
  const principal: Principal = {
    ...userRights(user),
    kind: 'user',
    actor: { type: 'user', id: user.id, name: user.email },
  };
  return Object.freeze(principal);
}
