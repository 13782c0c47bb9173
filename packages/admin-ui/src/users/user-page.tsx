import { type FormEvent, useState } from 'react';
import { AuditTrail } from '../audit/index.ts';
import { useSession } from '../auth/index.ts';
import { CreateKeyDialog, KeyRevealDialog, KeysTable, RevokeKeyDialog, useCatalog } from '../keys/index.ts';
import { type ApiError, api, toApiError } from '../shared/api-client.ts';
import type { Key, KeyWithSecret, Role, User } from '../shared/api-types.ts';
import { Badge } from '../shared/badge.tsx';
import { Dialog } from '../shared/dialog.tsx';
import { ErrorBanner } from '../shared/error-banner.tsx';
import { Field } from '../shared/field.tsx';
import { PageHeader } from '../shared/page-header.tsx';
import { Pagination } from '../shared/pagination.tsx';
import { navigate } from '../shared/router.tsx';
import { Switch } from '../shared/switch.tsx';
import { TimeText } from '../shared/time-text.tsx';
import { useAsync } from '../shared/use-async.ts';
import { useCursorPages } from '../shared/use-cursor-pages.ts';
import { useToast } from '../shared/use-toast.ts';
import { kindLabel, ROLES, roleLabel } from './user-labels.ts';

const CRUMBS = [{ label: 'Administration' }, { label: 'People' }, { label: 'Users', to: '/users' }];

/** One user: details, role, enable/disable, password, their own keys and audit trail. */
export function UserPage({ id }: { id: string }) {
  const session = useSession();
  const toast = useToast();
  const loaded = useAsync(`user:${id}`, (signal) => api.users.get(id, signal));
  const [actionError, setActionError] = useState<ApiError | undefined>();
  const [isBusy, setIsBusy] = useState(false);
  const [isRemoving, setIsRemoving] = useState(false);
  const user = loaded.data;

  if (!user) {
    return (
      <>
        <PageHeader
          title={loaded.isLoading ? 'Loading user…' : 'User not available'}
          crumbs={[...CRUMBS, { label: id }]}
        />
        <ErrorBanner
          error={loaded.error}
          title={
            loaded.error?.status === 404
              ? 'There is no such user in your organization.'
              : 'Could not load the user.'
          }
          onRetry={loaded.error?.status === 404 ? undefined : loaded.reload}
        />
      </>
    );
  }

  const canWrite = session.can('users:write');
  const isSelf = user.id === session.user.id;
  const change = async (input: Parameters<typeof api.users.update>[1], done: string) => {
    setIsBusy(true);
    setActionError(undefined);
    try {
      loaded.setData(await api.users.update(user.id, input));
      toast.show(done);
      return true;
    } catch (error) {
      setActionError(toApiError(error));
      return false;
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <>
      <PageHeader
        title={
          <>
            {user.name || user.email}{' '}
            {user.enabled ? <Badge tone="good">Active</Badge> : <Badge tone="warn">Disabled</Badge>}
          </>
        }
        documentTitle={user.name || user.email}
        crumbs={[...CRUMBS, { label: user.name || user.email }]}
        actions={
          canWrite &&
          !isSelf && (
            <>
              <Switch
                isOn={user.enabled}
                label="Enabled"
                isDisabled={isBusy}
                onChange={(enabled) =>
                  void change(
                    { enabled },
                    enabled
                      ? `${user.name} can sign in again.`
                      : `${user.name} is disabled; their keys stop working.`,
                  )
                }
              />
              <button
                type="button"
                className="button button--danger-outline"
                onClick={() => setIsRemoving(true)}
              >
                Remove…
              </button>
            </>
          )
        }
      >
        <p className="page-header__lead">
          {kindLabel(user.kind)} · {user.email}
        </p>
      </PageHeader>

      <ErrorBanner error={actionError} title="The change was not saved." />

      <div className="grid">
        <section className="panel" aria-labelledby="user-details-title">
          <div className="panel__header">
            <h2 id="user-details-title" className="panel__title">
              Details
            </h2>
          </div>
          <dl className="details">
            <div className="details__row">
              <dt>Email</dt>
              <dd>{user.email}</dd>
            </div>
            <div className="details__row">
              <dt>Kind</dt>
              <dd>{kindLabel(user.kind)}</dd>
            </div>
            <div className="details__row">
              <dt>Role</dt>
              <dd>
                {roleLabel(user.role)}
                {user.isOperator && ' · operator'}
              </dd>
            </div>
            <div className="details__row">
              <dt>User ID</dt>
              <dd>
                <code className="mono">{user.id}</code>
              </dd>
            </div>
            <div className="details__row">
              <dt>Added</dt>
              <dd>
                <TimeText iso={user.createdAt} />
              </dd>
            </div>
          </dl>
          {canWrite && (
            <RoleForm
              key={user.role}
              user={user}
              isBusy={isBusy}
              onSave={(role) =>
                change({ role }, `${user.name || user.email} is now ${roleLabel(role).toLowerCase()}.`)
              }
            />
          )}
        </section>
        {canWrite && (
          <section className="panel" aria-labelledby="password-title">
            <div className="panel__header">
              <h2 id="password-title" className="panel__title">
                Password
              </h2>
            </div>
            <PasswordForm isBusy={isBusy} onSave={(password) => change({ password }, 'Password changed.')} />
          </section>
        )}
      </div>

      <OwnedKeys user={user} />
      <AuditTrail target={user.id} version={user.updatedAt} />

      {isRemoving && (
        <RemoveUserDialog
          user={user}
          onClose={() => setIsRemoving(false)}
          onRemoved={() => {
            toast.show(`${user.name || user.email} removed.`);
            navigate('/users');
          }}
        />
      )}
    </>
  );
}

function RoleForm({
  user,
  isBusy,
  onSave,
}: {
  user: User;
  isBusy: boolean;
  onSave: (role: Role) => Promise<boolean>;
}) {
  const [role, setRole] = useState<Role>(user.role);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void onSave(role);
  };
  return (
    <form className="form form--inline" onSubmit={submit} aria-label="Change role">
      <Field label="Change role" hint={ROLES.find((r) => r.value === role)?.description}>
        {(p) => (
          <select {...p} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit" className="button" disabled={isBusy || role === user.role}>
        Save role
      </button>
    </form>
  );
}

function PasswordForm({
  isBusy,
  onSave,
}: {
  isBusy: boolean;
  onSave: (password: string) => Promise<boolean>;
}) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password.length < 10) {
      setError('Use at least 10 characters.');
      return;
    }
    setError(undefined);
    if (await onSave(password)) setPassword('');
  };
  return (
    <form className="form form--inline" onSubmit={submit} noValidate aria-label="Set a new password">
      <Field label="New password" error={error} hint="At least 10 characters, not a common password.">
        {(p) => (
          <input
            {...p}
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        )}
      </Field>
      <button type="submit" className="button" disabled={isBusy}>
        Set password
      </button>
    </form>
  );
}

