import { api } from '../shared/api-client.ts';
import { ErrorBanner } from '../shared/error-banner.tsx';
import { Pagination } from '../shared/pagination.tsx';
import { useAsync } from '../shared/use-async.ts';
import { useCursorPages } from '../shared/use-cursor-pages.ts';
import { AuditTable } from './audit-table.tsx';

/** The audit trail of one target (a key or a user), newest first. */
export function AuditTrail({
  target,
  title = 'Audit trail',
  version = 0,
}: {
  target: string;
  title?: string;
  version?: string | number;
}) {
  const pages = useCursorPages(target);
  const events = useAsync(`audit:${target}:${pages.cursor}:${version}`, (signal) =>
    api.audit.list({ target, limit: 20, cursor: pages.cursor }, signal),
  );
  return (
    <section className="panel" aria-labelledby="trail-title">
      <div className="panel__header">
        <h2 id="trail-title" className="panel__title">
          {title}
        </h2>
      </div>
      <ErrorBanner error={events.error} title="Could not load the audit trail." onRetry={events.reload} />
      {events.isLoading && !events.data && <p className="muted">Loading…</p>}
      {events.data?.items.length === 0 && <p className="muted">Nothing recorded yet.</p>}
      {events.data && events.data.items.length > 0 && (
        <AuditTable events={events.data.items} caption={title} showTarget={false} />
      )}
      <Pagination
        pages={pages}
        nextCursor={events.data?.nextCursor}
        label={title}
        isLoading={events.isLoading}
      />
    </section>
  );
}
