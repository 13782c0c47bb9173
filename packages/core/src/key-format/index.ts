/**
 * @module Key format
 *
 * A Keyward key reads `<prefix>_<env>_<keyId>_<secret><checksum>`, for example
 * `kw_live_n58lzybi2k4q_4vA0…Zx8v1k2Q`:
 *
 * - `prefix`   the deployment's prefix (default `kw`): `[a-z][a-z0-9]{0,15}`
 * - `env`      the environment slug the key was made for: `[a-z][a-z0-9-]{0,31}`
 * - `keyId`    the public id, safe to log: 12 characters of `[0-9a-z]`
 * - `secret`   24 bytes (192 bits) from a CSPRNG, base62, 33 characters
 * - `checksum` CRC32 of everything before it (`prefix_env_keyId_secret`), base62, 6 characters
 *
 * The checksum lets a typo or a made-up key be rejected before any lookup, and lets secret
 * scanners recognise the format. It is not a security control: the secret is.
 * `_` never occurs inside a part, so a key splits unambiguously.
 */
import CRC32 from 'crc-32';
import { encodeBase62 } from './base62.ts';

/** Widths and patterns of the key format; exported for scanners and tests. */
export const KEY_FORMAT = {
  prefixPattern: /^[a-z][a-z0-9]{0,15}$/,
  environmentPattern: /^[a-z][a-z0-9-]{0,31}$/,
  keyIdPattern: /^[0-9a-z]{12}$/,
  keyIdLength: 12,
  secretBytes: 24,
  secretLength: 33,
  checksumLength: 6,
  /** Length of the part after the last `_`: secret and checksum. */
  tailLength: 39,
  tailPattern: /^[0-9A-Za-z]{39}$/,
} as const;

/** The parts of a well-formed key. */
export interface ParsedKey {
  prefix: string;
  environment: string;
  keyId: string;
  /** The secret part without its checksum: what is hashed and stored. */
  secret: string;
}

/** Why a string is not a key; never includes the string itself. */
export type KeyFormatProblem = 'shape' | 'prefix' | 'environment' | 'key-id' | 'secret' | 'checksum';

