import { useState } from 'react';

/** Where a cursor-paginated list is, and how to move. */
export interface CursorPages {
  /** Cursor of the current page (null for the first). */
  cursor: string | null;
  /** 1-based number of the current page. */
  page: number;
  next: (nextCursor: string) => void;
  previous: () => void;
}

/**
 * Keeps the cursors of the pages seen so far, so "Previous" works on a forward-only cursor
 * API. Starts again at page 1 whenever `filterKey` (the list's filters) changes.
 */
export function useCursorPages(filterKey: string): CursorPages {
  const [state, setState] = useState<{ filterKey: string; stack: (string | null)[] }>({
    filterKey,
    stack: [null],
  });
  const stack = state.filterKey === filterKey ? state.stack : [null];
  if (state.filterKey !== filterKey) setState({ filterKey, stack });
  return {
    cursor: stack[stack.length - 1] ?? null,
    page: stack.length,
    next: (nextCursor) => setState({ filterKey, stack: [...stack, nextCursor] }),
    previous: () => setState({ filterKey, stack: stack.length > 1 ? stack.slice(0, -1) : stack }),
  };
}
