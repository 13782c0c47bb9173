import { Type } from '@sinclair/typebox';
import { Timestamp } from './common.ts';

export const Role = Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('member')]);
export const UserKind = Type.Union([Type.Literal('person'), Type.Literal('service')]);

export const User = Type.Object(
  {
    id: Type.String(),
    orgId: Type.String(),
    email: Type.String(),
    name: Type.String(),
    kind: UserKind,
    role: Role,
    isOperator: Type.Boolean(),
    enabled: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'User', title: 'User' },
);

export const Org = Type.Object(
  { id: Type.String(), name: Type.String(), createdAt: Type.Optional(Timestamp) },
  { $id: 'Org', title: 'Org' },
);

export const CreateUserBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: Type.Optional(UserKind),
    role: Type.Optional(Role),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  },
  { additionalProperties: false, title: 'CreateUserRequest' },
);

export const UpdateUserBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    role: Type.Optional(Role),
    enabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  },
  { additionalProperties: false, title: 'UpdateUserRequest' },
);

export const Session = Type.Object(
  {
    user: Type.Ref('User'),
    org: Type.Ref('Org'),
    scopes: Type.Array(Type.String()),
    csrfToken: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'Session' },
);
