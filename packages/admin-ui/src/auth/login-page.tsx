import { type FormEvent, useState } from 'react';
import { type ApiError, api } from '../shared/api-client.ts';
import { ErrorBanner } from '../shared/error-banner.tsx';
import { Field } from '../shared/field.tsx';
import { type FieldErrors, hasErrors, looksLikeEmail, placeApiError } from '../shared/form-errors.ts';
import { AuthLayout } from './auth-layout.tsx';
import { useSessionApi } from './use-session.ts';

type LoginField = 'email' | 'password';

/** The sign-in screen; explains why it is shown when a session expired. */
export function LoginPage({ reason }: { reason: 'expired' | 'logged-out' | null }) {
  const { signedIn } = useSessionApi();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors<LoginField>>({});
  const [banner, setBanner] = useState<ApiError | undefined>();
  const [isBusy, setIsBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: FieldErrors<LoginField> = {};
    if (!looksLikeEmail(email)) found.email = 'Enter the email address you sign in with.';
    if (!password) found.password = 'Enter your password.';
    setErrors(found);
    setBanner(undefined);
    if (hasErrors(found)) return;
    setIsBusy(true);
    try {
      signedIn(await api.auth.login({ email: email.trim(), password }));
    } catch (error) {
      const placed = placeApiError(error, ['email', 'password'] as const);
      setErrors(placed.fieldErrors);
      setBanner(placed.banner);
      setIsBusy(false);
    }
  };

  return (
    <AuthLayout title="Sign in to Keyward">
      {reason === 'expired' && (
        <div className="banner banner--info" role="status">
          Your session has expired. Sign in again to continue where you were.
        </div>
      )}
      {reason === 'logged-out' && (
        <div className="banner banner--info" role="status">
          You have signed out.
        </div>
      )}
      {/* A wrong password needs no preamble: the server's message says exactly that. */}
      <ErrorBanner
        error={banner}
        title={banner?.code === 'INVALID_CREDENTIAL' ? undefined : 'Could not sign in.'}
      />
      <form className="form" onSubmit={submit} noValidate aria-label="Sign in">
        <Field label="Email" error={errors.email}>
          {(p) => (
            <input
              {...p}
              type="email"
              name="email"
              autoComplete="username"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              required
            />
          )}
        </Field>
        <Field label="Password" error={errors.password}>
          {(p) => (
            <input
              {...p}
              type="password"
              name="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          )}
        </Field>
        <button type="submit" className="button button--primary button--block" disabled={isBusy}>
          {isBusy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthLayout>
  );
}
