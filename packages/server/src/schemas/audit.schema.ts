import { Type } from '@sinclair/typebox';
import { Actor, PageQuery, Timestamp } from './common.ts';

export const AuditEvent = Type.Object(
  {
    id: Type.String(),
    orgId: Type.Union([Type.String(), Type.Null()]),
    at: Timestamp,
    actor: Actor,
    action: Type.String({ description: 'e.g. key.create, key.revoke, user.disable, auth.login_failed' }),
    targetType: Type.String(),
    targetId: Type.Union([Type.String(), Type.Null()]),
    before: Type.Unknown(),
    after: Type.Unknown(),
    ip: Type.Union([Type.String(), Type.Null()]),
    userAgent: Type.Union([Type.String(), Type.Null()]),
    requestId: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'AuditEvent', title: 'AuditEvent' },
);

const Period = {
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Inclusive.' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Exclusive.' })),
};

export const AuditQuery = Type.Object(
  {
    ...PageQuery,
    ...Period,
    actor: Type.Optional(Type.String({ maxLength: 100, description: 'Actor id (usr_…, key_…).' })),
    action: Type.Optional(Type.String({ maxLength: 100, description: 'Action, e.g. `key.revoke`.' })),
    target: Type.Optional(Type.String({ maxLength: 200, description: 'Target id.' })),
  },
  { additionalProperties: false },
);

export const ExportQuery = Type.Object(Period, { additionalProperties: false });

export const UsageQuery = Type.Object(
  {
    ...Period,
    granularity: Type.Optional(
      Type.Union([Type.Literal('hour'), Type.Literal('day')], {
        default: 'hour',
        description: 'Bucket size.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const Usage = Type.Object(
  {
    granularity: Type.Union([Type.Literal('hour'), Type.Literal('day')]),
    buckets: Type.Array(
      Type.Object({ start: Timestamp, counts: Type.Record(Type.String(), Type.Integer()) }),
    ),
  },
  { title: 'Usage' },
);