/** Result of {@link parseKey}. */
export type ParseKeyResult = { ok: true; key: ParsedKey } | { ok: false; problem: KeyFormatProblem };

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Fills `length` random characters from `alphabet` without modulo bias (rejection sampling). */
function randomChars(alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
    for (const byte of bytes) {
      if (byte < limit) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/** A new public key id: 12 random characters of `[0-9a-z]` (about 62 bits). */
export function generateKeyId(): string {
  return randomChars(ID_ALPHABET, KEY_FORMAT.keyIdLength);
}

/** A new secret: 192 random bits as 33 base62 characters. */
export function generateSecret(): string {
  return encodeBase62(
    crypto.getRandomValues(new Uint8Array(KEY_FORMAT.secretBytes)),
    KEY_FORMAT.secretLength,
  );
}

/** The 6-character base62 CRC32 of `body`. */
export function checksumOf(body: string): string {
  const crc = CRC32.str(body) >>> 0;
  const bytes = new Uint8Array([crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff]);
  return encodeBase62(bytes, KEY_FORMAT.checksumLength);
}

/**
 * Builds the full key string from its parts, appending the checksum.
 *
 * @example
 * formatKey({ prefix: 'kw', environment: 'live', keyId: generateKeyId(), secret: generateSecret() })
 */
export function formatKey(parts: ParsedKey): string {
  const body = `${parts.prefix}_${parts.environment}_${parts.keyId}_${parts.secret}`;
  return body + checksumOf(body);
}

/**
 * Parses and checks a key without any lookup. A wrong checksum means a typo or a made-up key.
 *
 * @param expectedPrefix when given, a key with another prefix is rejected.
 */
export function parseKey(token: string, expectedPrefix?: string): ParseKeyResult {
  // Longest legal key is 16 + 32 + 12 + 39 + 3 separators; anything longer is not a key.
  if (token.length > 110) return { ok: false, problem: 'shape' };
  // Well-formed keys (nearly all) match in one pass; anything else is told apart below.
  const match = WELL_FORMED.exec(token);
  if (!match || (expectedPrefix !== undefined && match[1] !== expectedPrefix)) {
    return { ok: false, problem: problemOf(token, expectedPrefix) };
  }
  const [, prefix, environment, keyId, tail] = match as unknown as [string, string, string, string, string];
  // Every part has been checked, so the checksummed body is the token minus its checksum.
  const bodyLength = token.length - KEY_FORMAT.checksumLength;
  if (checksumOf(token.slice(0, bodyLength)) !== token.slice(bodyLength)) {
    return { ok: false, problem: 'checksum' };
  }
  return { ok: true, key: { prefix, environment, keyId, secret: tail.slice(0, KEY_FORMAT.secretLength) } };
}

const WELL_FORMED = /^([a-z][a-z0-9]{0,15})_([a-z][a-z0-9-]{0,31})_([0-9a-z]{12})_([0-9A-Za-z]{39})$/;

/** Which part of a token that is not well formed is wrong, checked part by part in order. */
function problemOf(token: string, expectedPrefix: string | undefined): KeyFormatProblem {
  const parts = token.split('_');
  if (parts.length !== 4) return 'shape';
  const [prefix, environment, keyId] = parts as [string, string, string, string];
  if (!KEY_FORMAT.prefixPattern.test(prefix) || (expectedPrefix !== undefined && prefix !== expectedPrefix)) {
    return 'prefix';
  }
  if (!KEY_FORMAT.environmentPattern.test(environment)) return 'environment';
  if (!KEY_FORMAT.keyIdPattern.test(keyId)) return 'key-id';
  return 'secret';
}

/**
 * Checks the Basic-auth form `keyId:secretAndChecksum`, whose environment is not written in the
 * credential: the checksum must match one of the known environments. Still no lookup.
 */
export function parseKeyPair(
  keyId: string,
  tail: string,
  options: { prefix: string; environments: Iterable<string> },
): ParseKeyResult {
  if (!KEY_FORMAT.keyIdPattern.test(keyId)) return { ok: false, problem: 'key-id' };
  if (!KEY_FORMAT.tailPattern.test(tail)) return { ok: false, problem: 'secret' };
  const secret = tail.slice(0, KEY_FORMAT.secretLength);
  const checksum = tail.slice(KEY_FORMAT.secretLength);
  for (const environment of options.environments) {
    if (checksumOf(`${options.prefix}_${environment}_${keyId}_${secret}`) === checksum) {
      return { ok: true, key: { prefix: options.prefix, environment, keyId, secret } };
    }
  }
  return { ok: false, problem: 'checksum' };
}

/** Splits a full key into the Basic-auth pair `{ keyId, tail }` that `/api_tokens/` hands out. */
export function toKeyPair(parsed: ParsedKey): { keyId: string; tail: string } {
  const full = formatKey(parsed);
  return { keyId: parsed.keyId, tail: full.slice(full.length - KEY_FORMAT.tailLength) };
}

/**
 * Anything in free text shaped like a key — `…_<env>_<keyId>_<secret+checksum>` — or like its
 * HTTP Basic pair `<keyId>:<secret+checksum>`: the secret part is what must never be stored.
 * Neither the checksum nor a word boundary is required: a key pasted with a typo, or run into
 * the next word, still carries its secret.
 */
const KEY_IN_TEXT = /(_[a-z][a-z0-9-]{0,31}_[0-9a-z]{12})_[0-9A-Za-z]{39}/g;
const PAIR_IN_TEXT = /([0-9a-z]{12}):[0-9A-Za-z]{39}/g;
const SHORTEST_MATCH = KEY_FORMAT.keyIdLength + KEY_FORMAT.tailLength + 1;

/**
 * `text` with the secret of every key (or Basic pair) in it replaced by `[REDACTED]`; the public
 * parts stay, so an audit reader can still tell which key was pasted.
 *
 * @example
 * maskKeys('note: kw_live_n58lzybi2k4q_1M2b…C12x') // 'note: kw_live_n58lzybi2k4q_[REDACTED]'
 */
export function maskKeys(text: string): string {
  if (text.length < SHORTEST_MATCH) return text;
  return text.replace(KEY_IN_TEXT, '$1_[REDACTED]').replace(PAIR_IN_TEXT, '$1:[REDACTED]');
}
