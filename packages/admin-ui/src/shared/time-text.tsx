import { formatDate, formatDateTime, formatRelative } from './format.ts';

const FORMATS = { datetime: formatDateTime, date: formatDate, relative: formatRelative } as const;

/** Props of {@link TimeText}. */
export interface TimeTextProps {
  iso: string | null | undefined;
  /** Shown (muted) when there is no time, e.g. "Never". */
  fallback?: string;
  /** `datetime` (default), `date` only, or `relative` ("3 minutes ago"). */
  format?: keyof typeof FORMATS;
}

/** A point in time in a `<time>` element, with the exact date and time as its tooltip. */
export function TimeText({ iso, fallback = '—', format = 'datetime' }: TimeTextProps) {
  if (!iso) return <span className="muted">{fallback}</span>;
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {FORMATS[format](iso)}
    </time>
  );
}
