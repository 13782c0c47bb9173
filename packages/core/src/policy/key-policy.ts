/**
 * @module Key policy
 *
 * The checks that need only the key and the request, in the order of `VERIFY_CODES`:
 * `DISABLED → EXPIRED → ENVIRONMENT_MISMATCH → IP_FORBIDDEN → INSUFFICIENT_SCOPE →
 * RESOURCE_FORBIDDEN`. Identity checks (`MALFORMED`, `NOT_FOUND`) come before, and the
 * stateful ones (`RATE_LIMITED`, `USAGE_EXCEEDED`) after, in the verifier.
 */
import type { VerifiableKey } from '../verify/verifiable-key.ts';
import type { VerifyCode } from '../verify/verify-code.ts';
import { type ScopeQuery, satisfiesScopes } from './scope-query.ts';

/** What the request asks of the key. */
export interface PolicyRequest {
  /** The environment the request targets; already defaulted to the production one. */
  environment: string;
  scopes?: ScopeQuery | undefined;
  resource?: string | undefined;
  ip?: string | undefined;
}

/** The first failing check, or `undefined` when the key passes them all. */
export function checkKeyPolicy(
  key: VerifiableKey,
  request: PolicyRequest,
  now: number,
): Exclude<VerifyCode, 'VALID'> | undefined {
  if (!key.enabled || !key.ownerEnabled) return 'DISABLED';
  if (key.expiresAt !== null && key.expiresAt <= now) return 'EXPIRED';
  if (key.environment !== request.environment) return 'ENVIRONMENT_MISMATCH';
  if (key.ipAllowlist !== null && !key.ipAllowlist.allows(request.ip)) return 'IP_FORBIDDEN';
  if (request.scopes !== undefined && !satisfiesScopes(key.scopeSet, request.scopes))
    return 'INSUFFICIENT_SCOPE';
  if (request.resource !== undefined && key.resources !== null && !key.resources.has(request.resource)) {
    return 'RESOURCE_FORBIDDEN';
  }
  return undefined;
}
