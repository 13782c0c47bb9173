import { useState } from 'react';
import { useSession } from '../auth/index.ts';
import { api } from '../shared/api-client.ts';
import type { Key, KeyWithSecret } from '../shared/api-types.ts';
import { ErrorBanner } from '../shared/error-banner.tsx';
import { Field } from '../shared/field.tsx';
import { PageHeader } from '../shared/page-header.tsx';
import { Pagination } from '../shared/pagination.tsx';
import { useAsync } from '../shared/use-async.ts';
import { useCursorPages } from '../shared/use-cursor-pages.ts';
import { useDebounced } from '../shared/use-debounced.ts';
import { useToast } from '../shared/use-toast.ts';
import { CreateKeyDialog } from './create-key-dialog.tsx';
import { KeyRevealDialog } from './key-reveal-dialog.tsx';
import { KEY_STATUSES } from './key-status-badge.tsx';
import { KeysTable } from './keys-table.tsx';
import { RevokeKeyDialog } from './revoke-key-dialog.tsx';
import { useCatalog } from './use-catalog.ts';
import { useOwners } from './use-owners.ts';

const PAGE_SIZE = 20;

/** Administration › Security › API Keys: the list, its filters and "Create API Key". */
export function KeysPage() {
  const session = useSession();
  const toast = useToast();
  const catalog = useCatalog();
  const owners = useOwners(session.can('users:read'));
  const canWrite = session.can('keys:write');

  const [search, setSearch] = useState('');
  const [environment, setEnvironment] = useState('');
  const [status, setStatus] = useState('');
  const [ownerId, setOwnerId] = useState('');
  const debouncedSearch = useDebounced(search.trim());
  const filters = { search: debouncedSearch, environment, status, ownerId };
  const filterKey = JSON.stringify(filters);
  const pages = useCursorPages(filterKey);
  const list = useAsync(`keys:${filterKey}:${pages.cursor}`, (signal) =>
    api.keys.list({ ...filters, limit: PAGE_SIZE, cursor: pages.cursor }, signal),
  );

  const [dialog, setDialog] = useState<
    { kind: 'create' } | { kind: 'reveal'; key: KeyWithSecret } | { kind: 'revoke'; key: Key } | null
  >(null);

  const isFiltered = Boolean(debouncedSearch || environment || status || ownerId);
  const items = list.data?.items ?? [];

  return (
    <>
      <PageHeader
        title="API Keys"
        crumbs={[{ label: 'Administration' }, { label: 'Security' }, { label: 'API Keys' }]}
        actions={
          canWrite && (
            <button
              type="button"
              className="button button--primary"
              onClick={() => setDialog({ kind: 'create' })}
              disabled={!catalog.data}
            >
              + Create API Key
            </button>
          )
        }
      >
        <p className="page-header__lead">
          Keys let integrations call your platform's APIs. Each key is shown once, when it is created.
        </p>
      </PageHeader>

      <ErrorBanner
        error={catalog.error}
        title="Could not load environments and scopes."
        onRetry={catalog.reload}
      />

      <search className="filters" aria-label="Filter API keys">
        <Field label="Search by name" className="field--grow">
          {(p) => (
            <input
              {...p}
              type="search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              placeholder="e.g. billing"
            />
          )}
        </Field>
        <Field label="Environment">
          {(p) => (
            <select {...p} value={environment} onChange={(e) => setEnvironment(e.target.value)}>
              <option value="">All</option>
              {catalog.data?.environments.map((env) => (
                <option key={env.slug} value={env.slug}>
                  {env.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Status">
          {(p) => (
            <select {...p} value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">All</option>
              {KEY_STATUSES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {owners && (
          <Field label="Owner">
            {(p) => (
              <select {...p} value={ownerId} onChange={(e) => setOwnerId(e.target.value)}>
                <option value="">Anyone</option>
                {owners.map((user) => (
                  <option key={user.id} value={user.id}>
                    {user.name || user.email}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {isFiltered && (
          <button
            type="button"
            className="button button--link"
            onClick={() => {
              setSearch('');
              setEnvironment('');
              setStatus('');
              setOwnerId('');
            }}
          >
            Clear filters
          </button>
        )}
      </search>

      <ErrorBanner error={list.error} title="Could not load the keys." onRetry={list.reload} />

      <section aria-label="API keys" aria-busy={list.isLoading}>
        {list.isLoading && !list.data && <p className="muted">Loading keys…</p>}
        {list.data && items.length === 0 && (
          <div className="empty">
            {isFiltered ? (
              <p>No key matches these filters.</p>
            ) : (
              <>
                <p>
                  <strong>No API keys yet.</strong>
                </p>
                <p>Create one for each integration, so you can revoke it on its own later.</p>
              </>
            )}
          </div>
        )}
        {items.length > 0 && (
          <KeysTable
            keys={items}
            caption="API keys"
            onRevoke={canWrite ? (key) => setDialog({ kind: 'revoke', key }) : undefined}
          />
        )}
        <Pagination
          pages={pages}
          nextCursor={list.data?.nextCursor}
          label="API keys"
          isLoading={list.isLoading}
        />
      </section>

      {dialog?.kind === 'create' && catalog.data && (
        <CreateKeyDialog
          catalog={catalog.data}
          owners={owners}
          onClose={() => setDialog(null)}
          onCreated={(key) => {
            setDialog({ kind: 'reveal', key });
            list.reload();
          }}
        />
      )}
      {dialog?.kind === 'reveal' && (
        <KeyRevealDialog created={dialog.key} reason="created" onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'revoke' && (
        <RevokeKeyDialog
          apiKey={dialog.key}
          onClose={() => setDialog(null)}
          onRevoked={(key) => {
            setDialog(null);
            toast.show(`Key “${key.name}” revoked.`);
            list.reload();
          }}
        />
      )}
    </>
  );
}
