/**
 * @module Shared schemas
 *
 * TypeBox schemas used both to validate requests and to generate `/openapi.json`, so the
 * document cannot drift from what the server accepts.
 */
import { type TSchema, Type } from '@sinclair/typebox';

/** The one error body. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable UPPER_SNAKE code; see docs/errors.md.' }),
      message: Type.String(),
      requestId: Type.String(),
      docs: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: 'Error', title: 'Error' },
);

/**
 * Responses every authenticated route may give; 503 is `STORE_UNAVAILABLE` or
 * `LIMITER_UNAVAILABLE` during an outage, with `Retry-After`.
 */
export const errorResponses = {
  400: Type.Ref('Error'),
  401: Type.Ref('Error'),
  403: Type.Ref('Error'),
  404: Type.Ref('Error'),
  409: Type.Ref('Error'),
  413: Type.Ref('Error'),
  414: Type.Ref('Error'),
  415: Type.Ref('Error'),
  429: Type.Ref('Error'),
  431: Type.Ref('Error'),
  500: Type.Ref('Error'),
  503: Type.Ref('Error', {
    description:
      'The database or the rate limiter is unavailable (STORE_UNAVAILABLE, LIMITER_UNAVAILABLE); see Retry-After.',
  }),
} as const;

export const Timestamp = Type.String({ format: 'date-time' });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

export const Actor = Type.Object({
  type: Type.Union([Type.Literal('user'), Type.Literal('key'), Type.Literal('system')]),
  id: Type.Union([Type.String(), Type.Null()]),
  name: Type.Union([Type.String(), Type.Null()]),
});

/** Query parameters of a cursor-paginated list. */
export const PageQuery = {
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Items per page.' }),
  ),
  cursor: Type.Optional(
    Type.String({ maxLength: 200, description: 'The `nextCursor` of the previous page.' }),
  ),
};

/** A page of `item`. */
export function PageOf<T extends TSchema>(item: T, title: string) {
  return Type.Object(
    { items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) },
    { title },
  );
}

/** Path parameter `{id}`. */
export const IdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, description: 'The id (`key_…`, `usr_…`).' }),
});

/** ISO date-time → epoch ms, or null/undefined passthrough. */
export function toEpoch<T extends string | null | undefined>(
  value: T,
): T extends string ? number : Exclude<T, string> {
  return (typeof value === 'string' ? Date.parse(value) : value) as T extends string
    ? number
    : Exclude<T, string>;
}

/** Epoch ms → ISO date-time, null passthrough. */
export function toIso(value: number): string;
export function toIso(value: number | null): string | null;
export function toIso(value: number | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

/** The credentials an admin route accepts, for the OpenAPI document. */
export const adminSecurity: Record<string, string[]>[] = [
  { apiKey: [] },
  { xApiKey: [] },
  { bearer: [] },
  { basic: [] },
  { session: [] },
];
