import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CredentialSources,
  collectCredentialHeaders,
  extractCredential,
  parseAuthorization,
} from './extract-credential.ts';

const KEY = 'kw_live_abcdefghijkl_0123456789abcdefghijklmnopqrstuvwxyzABC';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const sources = (partial: Partial<CredentialSources>): CredentialSources => ({
  authorization: [],
  apiKey: [],
  queryKey: [],
  allowQueryKey: false,
  ...partial,
});

describe('credential extraction', () => {
  it.each([
    [`Api-Key ${KEY}`, 'api-key'],
    [`API-KEY ${KEY}`, 'api-key'],
    [`Key=${KEY}`, 'key-equals'],
    [`key=${KEY}`, 'key-equals'],
    [`Bearer ${KEY}`, 'bearer'],
    [`bearer   ${KEY}  `, 'bearer'],
    [`Basic ${b64(`${KEY}:`)}`, 'basic'],
  ])('reads %s as a key', (header, transport) => {
    expect(parseAuthorization(header)).toEqual({ kind: 'key', token: KEY, transport });
  });

  it('reads Basic keyId:secret, with or without the key_ prefix, and without padding', () => {
    for (const user of ['abcdefghijkl', 'key_abcdefghijkl']) {
      expect(parseAuthorization(`Basic ${b64(`${user}:s3cr3t`)}`)).toEqual({
        kind: 'key-pair',
        keyId: 'abcdefghijkl',
        tail: 's3cr3t',
        transport: 'basic',
      });
    }
    const unpadded = b64('abcdefghijkl:s3cr3t7').replace(/=+$/, '');
    expect(parseAuthorization(`Basic ${unpadded}`).kind).toBe('key-pair');
  });

  it('reads Basic email:password as a login, colons in the password included', () => {
    expect(parseAuthorization(`Basic ${b64('service-x+ops@customer.com:pa:ss')}`)).toEqual({
      kind: 'password',
      email: 'service-x+ops@customer.com',
      password: 'pa:ss',
    });
  });

  it.each([
    'Digest abc',
    'Bearer',
    'Bearer ',
    'Api-Key',
    'Key=',
    'Basic',
    'Basic !!!',
    `Basic ${b64('nocolon')}`,
    `Basic ${b64(':secret')}`,
    `Basic ${b64('someone:secret')}`,
    'Bearer a\u0000b',
    'Bearer ключ',
    `Bearer ${'x'.repeat(5000)}`,
    'Bearer two tokens',
  ])('calls %j malformed', (header) => {
    expect(parseAuthorization(header).kind).toBe('malformed');
  });

  it('takes X-API-Key, and the query key only when the deployment allows it', () => {
    expect(extractCredential(sources({ apiKey: [KEY] }))).toEqual({
      kind: 'key',
      token: KEY,
      transport: 'x-api-key',
    });
    expect(extractCredential(sources({ queryKey: [KEY] }))).toEqual({ kind: 'none' });
    expect(extractCredential(sources({ queryKey: [KEY], allowQueryKey: true }))).toEqual({
      kind: 'key',
      token: KEY,
      transport: 'query',
    });
  });

  it('refuses two credentials in one request (RFC 6750)', () => {
    expect(extractCredential(sources({ authorization: [`Bearer ${KEY}`, `Bearer ${KEY}`] })).kind).toBe(
      'conflict',
    );
    expect(extractCredential(sources({ authorization: [`Bearer ${KEY}`], apiKey: [KEY] })).kind).toBe(
      'conflict',
    );
    expect(extractCredential(sources({ apiKey: [KEY], queryKey: [KEY], allowQueryKey: true })).kind).toBe(
      'conflict',
    );
    expect(extractCredential(sources({ queryKey: [KEY, KEY], allowQueryKey: true })).kind).toBe('conflict');
    // A query key the deployment ignores does not count.
    expect(extractCredential(sources({ apiKey: [KEY], queryKey: [KEY] })).kind).toBe('key');
  });

  it('collects duplicate Authorization headers from rawHeaders, whatever their case', () => {
    expect(
      collectCredentialHeaders(['Authorization', 'a', 'host', 'x', 'AUTHORIZATION', 'b', 'X-Api-Key', 'c']),
    ).toEqual({
      authorization: ['a', 'b'],
      apiKey: ['c'],
    });
  });

  it('never throws and returns only documented kinds, for any header values', () => {
    const scheme = fc.constantFrom(
      'Api-Key',
      'api-key',
      'Bearer',
      'BEARER',
      'Basic',
      'basic',
      'Key=',
      'Digest',
      '',
      'Token',
    );
    const value = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.string({ maxLength: 60 }).map((s) => Buffer.from(s).toString('base64').replace(/=+$/, '')),
      fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 })).map(([u, p]) => b64(`${u}:${p}`)),
      fc.constant('x'.repeat(3000)),
    );
    const header = fc
      .tuple(scheme, fc.constantFrom(' ', '  ', '\t', ''), value)
      .map(([s, sep, v]) => `${s}${sep}${v}`);
    fc.assert(
      fc.property(
        fc.array(header, { maxLength: 3 }),
        fc.array(value, { maxLength: 2 }),
        fc.array(value, { maxLength: 2 }),
        fc.boolean(),
        (authorization, apiKey, queryKey, allowQueryKey) => {
          const credential = extractCredential({ authorization, apiKey, queryKey, allowQueryKey });
          expect(['none', 'key', 'key-pair', 'password', 'malformed', 'conflict']).toContain(credential.kind);
          if (credential.kind === 'key') expect(credential.token).toMatch(/^[\x21-\x7e]{1,1024}$/);
        },
      ),
      { numRuns: 150_000 },
    );
  });
});
