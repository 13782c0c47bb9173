import { type ScopeQuery, VERIFY_CODES } from '@keyward/core';
import { Type } from '@sinclair/typebox';

/**
 * A scope expression: a scope name, a list (all of), `{anyOf}` or `{allOf}`, nested up to a few
 * levels. Written as one schema whose keywords each apply to one JSON type, rather than as a
 * union: a union is tried branch by branch, building an error for each branch that does not
 * match, on every verification (and its errors, one per branch, read worse).
 */
const ScopeExpression = Type.Recursive(
  (Self) => {
    const Members = Type.Array(Self, { maxItems: 50 });
    return Type.Unsafe<ScopeQuery>({
      type: ['string', 'array', 'object'],
      description:
        'A scope name, a list of expressions (all of them), `{"anyOf": [...]}` or `{"allOf": [...]}`.',
      // a scope name
      minLength: 1,
      maxLength: 100,
      // a list
      items: Self,
      maxItems: 50,
      // {anyOf} or {allOf}, exactly one of them
      properties: { anyOf: Members, allOf: Members },
      additionalProperties: false,
      minProperties: 1,
      maxProperties: 1,
    });
  },
  { $id: 'ScopeExpression', title: 'ScopeExpression' },
);

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
