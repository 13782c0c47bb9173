import { lazy, type ReactNode, Suspense, useState } from 'react';
import { AuditTrail } from '../audit/index.ts';
import { useSession } from '../auth/index.ts';
import { type ApiError, api, toApiError } from '../shared/api-client.ts';
import type { Key, KeyWithSecret } from '../shared/api-types.ts';
import { ErrorBanner } from '../shared/error-banner.tsx';
import { formatCount, formatDuration } from '../shared/format.ts';
import { PageHeader } from '../shared/page-header.tsx';
import { Link } from '../shared/router.tsx';
import { Switch } from '../shared/switch.tsx';
import { TimeText } from '../shared/time-text.tsx';
import { useAsync } from '../shared/use-async.ts';
import { useToast } from '../shared/use-toast.ts';
import { KeyRevealDialog } from './key-reveal-dialog.tsx';
import { KeyStatusBadge } from './key-status-badge.tsx';
import { RegenerateKeyDialog } from './regenerate-key-dialog.tsx';
import { RevokeKeyDialog } from './revoke-key-dialog.tsx';

// recharts is most of the bundle's weight: load it only when a key page opens.
const UsageChart = lazy(() => import('./usage-chart.tsx').then((module) => ({ default: module.UsageChart })));

const CRUMBS = [{ label: 'Administration' }, { label: 'Security' }, { label: 'API Keys', to: '/keys' }];

