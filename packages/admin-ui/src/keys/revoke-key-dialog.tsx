import { type FormEvent, useState } from 'react';
import { type ApiError, api, toApiError } from '../shared/api-client.ts';
import type { Key } from '../shared/api-types.ts';
import { Dialog } from '../shared/dialog.tsx';
import { ErrorBanner } from '../shared/error-banner.tsx';
import { Field } from '../shared/field.tsx';

/** Props of {@link RevokeKeyDialog}. */
export interface RevokeKeyDialogProps {
  apiKey: Pick<Key, 'id' | 'name'>;
  onClose: () => void;
  onRevoked: (key: Key) => void;
}

/**
 * Revokes a key for good, after the user types its name: every request made with it fails
 * from then on, and it cannot be enabled again.
 */
export function RevokeKeyDialog({ apiKey, onClose, onRevoked }: RevokeKeyDialogProps) {
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<ApiError | undefined>();
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [isBusy, setIsBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (typed.trim() !== apiKey.name.trim()) {
      setFieldError(`Type the key's name, “${apiKey.name}”, exactly.`);
      return;
    }
    setFieldError(undefined);
    setIsBusy(true);
    setError(undefined);
    try {
      onRevoked(await api.keys.revoke(apiKey.id));
    } catch (cause) {
      setError(toApiError(cause));
      setIsBusy(false);
    }
  };

  return (
    <Dialog title="Revoke API key" onClose={onClose} isDismissable={!isBusy}>
      <form className="form" onSubmit={submit} noValidate>
        <div className="banner banner--warn">
          <p>
            Revoking <strong>{apiKey.name}</strong> (<code>{apiKey.id}</code>) is permanent. Every request
            that uses it will be refused at once, and it cannot be enabled again.
          </p>
        </div>
        <ErrorBanner error={error} title="Could not revoke the key." />
        <Field label={`Type “${apiKey.name}” to confirm`} error={fieldError}>
          {(p) => (
            <input
              {...p}
              data-autofocus
              autoComplete="off"
              spellCheck={false}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
            />
          )}
        </Field>
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose} disabled={isBusy}>
            Cancel
          </button>
          <button type="submit" className="button button--danger" disabled={isBusy}>
            {isBusy ? 'Revoking…' : 'Revoke key'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