function OwnedKeys({ user }: { user: User }) {
  const session = useSession();
  const toast = useToast();
  const catalog = useCatalog();
  const pages = useCursorPages(user.id);
  const keys = useAsync(`user-keys:${user.id}:${pages.cursor}`, (signal) =>
    api.keys.list({ ownerId: user.id, limit: 20, cursor: pages.cursor }, signal),
  );
  const [dialog, setDialog] = useState<'create' | { reveal: KeyWithSecret } | { revoke: Key } | null>(null);
  const canWrite = session.can('keys:write');
  const who = user.name || user.email;

  return (
    <section className="panel" aria-labelledby="owned-keys-title">
      <div className="panel__header">
        <h2 id="owned-keys-title" className="panel__title">
          API keys of {who}
        </h2>
        {canWrite && user.enabled && (
          <button
            type="button"
            className="button button--primary button--small"
            onClick={() => setDialog('create')}
            disabled={!catalog.data}
          >
            + Create API Key for {who}
          </button>
        )}
      </div>
      <ErrorBanner
        error={catalog.error}
        title="Could not load environments and scopes."
        onRetry={catalog.reload}
      />
      <ErrorBanner error={keys.error} title="Could not load the keys." onRetry={keys.reload} />
      {keys.data?.items.length === 0 && <p className="muted">{who} owns no keys.</p>}
      {keys.data && keys.data.items.length > 0 && (
        <KeysTable
          keys={keys.data.items}
          caption={`API keys of ${who}`}
          showOwner={false}
          onRevoke={canWrite ? (key) => setDialog({ revoke: key }) : undefined}
        />
      )}
      <Pagination
        pages={pages}
        nextCursor={keys.data?.nextCursor}
        label={`Keys of ${who}`}
        isLoading={keys.isLoading}
      />

      {dialog === 'create' && catalog.data && (
        <CreateKeyDialog
          catalog={catalog.data}
          fixedOwner={user}
          onClose={() => setDialog(null)}
          onCreated={(key) => {
            setDialog({ reveal: key });
            keys.reload();
          }}
        />
      )}
      {dialog !== null && typeof dialog === 'object' && 'reveal' in dialog && (
        <KeyRevealDialog created={dialog.reveal} reason="created" onClose={() => setDialog(null)} />
      )}
      {dialog !== null && typeof dialog === 'object' && 'revoke' in dialog && (
        <RevokeKeyDialog
          apiKey={dialog.revoke}
          onClose={() => setDialog(null)}
          onRevoked={(key) => {
            setDialog(null);
            toast.show(`Key “${key.name}” revoked.`);
            keys.reload();
          }}
        />
      )}
    </section>
  );
}

function RemoveUserDialog({
  user,
  onClose,
  onRemoved,
}: {
  user: User;
  onClose: () => void;
  onRemoved: () => void;
}) {
  const [error, setError] = useState<ApiError | undefined>();
  const [isBusy, setIsBusy] = useState(false);
  const remove = async () => {
    setIsBusy(true);
    setError(undefined);
    try {
      await api.users.remove(user.id);
      onRemoved();
    } catch (cause) {
      setError(toApiError(cause));
      setIsBusy(false);
    }
  };
  return (
    <Dialog title="Remove user" onClose={onClose} isDismissable={!isBusy}>
      <p>
        Remove <strong>{user.name || user.email}</strong> ({user.email})? They can no longer sign in, and the
        keys they own stop working. The audit log keeps what they did. To pause them instead, disable them.
      </p>
      <ErrorBanner error={error} title="The user was not removed." />
      <div className="form__actions">
        <button type="button" className="button" onClick={onClose} disabled={isBusy} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="button button--danger"
          onClick={() => void remove()}
          disabled={isBusy}
        >
          {isBusy ? 'Removing…' : 'Remove user'}
        </button>
      </div>
    </Dialog>
  );
}
