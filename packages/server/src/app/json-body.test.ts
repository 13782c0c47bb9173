import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, parseJsonBody } from './json-body.ts';

/** Nesting depth computed independently of the parser: the deepest run of open brackets outside strings. */
function depthOfText(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') deepest = Math.max(deepest, ++depth);
    else if (c === '}' || c === ']') depth--;
  }
  return deepest;
}

const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

describe('JSON body depth', () => {
  it(`accepts ${MAX_JSON_DEPTH} levels and refuses one more`, () => {
    expect(parseJsonBody(nested(MAX_JSON_DEPTH))).toBeDefined();
    expect(() => parseJsonBody(nested(MAX_JSON_DEPTH + 1))).toThrow(/nested deeper/);
  });

  it('accepts a flat body with more brackets than the limit, in strings or side by side', () => {
    const inStrings = JSON.stringify({ note: '['.repeat(100), other: '{'.repeat(100) });
    expect(parseJsonBody(inStrings)).toEqual(JSON.parse(inStrings));
    const siblings = JSON.stringify({ list: Array.from({ length: 100 }, () => [{}]) });
    expect(parseJsonBody(siblings)).toEqual(JSON.parse(siblings));
  });

  it('refuses a body exactly when it is nested past the limit', () => {
    fc.assert(
      fc.property(fc.json({ depthSize: 'large', maxDepth: MAX_JSON_DEPTH + 8 }), (text) => {
        fc.pre(!/__proto__|constructor/.test(text)); // refused as prototype poisoning, tested elsewhere
        const tooDeep = depthOfText(text) > MAX_JSON_DEPTH;
        if (tooDeep) expect(() => parseJsonBody(text)).toThrow(/nested deeper/);
        else expect(parseJsonBody(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });
});
