/**
 * @module Scope queries
 *
 * A verification may require scopes as a list (all of them), or as an expression
 * `{ anyOf: [...] }` / `{ allOf: [...] }` whose members are scope names or expressions.
 */

/** A required-scopes expression. */
export type ScopeQuery =
  | string
  | readonly ScopeQuery[]
  | { anyOf: readonly ScopeQuery[] }
  | { allOf: readonly ScopeQuery[] };

/** True when `granted` satisfies `query`. A list means all-of; an empty list is satisfied. */
export function satisfiesScopes(granted: ReadonlySet<string>, query: ScopeQuery): boolean {
  if (typeof query === 'string') return granted.has(query);
  if (Array.isArray(query)) return query.every((member) => satisfiesScopes(granted, member));
  if ('anyOf' in query) return query.anyOf.some((member) => satisfiesScopes(granted, member));
  return (query as { allOf: readonly ScopeQuery[] }).allOf.every((member) =>
    satisfiesScopes(granted, member),
  );
}

/** Every scope name mentioned in a query, for validating it against the catalogue. */
export function scopesIn(query: ScopeQuery): string[] {
  if (typeof query === 'string') return [query];
  if (Array.isArray(query)) return query.flatMap(scopesIn);
  if ('anyOf' in query) return query.anyOf.flatMap(scopesIn);
  return (query as { allOf: readonly ScopeQuery[] }).allOf.flatMap(scopesIn);
}
