/**
 * @module Secret hashing
 *
 * A key's secret is stored only as `HMAC-SHA-256(pepper, secret)`, hex-encoded, with the
 * version of the pepper used. The pepper lives outside the database (`KEYWARD_PEPPER` or a file
 * under the data directory), so a leaked database alone cannot confirm a single key. Several
 * pepper versions may be loaded at once: new secrets use the current one, old digests keep
 * verifying under theirs until they are regenerated. Digests have a fixed length and are
 * compared with `timingSafeEqual`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** A pepper and its version. */
export interface Pepper {
  version: number;
  secret: Buffer;
}

/** A stored digest of a secret. */
export interface SecretDigest {
  digest: string;
  pepperVersion: number;
}

/** Hashes and checks secrets under the loaded peppers. */
export interface SecretHasher {
  /** Digest under the current pepper, for storing. */
  hash(secret: string): SecretDigest;
  /** Constant-time check of `secret` against a stored digest; false for an unknown pepper version. */
  matches(secret: string, stored: SecretDigest): boolean;
  /**
   * {@link matches} for one secret against several stored digests (a key's slots): the secret's
   * HMAC is computed once per pepper version, not once per digest. Keep it no longer than the
   * check: it holds the secret.
   */
  matcher(secret: string): (stored: SecretDigest) => boolean;
}

/**
 * Builds a {@link SecretHasher}. Fails at construction without a pepper of at least 32 bytes.
 *
 * @example
 * const hasher = createSecretHasher({ peppers: [{ version: 1, secret: randomBytes(32) }] });
 */
export function createSecretHasher(options: { peppers: readonly Pepper[] }): SecretHasher {
  if (options.peppers.length === 0) throw new Error('createSecretHasher needs at least one pepper');
  const byVersion = new Map<number, Buffer>();
  for (const pepper of options.peppers) {
    if (pepper.secret.length < 32)
      throw new Error(`pepper version ${pepper.version} is shorter than 32 bytes`);
    byVersion.set(pepper.version, pepper.secret);
  }
  const current = Math.max(...byVersion.keys());
  const digestUnder = (pepper: Buffer, secret: string) =>
    createHmac('sha256', pepper).update(secret).digest();

  function matcher(secret: string): (stored: SecretDigest) => boolean {
    let version = Number.NaN;
    let digest: Buffer | undefined;
    return (stored) => {
      const pepper = byVersion.get(stored.pepperVersion);
      if (!pepper || stored.digest.length !== 64) return false;
      if (!digest || stored.pepperVersion !== version) {
        version = stored.pepperVersion;
        digest = digestUnder(pepper, secret);
      }
      return timingSafeEqual(digest, Buffer.from(stored.digest, 'hex'));
    };
  }

  return {
    hash(secret) {
      return {
        digest: digestUnder(byVersion.get(current) as Buffer, secret).toString('hex'),
        pepperVersion: current,
      };
    },
    matches: (secret, stored) => matcher(secret)(stored),
    matcher,
  };
}
