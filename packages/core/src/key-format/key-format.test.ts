import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASE62_ALPHABET } from './base62.ts';
import {
  checksumOf,
  formatKey,
  generateKeyId,
  generateSecret,
  KEY_FORMAT,
  maskKeys,
  parseKey,
  parseKeyPair,
  toKeyPair,
} from './index.ts';

const sample = () => ({
  prefix: 'kw',
  environment: 'live',
  keyId: generateKeyId(),
  secret: generateSecret(),
});

describe('masking keys in text', () => {
  it('leaves no secret of a key, or of its Basic pair, anywhere in any text', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'Z', '9', '_', ':', ' ', '-', '"', '=', 'é'),
      maxLength: 12,
    });
    fc.assert(
      fc.property(
        text,
        text,
        fc.constantFrom('kw', 'acme', 'x1'),
        fc.boolean(),
        (before, after, prefix, asPair) => {
          const token = formatKey({ ...sample(), prefix });
          const [, , keyId, tail] = token.split('_') as [string, string, string, string];
          const masked = maskKeys(before + (asPair ? `${keyId}:${tail}` : token) + after);
          expect(masked).not.toContain(tail.slice(0, KEY_FORMAT.secretLength));
          expect(masked).toContain(keyId);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('changes text that holds no key not at all', () => {
    expect(maskKeys('Deploy bot for key_n58lzybi2k4q (live)')).toBe('Deploy bot for key_n58lzybi2k4q (live)');
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        expect(maskKeys(text)).toBe(text);
      }),
    );
  });
});

describe('key format', () => {
  it('round-trips a formatted key through parseKey', () => {
    for (let i = 0; i < 200; i++) {
      const parts = sample();
      const token = formatKey(parts);
      expect(token).toMatch(/^kw_live_[0-9a-z]{12}_[0-9A-Za-z]{39}$/);
      expect(parseKey(token, 'kw')).toEqual({ ok: true, key: parts });
    }
  });

  it('generates 192-bit secrets as 33 base62 characters, all distinct', () => {
    const secrets = new Set(Array.from({ length: 1000 }, generateSecret));
    expect(secrets.size).toBe(1000);
    for (const secret of secrets) expect(secret).toMatch(/^[0-9A-Za-z]{33}$/);
  });

  it('generates public ids of 12 lower-case base36 characters', () => {
    for (let i = 0; i < 200; i++) expect(generateKeyId()).toMatch(KEY_FORMAT.keyIdPattern);
  });

  it('rejects every one-character typo through the checksum, before any lookup', () => {
    const token = formatKey(sample());
    let rejected = 0;
    for (let position = 0; position < token.length; position++) {
      for (const replacement of ['0', 'a', 'Z', '_']) {
        if (token[position] === replacement) continue;
        const typo = token.slice(0, position) + replacement + token.slice(position + 1);
        expect(parseKey(typo, 'kw').ok, typo).toBe(false);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(token.length * 3 - 1);
  });

  it('rejects a key with another prefix when one is expected', () => {
    const token = formatKey({ ...sample(), prefix: 'other' });
    expect(parseKey(token).ok).toBe(true);
    expect(parseKey(token, 'kw')).toEqual({ ok: false, problem: 'prefix' });
  });

  it.each([
    ['', 'shape'],
    ['kw_live_abc', 'shape'],
    [`kw_live_${'a'.repeat(12)}_${'b'.repeat(39)}_x`, 'shape'],
    [`KW_live_${'a'.repeat(12)}_${'b'.repeat(39)}`, 'prefix'],
    [`kw_Live_${'a'.repeat(12)}_${'b'.repeat(39)}`, 'environment'],
    [`kw_live_${'a'.repeat(11)}_${'b'.repeat(39)}`, 'key-id'],
    [`kw_live_${'a'.repeat(12)}_${'b'.repeat(38)}`, 'secret'],
    [`kw_live_${'a'.repeat(12)}_${'b'.repeat(39)}`, 'checksum'],
    [`kw_live_${'a'.repeat(12)}_${'b'.repeat(500)}`, 'shape'],
  ])('names the problem of %j as %s', (token, problem) => {
    expect(parseKey(token)).toEqual({ ok: false, problem });
  });

  it('computes a fixed-width base62 CRC32 checksum', () => {
    expect(checksumOf('')).toBe('000000');
    fc.assert(
      fc.property(fc.string(), (body) => {
        const sum = checksumOf(body);
        return sum.length === 6 && [...sum].every((c) => BASE62_ALPHABET.includes(c));
      }),
    );
  });

  it('never throws on arbitrary input and accepts only what formatKey produces', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (input) => {
        const result = parseKey(input);
        if (result.ok) expect(formatKey(result.key)).toBe(input);
      }),
      { numRuns: 20_000 },
    );
  });

  it('finds the environment of a Basic-auth pair from its checksum', () => {
    const parts = { ...sample(), environment: 'test' };
    const { keyId, tail } = toKeyPair(parts);
    expect(keyId).toBe(parts.keyId);
    expect(tail).toHaveLength(39);
    expect(parseKeyPair(keyId, tail, { prefix: 'kw', environments: ['live', 'test'] })).toEqual({
      ok: true,
      key: parts,
    });
    expect(parseKeyPair(keyId, tail, { prefix: 'kw', environments: ['live'] })).toEqual({
      ok: false,
      problem: 'checksum',
    });
    expect(parseKeyPair('nope', tail, { prefix: 'kw', environments: ['test'] }).ok).toBe(false);
  });
});

describe('the README', () => {
  it('shows an example key that parses, checksum and all', () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    const example = /Keys like `(kw_[^`]+)`/.exec(readme)?.[1] ?? '';
    expect(parseKey(example)).toMatchObject({ ok: true, key: { prefix: 'kw', environment: 'live' } });
  });
});
