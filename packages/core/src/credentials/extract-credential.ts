/**
 * @module Credential extraction
 *
 * Where a key may come from, in this order:
 * 1. `Authorization: Api-Key <key>`
 * 2. `Authorization: Key=<key>`
 * 3. `Authorization: Bearer <key>`
 * 4. `Authorization: Basic base64(keyId:secret)`, or `base64(<full key>:)`, or
 *    `base64(email:password)` where a route accepts a login (`/api_tokens/`)
 * 5. `X-API-Key: <key>`
 * 6. the query parameter `auth-key=<key>`, only when the deployment allows it
 *
 * Scheme names are case-insensitive. More than one credential in a request (two
 * `Authorization` headers, a header and the query form, a repeated `auth-key`) is a
 * `conflict`, answered with 400 as RFC 6750 §2 asks. Anything unparsable is `malformed`.
 * Nothing here throws, and no result carries the raw header value.
 */

/** Where a credential was found. */
export type Transport = 'api-key' | 'key-equals' | 'bearer' | 'basic' | 'x-api-key' | 'query';

/** What a request presents. */
export type Credential =
  | { kind: 'none' }
  | { kind: 'key'; token: string; transport: Transport }
  | { kind: 'key-pair'; keyId: string; tail: string; transport: 'basic' }
  | { kind: 'password'; email: string; password: string }
  | { kind: 'malformed'; reason: string; transport?: Transport }
  | { kind: 'conflict' };

/** Every value of the headers and query parameter that may carry a credential. */
export interface CredentialSources {
  authorization: readonly string[];
  apiKey: readonly string[];
  queryKey: readonly string[];
  /** When false, `auth-key` in the query string is not a credential. */
  allowQueryKey: boolean;
}

/** The longest header value considered; a longer one is malformed without further work. */
const MAX_CREDENTIAL_LENGTH = 1024;
// Visible ASCII only: tokens, key ids, base64.
const TOKEN_PATTERN = /^[\x21-\x7e]+$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;
const KEY_ID_PATTERN = /^(?:key_)?([0-9a-z]{12})$/;

/**
 * Collects credential-bearing headers from Node's `rawHeaders`, keeping duplicates that
 * `IncomingMessage.headers` would silently drop for `Authorization`.
 */
export function collectCredentialHeaders(rawHeaders: readonly string[]): {
  authorization: string[];
  apiKey: string[];
} {
  const authorization: string[] = [];
  const apiKey: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length === 13 && name.toLowerCase() === 'authorization')
      authorization.push(rawHeaders[i + 1] ?? '');
    else if (name.length === 9 && name.toLowerCase() === 'x-api-key') apiKey.push(rawHeaders[i + 1] ?? '');
  }
  return { authorization, apiKey };
}

/** Reads the one credential of a request, or says why there is none or too many. */
export function extractCredential(sources: CredentialSources): Credential {
  const queryCount = sources.allowQueryKey ? sources.queryKey.length : 0;
  const count = sources.authorization.length + sources.apiKey.length + queryCount;
  if (count === 0) return { kind: 'none' };
  if (count > 1) return { kind: 'conflict' };
  if (sources.authorization.length === 1) return parseAuthorization(sources.authorization[0] as string);
  if (sources.apiKey.length === 1) return parseApiKeyHeader(sources.apiKey[0] as string);
  return bareToken(sources.queryKey[0] as string, 'query');
}

function bareToken(raw: string, transport: Transport): Credential {
  const token = raw.trim();
  if (token.length === 0) return { kind: 'malformed', reason: 'empty credential', transport };
  if (token.length > MAX_CREDENTIAL_LENGTH)
    return { kind: 'malformed', reason: 'credential too long', transport };
  if (!TOKEN_PATTERN.test(token))
    return { kind: 'malformed', reason: 'credential has invalid characters', transport };
  return { kind: 'key', token, transport };
}

/** Parses one `X-API-Key` header value. */
export function parseApiKeyHeader(raw: string): Credential {
  return bareToken(raw, 'x-api-key');
}

/** Parses one `Authorization` header value. */
export function parseAuthorization(raw: string): Credential {
  if (raw.length > MAX_CREDENTIAL_LENGTH) return { kind: 'malformed', reason: 'credential too long' };
  const value = raw.trim();
  // `Key=<key>` glues scheme and token together (Flowgear's form).
  if (value.length >= 4 && value.slice(0, 4).toLowerCase() === 'key=') {
    return bareToken(value.slice(4), 'key-equals');
  }
  const space = value.search(/[ \t]/);
  if (space <= 0) return { kind: 'malformed', reason: 'authorization header has no scheme and token' };
  const scheme = value.slice(0, space).toLowerCase();
  const rest = value.slice(space + 1);
  switch (scheme) {
    case 'api-key':
      return bareToken(rest, 'api-key');
    case 'bearer':
      return bareToken(rest, 'bearer');
    case 'basic':
      return parseBasic(rest.trim());
    default:
      return { kind: 'malformed', reason: 'unsupported authorization scheme' };
  }
}

function parseBasic(encoded: string): Credential {
  const transport = 'basic' as const;
  // Padding may be omitted by some clients; the alphabet must still be strict base64.
  if (encoded.length === 0 || encoded.length % 4 === 1 || !BASE64_PATTERN.test(encoded)) {
    return { kind: 'malformed', reason: 'basic credential is not base64', transport };
  }
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { kind: 'malformed', reason: 'basic credential has no colon', transport };
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  if (user.length === 0)
    return { kind: 'malformed', reason: 'basic credential has an empty user', transport };
  if (password.length === 0) return bareToken(user, transport);
  const keyId = KEY_ID_PATTERN.exec(user);
  if (keyId) {
    if (!TOKEN_PATTERN.test(password))
      return { kind: 'malformed', reason: 'secret has invalid characters', transport };
    return { kind: 'key-pair', keyId: keyId[1] as string, tail: password, transport };
  }
  if (user.includes('@')) return { kind: 'password', email: user, password };
  return { kind: 'malformed', reason: 'basic user is neither a key id nor an email', transport };
}
