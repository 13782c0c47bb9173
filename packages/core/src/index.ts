/**
 * @module @keyward/core
 *
 * Keyward's domain, free of I/O: the key format, secret hashing, credential parsing, the
 * verification policy and verifier over ports, the error catalogue and the domain model.
 */
export {
  ALL_KEYWARD_SCOPES,
  ALL_OPERATOR_SCOPES,
  DEFAULT_ENVIRONMENTS,
  DEFAULT_SCOPES,
  isAdminApiScope,
  KEYWARD_SCOPES,
  OPERATOR_SCOPES,
  ROLE_SCOPES,
} from './catalog.ts';
export {
  type Credential,
  type CredentialSources,
  collectCredentialHeaders,
  extractCredential,
  parseApiKeyHeader,
  parseAuthorization,
  type Transport,
} from './credentials/extract-credential.ts';
export { decodeQueryComponent, isQueryKeyName, queryKeysIn } from './credentials/query-keys.ts';
export { ALL_ERROR_CODES, ERROR_CODES, ERROR_STATUS, type ErrorCode } from './errors/codes.ts';
export { isKeywardError, KeywardError, type KeywardErrorOptions } from './errors/keyward-error.ts';
export { type IdKind, newId, newSortableId, publicKeyId } from './ids.ts';
export {
  checksumOf,
  formatKey,
  generateKeyId,
  generateSecret,
  KEY_FORMAT,
  type KeyFormatProblem,
  maskKeys,
  type ParsedKey,
  type ParseKeyResult,
  parseKey,
  parseKeyPair,
  toKeyPair,
} from './key-format/index.ts';
export {
  type Actor,
  type ApiKey,
  type AuditEvent,
  type Environment,
  type KeySecret,
  type KeyStatus,
  keyStatus,
  type Org,
  type QuotaPolicy,
  type RateLimitPolicy,
  type Resource,
  ROLES,
  type Role,
  type Scope,
  SECRET_SLOTS,
  type SecretSlot,
  USER_KINDS,
  type User,
  type UserKind,
} from './model.ts';
export {
  cidrWithin,
  clientAddressKey,
  compileIpAllowlist,
  type IpAllowlist,
  isValidCidr,
} from './policy/ip-allowlist.ts';
export { checkKeyPolicy, type PolicyRequest } from './policy/key-policy.ts';
export { type ScopeQuery, satisfiesScopes, scopesIn } from './policy/scope-query.ts';
export {
  type GrantExcess,
  grantExcess,
  inheritedLimits,
  type KeyGrant,
  keyRights,
  mayAssignRole,
  mayManageUser,
  mayOpenSignIn,
  type Rights,
  raisesRole,
  type ScopeRefusal,
  scopeBeyondAccountable,
  scopeRefusal,
  systemRights,
  type UserState,
  userRights,
} from './rights/index.ts';
export {
  createSecretHasher,
  type Pepper,
  type SecretDigest,
  type SecretHasher,
} from './secret/secret-hasher.ts';
export type {
  EnvironmentRegistry,
  KeyLookup,
  QuotaLedger,
  RateLimiter,
  RateLimitState,
  VerificationSink,
} from './verify/ports.ts';
export { type KeyIdentity, toVerifiableKey, type VerifiableKey } from './verify/verifiable-key.ts';
export {
  type CredentialMemo,
  createVerifier,
  type PresentedKey,
  type Verifier,
  type VerifierDeps,
  type VerifyRequest,
  type VerifyResult,
} from './verify/verifier.ts';
export { VERIFY_CODES, type VerifyCode } from './verify/verify-code.ts';
