import { type RawBuilder, sql } from 'kysely';

/**
 * `lower(column) LIKE '%text%'`, with `%`, `_` and `\` in `text` taken literally (escaped, with
 * an explicit `ESCAPE`, which both dialects read alike), so a search for `50%` finds "50%" and
 * not every name with "50" in it.
 */
export function contains(column: string, text: string): RawBuilder<boolean> {
  const escaped = text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql<boolean>`lower(${sql.ref(column)}) like ${`%${escaped}%`} escape '\\'`;
}
