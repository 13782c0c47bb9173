import { type FormEvent, useState } from 'react';
import { type ApiError, api } from '../shared/api-client.ts';
import type { Role, User } from '../shared/api-types.ts';
import { Dialog } from '../shared/dialog.tsx';
import { ErrorBanner } from '../shared/error-banner.tsx';
import { Field } from '../shared/field.tsx';
import { type FieldErrors, hasErrors, looksLikeEmail, placeApiError } from '../shared/form-errors.ts';
import { ROLES } from './user-labels.ts';

type UserField = 'name' | 'email' | 'role' | 'password' | 'kind';
const FIELDS: readonly UserField[] = ['name', 'email', 'role', 'password', 'kind'];

/** Props of {@link CreateUserDialog}. */
export interface CreateUserDialogProps {
  kind: User['kind'];
  onClose: () => void;
  onCreated: (user: User) => void;
}

/**
 * Adds a person or a service user. A service user is an account for one integration (e.g.
 * `service-billing@example.com`), so its keys and changes can be told apart from people's.
 */
export function CreateUserDialog({ kind, onClose, onCreated }: CreateUserDialogProps) {
  const isService = kind === 'service';
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors<UserField>>({});
  const [banner, setBanner] = useState<ApiError | undefined>();
  const [isBusy, setIsBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: FieldErrors<UserField> = {};
    if (!name.trim())
      found.name = isService ? 'Name the integration this user stands for.' : 'Enter their name.';
    if (!looksLikeEmail(email))
      found.email = 'Enter a valid email address (plus-addressing such as service+billing@… is fine).';
    if (password && password.length < 10) found.password = 'Use at least 10 characters, or leave it empty.';
    setErrors(found);
    setBanner(undefined);
    if (hasErrors(found)) return;
    setIsBusy(true);
    try {
      onCreated(
        await api.users.create({
          name: name.trim(),
          email: email.trim(),
          kind,
          role,
          ...(password ? { password } : {}),
        }),
      );
    } catch (error) {
      setIsBusy(false);
      const placed = placeApiError(error, FIELDS);
      setErrors(placed.fieldErrors);
      setBanner(placed.banner);
    }
  };

  return (
    <Dialog
      title={isService ? 'Create service user' : 'Invite user'}
      onClose={onClose}
      isDismissable={!isBusy}
    >
      <form
        className="form"
        onSubmit={submit}
        noValidate
        aria-label={isService ? 'Create service user' : 'Invite user'}
      >
        {isService && (
          <p className="hint">
            Create one service user per integration, so you can see and revoke what each automation does.
          </p>
        )}
        <ErrorBanner error={banner} title="The user was not created." />
        <Field label="Name" error={errors.name}>
          {(p) => (
            <input
              {...p}
              name="name"
              data-autofocus
              autoComplete="off"
              placeholder={isService ? 'e.g. Billing sync' : undefined}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field
          label="Email"
          error={errors.email}
          hint={isService ? 'Must be unique, e.g. service-billing@your-company.com.' : undefined}
        >
          {(p) => (
            <input
              {...p}
              type="email"
              name="email"
              autoComplete="off"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field label="Role" error={errors.role} hint={ROLES.find((r) => r.value === role)?.description}>
          {(p) => (
            <select {...p} name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label="Initial password (optional)"
          hint="Lets them sign in (and a service user fetch its own key). Share it safely; without one they cannot sign in yet."
          error={errors.password}
        >
          {(p) => (
            <input
              {...p}
              type="password"
              name="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose} disabled={isBusy}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={isBusy}>
            {isBusy ? 'Creating…' : isService ? 'Create service user' : 'Invite user'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
