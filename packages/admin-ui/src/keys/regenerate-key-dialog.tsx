import { type FormEvent, useState } from 'react';
import { type ApiError, api, toApiError } from '../shared/api-client.ts';
import type { Key, KeyWithSecret } from '../shared/api-types.ts';
import { Dialog } from '../shared/dialog.tsx';
import { ErrorBanner } from '../shared/error-banner.tsx';
import { Field } from '../shared/field.tsx';

const GRACE_CHOICES = [
  { seconds: 0, label: 'Stop the old secret at once' },
  { seconds: 3600, label: 'Keep the old secret valid for 1 hour' },
  { seconds: 86_400, label: 'Keep the old secret valid for 24 hours' },
  { seconds: 604_800, label: 'Keep the old secret valid for 7 days' },
] as const;

/** Props of {@link RegenerateKeyDialog}. */
export interface RegenerateKeyDialogProps {
  apiKey: Key;
  onClose: () => void;
  onRegenerated: (key: KeyWithSecret) => void;
}

/**
 * Replaces the secret in one slot. Both slots are valid at once, so a client can move to the
 * secondary while the primary is rotated; the grace period keeps the old secret working until
 * every client has the new one.
 */
export function RegenerateKeyDialog({ apiKey, onClose, onRegenerated }: RegenerateKeyDialogProps) {
  const [slot, setSlot] = useState<'primary' | 'secondary'>('primary');
  const [graceSeconds, setGraceSeconds] = useState(0);
  const [error, setError] = useState<ApiError | undefined>();
  const [isBusy, setIsBusy] = useState(false);
  const hasSecondary = apiKey.secrets.some((s) => s.slot === 'secondary');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setIsBusy(true);
    setError(undefined);
    try {
      onRegenerated(
        await api.keys.regenerate(apiKey.id, graceSeconds > 0 ? { slot, graceSeconds } : { slot }),
      );
    } catch (cause) {
      setError(toApiError(cause));
      setIsBusy(false);
    }
  };

  return (
    <Dialog title="Regenerate secret" onClose={onClose} isDismissable={!isBusy}>
      <form className="form" onSubmit={submit} noValidate>
        <p>
          A key has two secrets, <strong>primary</strong> and <strong>secondary</strong>, and both work.
          Regenerate one at a time to rotate without downtime. The new secret is shown once.
        </p>
        <ErrorBanner error={error} title="Could not regenerate." />
        <fieldset className="fieldset">
          <legend className="fieldset__legend">Secret to regenerate</legend>
          <div className="radios">
            <label className="check">
              <input
                type="radio"
                name="slot"
                value="primary"
                checked={slot === 'primary'}
                onChange={() => setSlot('primary')}
                data-autofocus
              />
              <span>Primary</span>
            </label>
            <label className="check">
              <input
                type="radio"
                name="slot"
                value="secondary"
                checked={slot === 'secondary'}
                onChange={() => setSlot('secondary')}
              />
              <span>Secondary{hasSecondary ? '' : ' (not set yet: creates it)'}</span>
            </label>
          </div>
        </fieldset>
        <Field label="Old secret" hint="A grace period gives clients time to switch to the new secret.">
          {(p) => (
            <select
              {...p}
              name="graceSeconds"
              value={graceSeconds}
              onChange={(e) => setGraceSeconds(Number(e.target.value))}
            >
              {GRACE_CHOICES.map((choice) => (
                <option key={choice.seconds} value={choice.seconds}>
                  {choice.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose} disabled={isBusy}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={isBusy}>
            {isBusy ? 'Regenerating…' : `Regenerate ${slot} secret`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