/** One key: its details, the enabled switch, regenerate, revoke, usage and audit trail. */
export function KeyPage({ id }: { id: string }) {
  const session = useSession();
  const toast = useToast();
  const loaded = useAsync(`key:${id}`, (signal) => api.keys.get(id, signal));
  const [dialog, setDialog] = useState<'regenerate' | 'revoke' | { reveal: KeyWithSecret } | null>(null);
  const [actionError, setActionError] = useState<ApiError | undefined>();
  const [isToggling, setIsToggling] = useState(false);
  const key = loaded.data;
  const canWrite = session.can('keys:write');

  if (!key) {
    return (
      <>
        <PageHeader
          title={loaded.isLoading ? 'Loading key…' : 'Key not available'}
          crumbs={[...CRUMBS, { label: id }]}
        />
        <ErrorBanner
          error={loaded.error}
          title={
            loaded.error?.status === 404
              ? 'There is no such key in your organization.'
              : 'Could not load the key.'
          }
          onRetry={loaded.error?.status === 404 ? undefined : loaded.reload}
        />
      </>
    );
  }

  const isRevoked = key.status === 'revoked';
  const setEnabled = async (enabled: boolean) => {
    setIsToggling(true);
    setActionError(undefined);
    try {
      const updated = await api.keys.setEnabled(key.id, enabled);
      loaded.setData(updated);
      toast.show(
        enabled ? `Key “${key.name}” enabled.` : `Key “${key.name}” disabled. Requests with it now fail.`,
      );
    } catch (error) {
      setActionError(toApiError(error));
    } finally {
      setIsToggling(false);
    }
  };

  return (
    <>
      <PageHeader
        title={
          <>
            {key.name} <KeyStatusBadge status={key.status} />
          </>
        }
        documentTitle={key.name}
        crumbs={[...CRUMBS, { label: key.name }]}
        actions={
          canWrite &&
          !isRevoked && (
            <>
              <Switch
                isOn={key.enabled}
                label="Enabled"
                onChange={(next) => void setEnabled(next)}
                isDisabled={isToggling}
              />
              <button type="button" className="button" onClick={() => setDialog('regenerate')}>
                Regenerate…
              </button>
              <button
                type="button"
                className="button button--danger-outline"
                onClick={() => setDialog('revoke')}
              >
                Revoke…
              </button>
            </>
          )
        }
      >
        <p className="page-header__lead">
          <code className="mono">{key.id}</code>
          {isRevoked && (
            <>
              {' '}
              · revoked <TimeText iso={key.revokedAt} />
            </>
          )}
        </p>
      </PageHeader>

      <ErrorBanner error={actionError} title="The change was not saved." />
      {key.status === 'owner_disabled' && (
        <div className="banner banner--warn">
          Its owner is disabled, so this key does not work until the owner is enabled.
        </div>
      )}

      <div className="grid">
        <section className="panel" aria-labelledby="details-title">
          <div className="panel__header">
            <h2 id="details-title" className="panel__title">
              Details
            </h2>
          </div>
          <dl className="details">
            <Detail term="Key ID">
              <code className="mono">{key.id}</code>
            </Detail>
            <Detail term="Environment">
              <span className="env">{key.environment}</span>
            </Detail>
            <Detail term="Owner">
              {key.owner ? (
                <Link to={`/users/${encodeURIComponent(key.owner.id)}`}>
                  {key.owner.name || key.owner.email}
                </Link>
              ) : (
                <span className="muted">No owner (organization key)</span>
              )}
            </Detail>
            <Detail term="Created by">
              {key.createdBy.name || key.createdBy.id} <span className="muted">({key.createdBy.type})</span>
            </Detail>
            <Detail term="Created">
              <TimeText iso={key.createdAt} />
            </Detail>
            <Detail term="Expires">
              <TimeText iso={key.expiresAt} fallback="Never" />
            </Detail>
            <Detail term="Last used">
              <TimeText iso={key.lastUsedAt} fallback="Never" format="relative" />
            </Detail>
            <Detail term="Scopes">
              {key.scopes.length ? (
                <ul className="chips">
                  {key.scopes.map((scope) => (
                    <li key={scope} className="chip">
                      {scope}
                    </li>
                  ))}
                </ul>
              ) : (
                <span className="muted">None</span>
              )}
            </Detail>
            <Detail term="Resources">
              {key.resources === null ? (
                <span className="muted">All resources its scopes allow</span>
              ) : (
                <ul className="chips">
                  {key.resources.map((resource) => (
                    <li key={resource} className="chip chip--mono">
                      {resource}
                    </li>
                  ))}
                </ul>
              )}
            </Detail>
            <Detail term="Rate limit">
              {key.rateLimit ? (
                `${formatCount(key.rateLimit.limit)} per ${formatDuration(key.rateLimit.windowSeconds)}`
              ) : (
                <span className="muted">None</span>
              )}
            </Detail>
            <Detail term="Quota">
              {key.quota ? (
                <>
                  {formatCount(key.quota.remaining)} uses left
                  {key.quota.refill &&
                    `, refilled with ${formatCount(key.quota.refill.amount)} every ${formatDuration(key.quota.refill.intervalSeconds)}`}
                </>
              ) : (
                <span className="muted">Unlimited</span>
              )}
            </Detail>
            <Detail term="IP allowlist">
              {key.ipAllowlist?.length ? (
                <span className="mono">{key.ipAllowlist.join(', ')}</span>
              ) : (
                <span className="muted">Any address</span>
              )}
            </Detail>
            {Object.keys(key.metadata ?? {}).length > 0 && (
              <Detail term="Metadata">
                <pre className="json">{JSON.stringify(key.metadata, null, 2)}</pre>
              </Detail>
            )}
          </dl>
        </section>

        <section className="panel" aria-labelledby="secrets-title">
          <div className="panel__header">
            <h2 id="secrets-title" className="panel__title">
              Secrets
            </h2>
          </div>
          <p className="hint">
            Every secret listed here works. Keyward keeps only their first characters, so a lost secret cannot
            be shown again: regenerate it.
          </p>
          <SecretsList apiKey={key} />
        </section>
      </div>

      <Suspense fallback={<p className="muted">Loading usage…</p>}>
        <UsageChart keyId={key.id} />
      </Suspense>
      <AuditTrail target={key.id} version={key.updatedAt} />

      {dialog === 'regenerate' && (
        <RegenerateKeyDialog
          apiKey={key}
          onClose={() => setDialog(null)}
          onRegenerated={(regenerated) => {
            const { key: _secret, slot: _slot, ...rest } = regenerated;
            loaded.setData(rest);
            setDialog({ reveal: regenerated });
          }}
        />
      )}
      {dialog !== null && typeof dialog === 'object' && (
        <KeyRevealDialog created={dialog.reveal} reason="regenerated" onClose={() => setDialog(null)} />
      )}
      {dialog === 'revoke' && (
        <RevokeKeyDialog
          apiKey={key}
          onClose={() => setDialog(null)}
          onRevoked={(revoked) => {
            setDialog(null);
            loaded.setData(revoked);
            toast.show(`Key “${revoked.name}” revoked.`);
          }}
        />
      )}
    </>
  );
}

function Detail({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="details__row">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function SecretsList({ apiKey }: { apiKey: Key }) {
  return (
    <ul className="secrets" aria-label={`Secrets of ${apiKey.name}`}>
      {apiKey.secrets.map((secret) => (
        <li key={`${secret.slot}-${secret.createdAt}-${secret.hint}`} className="secret">
          <span className="secret__slot">{secret.slot === 'primary' ? 'Primary' : 'Secondary'}</span>
          <span>
            starts with <code className="mono">{secret.hint}…</code>
          </span>
          <span className="muted">
            created <TimeText iso={secret.createdAt} />
            {secret.expiresAt ? (
              <>
                {' '}
                · <strong>grace period</strong> until <TimeText iso={secret.expiresAt} />
              </>
            ) : (
              ' · valid until regenerated'
            )}
          </span>
        </li>
      ))}
    </ul>
  );
}
