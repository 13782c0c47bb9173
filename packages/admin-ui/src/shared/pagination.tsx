import type { CursorPages } from './use-cursor-pages.ts';

/** Props of {@link Pagination}. */
export interface PaginationProps {
  pages: CursorPages;
  nextCursor: string | null | undefined;
  /** What the list holds, for the navigation's label, e.g. "API keys". */
  label: string;
  isLoading?: boolean;
}

/** Previous / next buttons for a cursor-paginated list. */
export function Pagination({ pages, nextCursor, label, isLoading = false }: PaginationProps) {
  if (pages.page === 1 && !nextCursor) return null;
  return (
    <nav className="pagination" aria-label={`${label} pages`}>
      <button
        type="button"
        className="button"
        onClick={pages.previous}
        disabled={pages.page === 1 || isLoading}
      >
        ← Previous
      </button>
      <span aria-live="polite">Page {pages.page}</span>
      <button
        type="button"
        className="button"
        onClick={() => nextCursor && pages.next(nextCursor)}
        disabled={!nextCursor || isLoading}
      >
        Next →
      </button>
    </nav>
  );
}
