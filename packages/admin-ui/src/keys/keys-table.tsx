import type { Key } from '../shared/api-types.ts';
import { Link } from '../shared/router.tsx';
import { TimeText } from '../shared/time-text.tsx';
import { KeyStatusBadge } from './key-status-badge.tsx';
import { ScopeList } from './scope-list.tsx';

/** Props of {@link KeysTable}. */
export interface KeysTableProps {
  keys: Key[];
  caption: string;
  /** Hide the owner column, e.g. on a user's own page. */
  showOwner?: boolean;
  /** Offers a Revoke button on each key that is not revoked yet. */
  onRevoke?: ((key: Key) => void) | undefined;
}

/** The API keys overview: one row per key, with a link to its page. */
export function KeysTable({ keys, caption, showOwner = true, onRevoke }: KeysTableProps) {
  return (
    <div className="table-wrap">
      <table className="table table--stack">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key ID</th>
            {showOwner && <th scope="col">Owner</th>}
            <th scope="col">Environment</th>
            <th scope="col">Scopes</th>
            <th scope="col">Status</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            {onRevoke && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key.id}>
              <th scope="row" data-label="Name">
                <Link to={`/keys/${encodeURIComponent(key.id)}`} className="strong-link">
                  {key.name}
                </Link>
              </th>
              <td data-label="Key ID">
                <code className="mono">{key.id}</code>
              </td>
              {showOwner && (
                <td data-label="Owner">
                  {key.owner ? (
                    <span title={key.owner.email}>{key.owner.name || key.owner.email}</span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              )}
              <td data-label="Environment">
                <span className="env">{key.environment}</span>
              </td>
              <td data-label="Scopes">
                <ScopeList scopes={key.scopes} />
              </td>
              <td data-label="Status">
                <KeyStatusBadge status={key.status} />
              </td>
              <td data-label="Expires">
                <TimeText iso={key.expiresAt} fallback="Never" format="date" />
              </td>
              <td data-label="Last used">
                <TimeText iso={key.lastUsedAt} fallback="Never" format="relative" />
              </td>
              {onRevoke && (
                <td data-label="Actions" className="table__actions">
                  {key.status !== 'revoked' && (
                    <button
                      type="button"
                      className="button button--small button--danger-outline"
                      onClick={() => onRevoke(key)}
                      aria-label={`Revoke ${key.name}`}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
