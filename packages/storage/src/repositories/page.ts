/**
 * Keyset pagination over `(created_at, id)`, newest first. A cursor is the last row's pair,
 * base64url-encoded; it is opaque to callers and validated when read.
 */
export interface PageCursor {
  createdAt: number;
  id: string;
}

/** A page of items and the cursor of the next page, if any. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

/** Decodes a cursor; returns undefined for anything that is not one of ours. */
export function decodeCursor(text: string): PageCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isSafeInteger(value[0]) &&
      typeof value[1] === 'string'
    ) {
      return { createdAt: value[0] as number, id: value[1] as string };
    }
  } catch {
    // fall through: not a cursor
  }
  return undefined;
}

/** Builds a page from `limit + 1` fetched rows. */
export function toPage<TRow extends { created_at: number; id: string }, T>(
  rows: TRow[],
  limit: number,
  map: (row: TRow) => T,
): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(map),
    nextCursor: hasMore && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
  };
}
