import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSecret } from '../key-format/index.ts';
import { createSecretHasher } from './secret-hasher.ts';

const pepper = (version: number) => ({ version, secret: randomBytes(32) });

describe('secret hasher', () => {
  it('matches the secret it hashed and nothing else', () => {
    const hasher = createSecretHasher({ peppers: [pepper(1)] });
    const secret = generateSecret();
    const stored = hasher.hash(secret);
    expect(stored.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.digest).not.toContain(secret);
    expect(hasher.matches(secret, stored)).toBe(true);
    expect(hasher.matches(generateSecret(), stored)).toBe(false);
    // One character changed (to one it cannot already be).
    const last = secret.at(-1) === 'x' ? 'y' : 'x';
    expect(hasher.matches(`${secret.slice(0, -1)}${last}`, stored)).toBe(false);
  });

  it('depends on the pepper: the same secret under another pepper does not match', () => {
    const secret = generateSecret();
    const a = createSecretHasher({ peppers: [pepper(1)] });
    const b = createSecretHasher({ peppers: [pepper(1)] });
    expect(b.matches(secret, a.hash(secret))).toBe(false);
  });

  it('keeps old digests valid after a new pepper version becomes current', () => {
    const v1 = pepper(1);
    const secret = generateSecret();
    const old = createSecretHasher({ peppers: [v1] }).hash(secret);
    const rotated = createSecretHasher({ peppers: [v1, pepper(2)] });
    expect(rotated.hash(secret).pepperVersion).toBe(2);
    expect(rotated.matches(secret, old)).toBe(true);
  });

  it('checks one secret against several digests, each under its own pepper version', () => {
    const v1 = pepper(1);
    const secret = generateSecret();
    const other = generateSecret();
    const oldHasher = createSecretHasher({ peppers: [v1] });
    const rotated = createSecretHasher({ peppers: [v1, pepper(2)] });
    // A key's slots, as a verification meets them: digests of two secrets under two versions.
    const slots = [oldHasher.hash(other), rotated.hash(secret), oldHasher.hash(secret), rotated.hash(other)];
    const matches = rotated.matcher(secret);
    expect(slots.map((stored) => matches(stored))).toEqual([false, true, true, false]);
    expect(slots.map((stored) => rotated.matches(secret, stored))).toEqual([false, true, true, false]);
  });

  it('rejects unknown pepper versions and malformed digests', () => {
    const hasher = createSecretHasher({ peppers: [pepper(1)] });
    const secret = generateSecret();
    const stored = hasher.hash(secret);
    expect(hasher.matches(secret, { ...stored, pepperVersion: 9 })).toBe(false);
    expect(hasher.matches(secret, { ...stored, digest: stored.digest.slice(2) })).toBe(false);
  });

  it('refuses to start without a pepper of at least 32 bytes', () => {
    expect(() => createSecretHasher({ peppers: [] })).toThrow();
    expect(() => createSecretHasher({ peppers: [{ version: 1, secret: randomBytes(16) }] })).toThrow(
      /32 bytes/,
    );
  });
});
