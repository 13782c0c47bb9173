/**
 * The one catalogue of Keyward's HTTP error codes.
 *
 * A released code is never renamed or reused; it may only be deprecated. Every code has an
 * anchor in `docs/errors.md` (a test keeps the two in sync). Verification outcomes such as
 * `DISABLED` are not errors: they are values of {@link VerifyCode} returned with HTTP 200.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, message: 'The request does not match the schema.' },
  MALFORMED_REQUEST: { status: 400, message: 'The request is not valid HTTP.' },
  MALFORMED_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  INVALID_CHARACTERS: { status: 400, message: 'A value holds a control character.' },
  INVALID_CURSOR: { status: 400, message: 'The pagination cursor is not valid.' },
  UNKNOWN_SCOPE: { status: 400, message: 'A scope is not in the catalogue.' },
  UNKNOWN_ENVIRONMENT: { status: 400, message: 'The environment does not exist.' },
  UNKNOWN_RESOURCE: { status: 400, message: 'A resource does not exist or is not exposed.' },
  EXPIRY_IN_PAST: { status: 400, message: 'The expiry date is in the past.' },
  WEAK_PASSWORD: { status: 400, message: 'The password is too weak.' },
  DUPLICATE_CREDENTIALS: { status: 400, message: 'The request carries more than one credential.' },
  SCOPE_EXCEEDS_OWNER: {
    status: 400,
    message: "A scope of the key is beyond what its owner's role may use.",
  },
  UNAUTHENTICATED: { status: 401, message: 'A credential is required.' },
  MALFORMED_CREDENTIAL: { status: 401, message: 'The credential could not be parsed.' },
  INVALID_CREDENTIAL: { status: 401, message: 'The credential is not valid.' },
  CSRF_FAILED: { status: 403, message: 'The CSRF token is missing or wrong.' },
  FORBIDDEN: { status: 403, message: 'The caller may not do this.' },
  INSUFFICIENT_SCOPE: { status: 403, message: 'The credential lacks a required scope.' },
  GRANT_EXCEEDS_CALLER: { status: 403, message: "The key would be wider than the caller's own rights." },
  NOT_FOUND: { status: 404, message: 'The resource does not exist.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No route matches the request.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'The method is not allowed on this route.' },
  ALREADY_BOOTSTRAPPED: { status: 409, message: 'Keyward is already set up.' },
  CONFLICT: { status: 409, message: 'The resource already exists.' },
  EMAIL_TAKEN: { status: 409, message: 'A user with this email already exists.' },
  KEY_REVOKED: { status: 409, message: 'The key is revoked and cannot be changed.' },
  LAST_OWNER: { status: 409, message: 'The last owner of an organization cannot be removed or demoted.' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request did not arrive in time.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  URI_TOO_LONG: { status: 414, message: 'A part of the request path is too long.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be JSON.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests.' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large.' },
  INTERNAL_ERROR: { status: 500, message: 'Something went wrong on our side.' },
  BAD_GATEWAY: { status: 502, message: 'The upstream did not answer.' },
  NOT_READY: { status: 503, message: 'The service is not ready.' },
  STORE_UNAVAILABLE: { status: 503, message: 'The database is unavailable; retry shortly.' },
  LIMITER_UNAVAILABLE: { status: 503, message: 'The rate limiter is unavailable; retry shortly.' },
} as const satisfies Record<string, { status: number; message: string }>;

/** A stable, documented error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** HTTP status of every code; typed so an unmapped code fails to compile. */
export const ERROR_STATUS: Record<ErrorCode, number> = Object.fromEntries(
  Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status]),
) as Record<ErrorCode, number>;

/** Every known code, for docs and tests. */
export const ALL_ERROR_CODES = Object.keys(ERROR_CODES) as ErrorCode[];
