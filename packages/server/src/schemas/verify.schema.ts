import { type ScopeQuery, VERIFY_CODES } from '@keyward/core';
import { type TSchema, Type } from '@sinclair/typebox';

/** How many lists and `{anyOf}`/`{allOf}` may nest: `{"anyOf": [["a", {"allOf": ["b", "c"]}], "d"]}` has three. */
export const SCOPE_EXPRESSION_DEPTH = 3;

/**
 * A scope expression, as the server validates it: a scope name, a list (all of), `{anyOf}` or
 * `{allOf}`, nested at most {@link SCOPE_EXPRESSION_DEPTH} levels. Each level is one schema
 * whose keywords each apply to one JSON type, rather than a union: a union is tried branch by
 * branch, building an error for each branch that does not match, on every verification (and
 * its errors, one per branch, read worse). Levels are written out rather than referring to
 * themselves, so no reader of the document meets a circular reference.
 */
function scopeExpression(depth: number): TSchema {
  const name = { minLength: 1, maxLength: 100 };
  if (depth === 0) return Type.String(name);
  const member = scopeExpression(depth - 1);
  const members = Type.Array(member, { maxItems: 50 });
  return Type.Unsafe({
    type: ['string', 'array', 'object'],
    // a scope name
    ...name,
    // a list
    items: member,
    maxItems: 50,
    // {anyOf} or {allOf}, exactly one of them
    properties: { anyOf: members, allOf: members },
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
  });
}

const ScopeExpression = Type.Unsafe<ScopeQuery>({
  ...scopeExpression(SCOPE_EXPRESSION_DEPTH),
  $id: 'ScopeExpression',
  title: 'ScopeExpression',
});

/**
 * The same scope expression as the OpenAPI document shows it: each level the union it is
 * (`oneOf` a name, a list, `{anyOf}`, `{allOf}`), which code generators and API clients
 * (openapi-typescript, Postman) read as such. `verify.schema.test.ts` keeps the two accepting
 * the same bodies.
 */
export function scopeExpressionDocs(depth = SCOPE_EXPRESSION_DEPTH): Record<string, unknown> {
  const name = { type: 'string', minLength: 1, maxLength: 100, description: 'A scope name.' };
  if (depth === 0) return name;
  const member = scopeExpressionDocs(depth - 1);
  const list = (description: string) => ({ type: 'array', items: member, maxItems: 50, description });
  return {
    oneOf: [
      name,
      list('All of these.'),
      {
        type: 'object',
        required: ['anyOf'],
        additionalProperties: false,
        properties: { anyOf: list('Any one of these.') },
      },
      {
        type: 'object',
        required: ['allOf'],
        additionalProperties: false,
        properties: { allOf: list('All of these.') },
      },
    ],
  };
}

export const VerifyBody = Type.Object(
  {
    key: Type.String({
      minLength: 1,
      maxLength: 512,
      description: 'The key to check, or its HTTP Basic form keyId:secret.',
    }),
    scopes: Type.Optional(ScopeExpression),
    resource: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    environment: Type.Optional(
      Type.String({ minLength: 1, maxLength: 32, description: 'Defaults to production.' }),
    ),
    ip: Type.Optional(
      Type.String({ minLength: 2, maxLength: 64, description: "The end client's IP address." }),
    ),
    cost: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 1 })),
  },
  { additionalProperties: false, title: 'VerifyRequest' },
);

// The response is serialised on every verification. Plain `enum` and `type: [..., 'null']`
// instead of unions keep fast-json-stringify from validating each union at serialisation time.
const NullableString = Type.Unsafe<string | null>({ type: ['string', 'null'] });

export const VerifyResponse = Type.Object(
  {
    valid: Type.Boolean(),
    code: Type.Unsafe<(typeof VERIFY_CODES)[number]>({ type: 'string', enum: [...VERIFY_CODES] }),
    key: Type.Optional(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        orgId: Type.String(),
        ownerId: NullableString,
        environment: Type.String(),
        scopes: Type.Array(Type.String()),
        metadata: Type.Object({}, { additionalProperties: true }),
      }),
    ),
    ratelimit: Type.Optional(
      Type.Object({
        limit: Type.Integer(),
        remaining: Type.Integer(),
        reset: Type.String({ format: 'date-time' }),
      }),
    ),
    remaining: Type.Optional(Type.Integer({ description: 'Usage quota left.' })),
  },
  { title: 'VerifyResponse' },
);
