import Ajv from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createValidatorCompiler } from '../app/validators.ts';
import { scopeExpressionDocs, VerifyBody } from './verify.schema.ts';

/** Scope expressions of any shape and depth, valid and not. */
const expression = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('export', 'process:start', ''),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.record({ anyOf: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ allOf: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.constantFrom({}, { anyOf: ['a'], allOf: ['b'] }, { oneOf: ['a'] }, 7, null),
  ),
})).node;

describe('the scope expression schema', () => {
  it('accepts exactly the bodies its OpenAPI form describes', () => {
    const server = createValidatorCompiler()({
      schema: VerifyBody,
      httpPart: 'body',
      method: 'POST',
      url: '/v1/verify',
    });
    const docs = new Ajv({ strict: false }).compile({
      type: 'object',
      properties: { key: { type: 'string' }, scopes: scopeExpressionDocs() },
    });
    fc.assert(
      fc.property(expression, (scopes) => {
        const body = { key: 'kw_live_x', scopes };
        expect(server(body) === true, JSON.stringify(scopes)).toBe(docs(body));
      }),
      { numRuns: 5000 },
    );
  });

  it('takes expressions three levels deep, and refuses deeper ones', () => {
    const server = createValidatorCompiler()({
      schema: VerifyBody,
      httpPart: 'body',
      method: 'POST',
      url: '/v1/verify',
    });
    expect(server({ key: 'k', scopes: { anyOf: [['a', { allOf: ['b', 'c'] }], 'd'] } })).toBe(true);
    expect(server({ key: 'k', scopes: [[[['too deep']]]] })).not.toBe(true);
  });
});
