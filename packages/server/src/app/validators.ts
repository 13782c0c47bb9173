/**
 * @module Request validation
 *
 * Two Ajv instances compile the route schemas: bodies are validated strictly — no type
 * coercion, so `{"key": 1}` is refused instead of becoming `"1"` — while query strings, path
 * parameters and headers, which are text on the wire, are coerced to the declared types.
 * Unknown fields are refused, never silently removed.
 */
import Ajv, { type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { stringLengthKeywords } from './string-length-keywords.ts';

const base: Options = { removeAdditional: false, useDefaults: true, allErrors: false, strict: false };

function build(coerceTypes: Options['coerceTypes']): Ajv {
  const ajv = new Ajv({ ...base, coerceTypes });
  addFormats(ajv);
  ajv.removeKeyword('maxLength').removeKeyword('minLength').addKeyword(stringLengthKeywords);
  return ajv;
}

/** A validator compiler for `app.setValidatorCompiler`. */
export function createValidatorCompiler(): FastifySchemaCompiler<FastifySchema> {
  const strict = build(false);
  const coercing = build('array');
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema as object);
}
