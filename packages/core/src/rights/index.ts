/**
 * @module Rights
 *
 * The one place that computes what a principal may do: a user's rights, a key's rights
 * (its grant within its accountable user's current rights), whom a principal may manage, and
 * whether a grant lies within its maker's rights. docs/authorization.md states the model.
 */
export {
  type GrantExcess,
  grantExcess,
  inheritedLimits,
  type ScopeRefusal,
  scopeBeyondAccountable,
  scopeRefusal,
} from './key-grant.ts';
export {
  type KeyGrant,
  keyRights,
  mayAssignRole,
  mayManageUser,
  mayOpenSignIn,
  type Rights,
  raisesRole,
  systemRights,
  type UserState,
  userRights,
} from './rights.ts';
