/**
 * The outcomes of a verification, in the order the checks run; the first failure wins.
 * `NOT_FOUND` covers an unknown id, a wrong secret and a revoked key alike, so the answer
 * never tells which of them it was.
 */
export const VERIFY_CODES = [
  'MALFORMED',
  'NOT_FOUND',
  'DISABLED',
  'EXPIRED',
  'ENVIRONMENT_MISMATCH',
  'IP_FORBIDDEN',
  'INSUFFICIENT_SCOPE',
  'RESOURCE_FORBIDDEN',
  'RATE_LIMITED',
  'USAGE_EXCEEDED',
  'VALID',
] as const;

/** One verification outcome. */
export type VerifyCode = (typeof VERIFY_CODES)[number];
