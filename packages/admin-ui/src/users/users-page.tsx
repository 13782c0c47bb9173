import { useState } from 'react';
import { useSession } from '../auth/index.ts';
import { api } from '../shared/api-client.ts';
import type { User } from '../shared/api-types.ts';
import { Badge } from '../shared/badge.tsx';
import { ErrorBanner } from '../shared/error-banner.tsx';
import { Field } from '../shared/field.tsx';
import { PageHeader } from '../shared/page-header.tsx';
import { Pagination } from '../shared/pagination.tsx';
import { Link, navigate } from '../shared/router.tsx';
import { TimeText } from '../shared/time-text.tsx';
import { useAsync } from '../shared/use-async.ts';
import { useCursorPages } from '../shared/use-cursor-pages.ts';
import { useDebounced } from '../shared/use-debounced.ts';
import { useToast } from '../shared/use-toast.ts';
import { CreateUserDialog } from './create-user-dialog.tsx';
import { kindLabel, roleLabel } from './user-labels.ts';

/** Administration › People › Users: people and service users of the organization. */
export function UsersPage() {
  const session = useSession();
  const toast = useToast();
  const [kind, setKind] = useState('');
  const [search, setSearch] = useState('');
  const debouncedSearch = useDebounced(search.trim());
  const filterKey = JSON.stringify({ kind, debouncedSearch });
  const pages = useCursorPages(filterKey);
  const list = useAsync(`users:${filterKey}:${pages.cursor}`, (signal) =>
    api.users.list({ kind, search: debouncedSearch, limit: 25, cursor: pages.cursor }, signal),
  );
  const [creating, setCreating] = useState<User['kind'] | null>(null);
  const canWrite = session.can('users:write');
  const items = list.data?.items ?? [];

  return (
    <>
      <PageHeader
        title="Users"
        crumbs={[{ label: 'Administration' }, { label: 'People' }, { label: 'Users' }]}
        actions={
          canWrite && (
            <>
              <button type="button" className="button" onClick={() => setCreating('service')}>
                + Create service user
              </button>
              <button type="button" className="button button--primary" onClick={() => setCreating('person')}>
                + Invite user
              </button>
            </>
          )
        }
      >
        <p className="page-header__lead">
          People sign in to this console; service users stand for one integration each and own its keys.
        </p>
      </PageHeader>

      <search className="filters" aria-label="Filter users">
        <Field label="Search by name or email" className="field--grow">
          {(p) => <input {...p} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />}
        </Field>
        <Field label="Kind">
          {(p) => (
            <select {...p} value={kind} onChange={(e) => setKind(e.target.value)}>
              <option value="">All</option>
              <option value="person">People</option>
              <option value="service">Service users</option>
            </select>
          )}
        </Field>
      </search>

      <ErrorBanner error={list.error} title="Could not load the users." onRetry={list.reload} />

      <section aria-label="Users" aria-busy={list.isLoading}>
        {list.isLoading && !list.data && <p className="muted">Loading users…</p>}
        {list.data && items.length === 0 && <div className="empty">No user matches these filters.</div>}
        {items.length > 0 && (
          <div className="table-wrap">
            <table className="table table--stack">
              <caption className="visually-hidden">Users</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Added</th>
                </tr>
              </thead>
              <tbody>
                {items.map((user) => (
                  <tr key={user.id}>
                    <th scope="row" data-label="Name">
                      <Link to={`/users/${encodeURIComponent(user.id)}`} className="strong-link">
                        {user.name || user.email}
                      </Link>
                      {user.id === session.user.id && <span className="muted"> (you)</span>}
                    </th>
                    <td data-label="Email">{user.email}</td>
                    <td data-label="Kind">{kindLabel(user.kind)}</td>
                    <td data-label="Role">
                      {roleLabel(user.role)}
                      {user.isOperator && <span className="muted"> · operator</span>}
                    </td>
                    <td data-label="Status">
                      {user.enabled ? <Badge tone="good">Active</Badge> : <Badge tone="warn">Disabled</Badge>}
                    </td>
                    <td data-label="Added">
                      <TimeText iso={user.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pagination
          pages={pages}
          nextCursor={list.data?.nextCursor}
          label="Users"
          isLoading={list.isLoading}
        />
      </section>

      {creating && (
        <CreateUserDialog
          kind={creating}
          onClose={() => setCreating(null)}
          onCreated={(user) => {
            setCreating(null);
            toast.show(`${kindLabel(user.kind)} “${user.name || user.email}” created.`);
            navigate(`/users/${encodeURIComponent(user.id)}`);
          }}
        />
      )}
    </>
  );
}
