/**
 * @module JSON bodies
 *
 * One parser for every JSON body, used by the Fastify routes and the verify handler alike:
 * an empty body is "no body" (so `POST …/disable` needs none); prototype poisoning
 * (`__proto__`, `constructor.prototype`) is refused; so is nesting deeper than any legitimate
 * body, before a validator or handler walks it.
 */
import { KeywardError } from '@keyward/core';
import secureJson from 'secure-json-parse';

export const MAX_JSON_DEPTH = 32;

const PARSE_OPTIONS = { protoAction: 'error', constructorAction: 'error' } as const;

/** Nesting depth of a parsed JSON value, stopping early once past the limit. */
function depthOf(value: unknown, depth = 0): number {
  if (depth > MAX_JSON_DEPTH || value === null || typeof value !== 'object') return depth;
  let deepest = depth + 1;
  for (const child of Object.values(value)) {
    deepest = Math.max(deepest, depthOf(child, depth + 1));
    if (deepest > MAX_JSON_DEPTH) break;
  }
  return deepest;
}

/**
 * Whether the text opens few enough arrays and objects that no value in it can be nested past
 * the limit (brackets inside strings count too, which only ever sends a body to the full walk).
 * Bodies are mostly small and flat (one verify request after another), so this is a few
 * `indexOf` calls, which V8 answers with a native byte search; a loop over every character
 * cost ~25 instructions a character here, and the walk lists every object's values.
 */
function tooFewBracketsToBeDeep(text: string): boolean {
  let opened = 0;
  for (let at = text.indexOf('{'); at !== -1; at = text.indexOf('{', at + 1)) {
    if (++opened > MAX_JSON_DEPTH) return false;
  }
  for (let at = text.indexOf('['); at !== -1; at = text.indexOf('[', at + 1)) {
    if (++opened > MAX_JSON_DEPTH) return false;
  }
  return true;
}

/** Parses a request body; throws `MALFORMED_JSON` or `VALIDATION_FAILED` (too deep). */
export function parseJsonBody(text: string): unknown {
  if (text === '' || text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = secureJson.parse(text, undefined, PARSE_OPTIONS);
  } catch (error) {
    throw new KeywardError('MALFORMED_JSON', { cause: error });
  }
  if (!tooFewBracketsToBeDeep(text) && depthOf(value) > MAX_JSON_DEPTH) {
    throw new KeywardError('VALIDATION_FAILED', {
      message: `The body is nested deeper than ${MAX_JSON_DEPTH} levels.`,
    });
  }
  return value;
}
