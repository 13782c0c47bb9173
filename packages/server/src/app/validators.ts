/**
 * @module Request validation
 *
 * Two Ajv instances compile the route schemas: bodies are validated strictly — no type
 * coercion, so `{"key": 1}` is refused instead of becoming `"1"` — while query strings, path
 * parameters and headers, which are text on the wire, are coerced to the declared types.
 * Unknown fields are refused, never silently removed. Bodies, query strings and path
 * parameters that hold a control character are refused after the schema (control-characters.ts).
 */

import { KeywardError } from '@keyward/core';
import Ajv, { type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { controlCharacterAt } from './control-characters.ts';
import { stringLengthKeywords } from './string-length-keywords.ts';

const base: Options = { removeAdditional: false, useDefaults: true, allErrors: false, strict: false };

function build(coerceTypes: Options['coerceTypes']): Ajv {
  const ajv = new Ajv({ ...base, coerceTypes });
  addFormats(ajv);
  ajv.removeKeyword('maxLength').removeKeyword('minLength').addKeyword(stringLengthKeywords);
  return ajv;
}

const WHERE: Record<string, string> = { body: 'body', querystring: 'query string', params: 'path' };

/** A validator compiler for `app.setValidatorCompiler`. */
export function createValidatorCompiler(): FastifySchemaCompiler<FastifySchema> {
  const strict = build(false);
  const coercing = build('array');
  return ({ schema, httpPart }) => {
    const validate = (httpPart === 'body' ? strict : coercing).compile(schema as object);
    const where = httpPart ? WHERE[httpPart] : undefined;
    if (where === undefined) return validate;
    // Fastify reads a failed schema's errors from `validate.errors`, and any other refusal from
    // the `error` of the returned object.
    const checked = (data: unknown) => {
      if (!validate(data)) {
        checked.errors = validate.errors;
        return false;
      }
      const field = controlCharacterAt(data);
      if (field === undefined) return true;
      return {
        error: new KeywardError('INVALID_CHARACTERS', {
          message: `${field ? `"${field}" in the ${where}` : `The ${where}`} holds a control character.`,
          details: field ? { field } : undefined,
        }),
      };
    };
    checked.errors = validate.errors;
    return checked;
  };
}
