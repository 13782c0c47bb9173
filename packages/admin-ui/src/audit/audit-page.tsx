import { useState } from 'react';
import { type ApiError, api, toApiError } from '../shared/api-client.ts';
import { ErrorBanner } from '../shared/error-banner.tsx';
import { Field } from '../shared/field.tsx';
import { dayBoundary, toDateInputValue } from '../shared/format.ts';
import { PageHeader } from '../shared/page-header.tsx';
import { Pagination } from '../shared/pagination.tsx';
import { useAsync } from '../shared/use-async.ts';
import { useCursorPages } from '../shared/use-cursor-pages.ts';
import { useDebounced } from '../shared/use-debounced.ts';
import { useToast } from '../shared/use-toast.ts';
import { AuditTable } from './audit-table.tsx';

/** Actions Keyward records, offered as suggestions (the field accepts any text). */
const KNOWN_ACTIONS = [
  'key.create',
  'key.update',
  'key.enable',
  'key.disable',
  'key.regenerate',
  'key.revoke',
  'user.create',
  'user.update',
  'user.delete',
  'resource.create',
  'resource.update',
  'org.create',
  'auth.login',
  'auth.logout',
];

function daysAgo(days: number): string {
  const date = new Date();
  date.setDate(date.getDate() - days);
  return toDateInputValue(date);
}

/** Saves `blob` as a file through a temporary object URL. */
function saveFile(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // Revoke later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Administration › Compliance › Audit log: every change, filterable, exportable as NDJSON. */
export function AuditPage() {
  const toast = useToast();
  const [fromDay, setFromDay] = useState(() => daysAgo(30));
  const [toDay, setToDay] = useState(() => toDateInputValue(new Date()));
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [target, setTarget] = useState('');
  const [exportError, setExportError] = useState<ApiError | undefined>();
  const [isExporting, setIsExporting] = useState(false);

  // Debounce a string: an object literal would be a new value on every render.
  const text = JSON.parse(
    useDebounced(JSON.stringify({ actor: actor.trim(), action: action.trim(), target: target.trim() })),
  ) as { actor: string; action: string; target: string };
  const period = { from: dayBoundary(fromDay, 'start'), to: dayBoundary(toDay, 'end') };
  const isPeriodValid = !period.from || !period.to || period.from <= period.to;
  const filters = { ...period, ...text };
  const filterKey = JSON.stringify(filters);
  const pages = useCursorPages(filterKey);
  const events = useAsync(isPeriodValid ? `audit:${filterKey}:${pages.cursor}` : null, (signal) =>
    api.audit.list({ ...filters, limit: 50, cursor: pages.cursor }, signal),
  );

  const exportPeriod = async () => {
    setIsExporting(true);
    setExportError(undefined);
    try {
      const blob = await api.audit.export(period);
      saveFile(blob, `keyward-audit_${fromDay || 'start'}_${toDay || 'now'}.ndjson`);
      toast.show('Audit log exported.');
    } catch (error) {
      setExportError(toApiError(error));
    } finally {
      setIsExporting(false);
    }
  };

  const items = events.data?.items ?? [];
  return (
    <>
      <PageHeader
        title="Audit log"
        crumbs={[{ label: 'Administration' }, { label: 'Compliance' }, { label: 'Audit log' }]}
        actions={
          <button
            type="button"
            className="button button--primary"
            onClick={() => void exportPeriod()}
            disabled={isExporting || !isPeriodValid}
          >
            {isExporting ? 'Exporting…' : 'Export period (NDJSON)'}
          </button>
        }
      >
        <p className="page-header__lead">
          Who changed what, and when. The export holds every event of the chosen period, one JSON object per
          line.
        </p>
      </PageHeader>

      <search className="filters" aria-label="Filter the audit log">
        <Field label="From">
          {(p) => (
            <input
              {...p}
              type="date"
              value={fromDay}
              max={toDay || undefined}
              onChange={(e) => setFromDay(e.target.value)}
            />
          )}
        </Field>
        <Field label="To">
          {(p) => (
            <input
              {...p}
              type="date"
              value={toDay}
              min={fromDay || undefined}
              onChange={(e) => setToDay(e.target.value)}
            />
          )}
        </Field>
        <Field label="Actor ID">
          {(p) => (
            <input
              {...p}
              value={actor}
              onChange={(e) => setActor(e.target.value)}
              placeholder="usr_… or key_…"
              spellCheck={false}
            />
          )}
        </Field>
        <Field label="Action">
          {(p) => (
            <>
              <input
                {...p}
                value={action}
                onChange={(e) => setAction(e.target.value)}
                list="audit-actions"
                placeholder="e.g. key.revoke"
                spellCheck={false}
              />
              <datalist id="audit-actions">
                {KNOWN_ACTIONS.map((a) => (
                  <option key={a} value={a} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field label="Target ID">
          {(p) => (
            <input
              {...p}
              value={target}
              onChange={(e) => setTarget(e.target.value)}
              placeholder="key_…"
              spellCheck={false}
            />
          )}
        </Field>
      </search>
      {!isPeriodValid && (
        <p className="field__error" role="alert">
          “From” must be on or before “To”.
        </p>
      )}

      <ErrorBanner error={exportError} title="The export failed." />
      <ErrorBanner error={events.error} title="Could not load the audit log." onRetry={events.reload} />

      <section aria-label="Audit events" aria-busy={events.isLoading}>
        {events.isLoading && !events.data && <p className="muted">Loading events…</p>}
        {events.data && items.length === 0 && <div className="empty">No events match these filters.</div>}
        {items.length > 0 && <AuditTable events={items} caption="Audit events" onActor={setActor} />}
        <Pagination
          pages={pages}
          nextCursor={events.data?.nextCursor}
          label="Audit events"
          isLoading={events.isLoading}
        />
      </section>
    </>
  );
}
