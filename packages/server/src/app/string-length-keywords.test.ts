import Ajv from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringLengthKeywords } from './string-length-keywords.ts';

const ours = new Ajv({ allErrors: true });
ours.removeKeyword('maxLength').removeKeyword('minLength').addKeyword(stringLengthKeywords);
const ajvs = new Ajv({ allErrors: true });

/** Strings of every kind that counts differently: ASCII, BMP, astral (surrogate pairs), lone surrogates. */
const anyString = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc
    .array(fc.constantFrom('a', 'é', '😀', '\ud800', '\udc00'), { maxLength: 12 })
    .map((units) => units.join('')),
);

describe('string length keywords', () => {
  it('accept and refuse exactly what Ajv does, with the same errors', () => {
    fc.assert(
      fc.property(anyString, fc.nat(10), fc.nat(10), (text, minLength, maxLength) => {
        const schema = { type: 'string', minLength, maxLength };
        const mine = ours.compile(schema);
        const reference = ajvs.compile(schema);
        expect(mine(text)).toBe(reference(text));
        expect(mine.errors ?? null).toEqual(reference.errors ?? null);
      }),
      { numRuns: 2000 },
    );
  });

  it('count code points, not UTF-16 units, at the limits', () => {
    const validate = ours.compile({ type: 'string', minLength: 2, maxLength: 2 });
    expect(validate('😀😀')).toBe(true); // four UTF-16 units, two characters
    expect(validate('😀')).toBe(false); // two units, one character
    expect(validate.errors?.[0]?.message).toBe('must NOT have fewer than 2 characters');
    expect(validate('😀😀😀')).toBe(false);
    expect(validate.errors?.[0]?.message).toBe('must NOT have more than 2 characters');
  });

  it('work with $data limits', () => {
    const options = { $data: true, allErrors: true };
    const mineAjv = new Ajv(options);
    mineAjv.removeKeyword('maxLength').removeKeyword('minLength').addKeyword(stringLengthKeywords);
    const schema = {
      type: 'object',
      properties: { limit: { type: 'integer' }, text: { type: 'string', maxLength: { $data: '1/limit' } } },
    };
    const mine = mineAjv.compile(schema);
    const reference = new Ajv(options).compile(schema);
    for (const data of [
      { limit: 1, text: '😀' },
      { limit: 1, text: 'ab' },
      { limit: 3, text: '😀😀' },
    ]) {
      expect(mine(data)).toBe(reference(data));
    }
  });
});
