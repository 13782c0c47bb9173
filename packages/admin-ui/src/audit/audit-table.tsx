import type { AuditEvent } from '../shared/api-types.ts';
import { formatDateTime } from '../shared/format.ts';
import { Link } from '../shared/router.tsx';
import { TimeText } from '../shared/time-text.tsx';

/** Top-level fields whose value differs between `before` and `after`. */
export function changedFields(
  before: unknown,
  after: unknown,
): { field: string; from: unknown; to: unknown }[] {
  const a = (before && typeof before === 'object' ? before : {}) as Record<string, unknown>;
  const b = (after && typeof after === 'object' ? after : {}) as Record<string, unknown>;
  if (!before || !after) return [];
  const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((f) => f !== 'updatedAt');
  return fields
    .filter((field) => JSON.stringify(a[field]) !== JSON.stringify(b[field]))
    .map((field) => ({ field, from: a[field], to: b[field] }));
}

/** A changed value in a few characters; epoch-millisecond timestamps (`…At`) as dates. */
function short(field: string, value: unknown): string {
  if (field.endsWith('At') && typeof value === 'number') return formatDateTime(new Date(value).toISOString());
  const text = value === undefined ? '—' : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function targetLink(event: AuditEvent) {
  if (!event.targetId) return <span className="muted">—</span>;
  const path =
    event.targetType === 'key'
      ? `/keys/${encodeURIComponent(event.targetId)}`
      : event.targetType === 'user'
        ? `/users/${encodeURIComponent(event.targetId)}`
        : null;
  const label = (
    <>
      {event.targetType && <span className="muted">{event.targetType} </span>}
      <code className="mono">{event.targetId}</code>
    </>
  );
  return path ? <Link to={path}>{label}</Link> : label;
}

/** Props of {@link AuditTable}. */
export interface AuditTableProps {
  events: AuditEvent[];
  caption: string;
  /** Hide the target column, e.g. on a key's own trail. */
  showTarget?: boolean;
  /** Makes actors clickable, to filter by them. */
  onActor?: ((actorId: string) => void) | undefined;
}

/** Audit events, newest first: when, who, what, on which target, and what changed. */
export function AuditTable({ events, caption, showTarget = true, onActor }: AuditTableProps) {
  return (
    <div className="table-wrap">
      <table className="table table--stack">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            {showTarget && <th scope="col">Target</th>}
            <th scope="col">Change</th>
            <th scope="col">From</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => {
            const changes = changedFields(event.before, event.after);
            return (
              <tr key={event.id}>
                <td data-label="Time">
                  <TimeText iso={event.at} />
                </td>
                <td data-label="Actor">
                  {onActor && event.actor.id !== null ? (
                    <button
                      type="button"
                      className="button button--link"
                      onClick={() => onActor(event.actor.id ?? '')}
                      title={`Show only events by ${event.actor.name}`}
                    >
                      {event.actor.name || event.actor.id}
                    </button>
                  ) : (
                    <span>{event.actor.name || event.actor.id}</span>
                  )}{' '}
                  <span className="muted">({event.actor.type})</span>
                </td>
                <td data-label="Action">
                  <code className="action">{event.action}</code>
                </td>
                {showTarget && <td data-label="Target">{targetLink(event)}</td>}
                <td data-label="Change">
                  {changes.length > 0 ? (
                    <ul className="changes">
                      {changes.slice(0, 4).map((c) => (
                        <li key={c.field}>
                          <span className="changes__field">{c.field}</span>: {short(c.field, c.from)} →{' '}
                          {short(c.field, c.to)}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <span className="muted">
                      {event.before == null && event.after != null ? 'created' : '—'}
                    </span>
                  )}
                  {(event.before != null || event.after != null) && (
                    <details className="json-details">
                      <summary>Full record</summary>
                      <pre className="json">
                        {JSON.stringify({ before: event.before, after: event.after }, null, 2)}
                      </pre>
                    </details>
                  )}
                </td>
                <td data-label="From">
                  <span className="mono">{event.ip ?? '—'}</span>
                  {event.requestId && <span className="muted block">{event.requestId}</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
