/**
 * @module Passwords
 *
 * Passwords are hashed with Argon2id (memory-hard; 19 MiB, 2 passes, OWASP's baseline) by
 * `@node-rs/argon2`. The hash string carries its own parameters, so they can be raised later
 * without breaking existing hashes.
 */

import { KeywardError } from '@keyward/core';
import { hash, verify } from '@node-rs/argon2';

const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** A well-formed hash of a password nobody knows, so an unknown email costs as much as a known one. */
const DUMMY_HASH = await hash('keyward-dummy-password-for-timing', OPTIONS);

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** Checks a password; with a null hash it still spends the time of a real check. */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  try {
    const ok = await verify(passwordHash ?? DUMMY_HASH, password);
    return ok && passwordHash !== null;
  } catch {
    return false;
  }
}

/** The part of an email before the @, lower-cased ('' without an email). */
function emailName(email: string | undefined): string {
  return email?.split('@')[0]?.toLowerCase() ?? '';
}

/** Refuses weak passwords with a reason. */
export function assertStrongPassword(password: string, context: { email?: string } = {}): void {
  const reason =
    password.length < 10
      ? 'at least 10 characters are required'
      : password.length > 256
        ? 'at most 256 characters are allowed'
        : new Set(password).size < 5
          ? 'it repeats too few distinct characters'
          : emailName(context.email).length >= 3 && password.toLowerCase().includes(emailName(context.email))
            ? 'it must not contain the email name'
            : /^(password|123456|qwerty)/i.test(password)
              ? 'it is a commonly used password'
              : null;
  if (reason)
    throw new KeywardError('WEAK_PASSWORD', {
      message: `The password is too weak: ${reason}.`,
      details: { field: 'password' },
    });
}

/** Normalises and checks an email; plus-addressing is allowed. */
export function normaliseEmail(email: string): string {
  const value = email.trim().toLowerCase();
  if (
    value.length > 254 ||
    !/^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/.test(
      value,
    )
  ) {
    throw new KeywardError('VALIDATION_FAILED', {
      message: `"${email}" is not a valid email address.`,
      details: { field: 'email' },
    });
  }
  return value;
}
