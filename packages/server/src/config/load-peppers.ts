/**
 * @module Peppers
 *
 * The pepper keys secret digests and must live outside the database. It comes from
 * `KEYWARD_PEPPER` — one or more `version:base64` entries separated by commas, the highest
 * version being current — or, when that is unset, from `<dataDir>/pepper`, created with 32
 * random bytes (mode 0600) on first start. Every node of a multi-node deployment must be given
 * the same `KEYWARD_PEPPER`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pepper } from '@keyward/core';
import { ConfigError } from './load-config.ts';

/** Parses `KEYWARD_PEPPER`: `1:base64[,2:base64…]`. A bare value is version 1. */
export function parsePepperSpec(spec: string): Pepper[] {
  return spec.split(',').map((entry) => {
    const match = /^(?:(\d{1,6}):)?([A-Za-z0-9+/=_-]+)$/.exec(entry.trim());
    if (!match) throw new ConfigError('KEYWARD_PEPPER must be "version:base64" entries separated by commas');
    const secret = Buffer.from(match[2] as string, 'base64');
    if (secret.length < 32) throw new ConfigError('KEYWARD_PEPPER entries must hold at least 32 bytes');
    return { version: Number(match[1] ?? 1), secret };
  });
}

/** Loads the peppers from the config value or the data directory, creating the file if needed. */
export function loadPeppers(options: { pepper: string | null; dataDir: string }): Pepper[] {
  if (options.pepper !== null) return parsePepperSpec(options.pepper);
  const file = join(options.dataDir, 'pepper');
  if (!existsSync(file)) {
    mkdirSync(options.dataDir, { recursive: true });
    try {
      writeFileSync(file, `1:${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return parsePepperSpec(readFileSync(file, 'utf8').trim());
}
