import { Type } from '@sinclair/typebox';
import { Actor, NullableTimestamp, PageQuery, Timestamp } from './common.ts';

const ScopeName = Type.String({ minLength: 1, maxLength: 100 });
const ResourceId = Type.String({ minLength: 1, maxLength: 200 });

export const RateLimit = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
    windowSeconds: Type.Integer({ minimum: 1, maximum: 86_400 * 31 }),
  },
  { additionalProperties: false },
);

export const Quota = Type.Object(
  {
    remaining: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    refill: Type.Optional(
      Type.Union([
        Type.Object(
          {
            amount: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
            intervalSeconds: Type.Integer({ minimum: 1, maximum: 86_400 * 366 }),
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ]),
    ),
  },
  { additionalProperties: false },
);

const Metadata = Type.Record(Type.String(), Type.Unknown(), {
  description: 'Free-form JSON handed downstream on VALID.',
});

const keyFields = {
  name: Type.String({ minLength: 1, maxLength: 200, description: 'Title of the key.' }),
  scopes: Type.Array(ScopeName, { maxItems: 100, description: 'Scopes from the catalogue.' }),
  resources: Type.Optional(
    Type.Union([Type.Array(ResourceId, { maxItems: 1000 }), Type.Null()], {
      description: 'Exposed resources the key is limited to; null or absent for all.',
    }),
  ),
  expiresAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
  metadata: Type.Optional(Metadata),
  rateLimit: Type.Optional(Type.Union([RateLimit, Type.Null()])),
  quota: Type.Optional(Type.Union([Quota, Type.Null()])),
  ipAllowlist: Type.Optional(
    Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100 }), Type.Null()], {
      description: 'IPv4/IPv6 addresses or CIDR ranges; null or absent for any address.',
    }),
  ),
};

export const CreateKeyBody = Type.Object(
  {
    ...keyFields,
    environment: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    ownerId: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
  },
  { additionalProperties: false, title: 'CreateKeyRequest' },
);

export const UpdateKeyBody = Type.Object(
  {
    name: Type.Optional(keyFields.name),
    scopes: Type.Optional(keyFields.scopes),
    resources: keyFields.resources,
    expiresAt: keyFields.expiresAt,
    metadata: keyFields.metadata,
    rateLimit: keyFields.rateLimit,
    quota: keyFields.quota,
    ipAllowlist: keyFields.ipAllowlist,
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, title: 'UpdateKeyRequest' },
);

export const RegenerateBody = Type.Object(
  {
    slot: Type.Union([Type.Literal('primary'), Type.Literal('secondary')]),
    graceSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 * 30 })),
  },
  { additionalProperties: false, title: 'RegenerateKeyRequest' },
);

export const KeyStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('disabled'),
  Type.Literal('expired'),
  Type.Literal('revoked'),
  Type.Literal('owner_disabled'),
]);

export const Key = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    orgId: Type.String(),
    ownerId: Type.Union([Type.String(), Type.Null()]),
    owner: Type.Union([
      Type.Object({ id: Type.String(), email: Type.String(), name: Type.String() }),
      Type.Null(),
    ]),
    createdBy: Actor,
    environment: Type.String(),
    scopes: Type.Array(Type.String()),
    resources: Type.Union([Type.Array(Type.String()), Type.Null()]),
    enabled: Type.Boolean(),
    status: KeyStatus,
    expiresAt: NullableTimestamp,
    metadata: Metadata,
    rateLimit: Type.Union([RateLimit, Type.Null()]),
    quota: Type.Union([Quota, Type.Null()]),
    ipAllowlist: Type.Union([Type.Array(Type.String()), Type.Null()]),
    secrets: Type.Array(
      Type.Object({
        slot: Type.Union([Type.Literal('primary'), Type.Literal('secondary')]),
        hint: Type.String({ description: 'Last four characters of the key.' }),
        createdAt: Timestamp,
        expiresAt: NullableTimestamp,
      }),
    ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    lastUsedAt: NullableTimestamp,
    revokedAt: NullableTimestamp,
  },
  { $id: 'Key', title: 'Key' },
);

export const IssuedKey = Type.Intersect(
  [
    Type.Ref('Key'),
    Type.Object({
      key: Type.String({ description: 'The full key. Shown once: store it now.' }),
    }),
  ],
  { title: 'IssuedKey' },
);

export const KeyListQuery = Type.Object(
  {
    ...PageQuery,
    ownerId: Type.Optional(Type.String({ maxLength: 100, description: 'Only keys this user owns.' })),
    environment: Type.Optional(Type.String({ maxLength: 32, description: 'Only keys of this environment.' })),
    status: Type.Optional(
      Type.Union(
        [Type.Literal('active'), Type.Literal('disabled'), Type.Literal('expired'), Type.Literal('revoked')],
        { description: 'Only keys in this state.' },
      ),
    ),
    search: Type.Optional(Type.String({ maxLength: 200, description: 'Name contains (any case).' })),
  },
  { additionalProperties: false },
);
