import { type FormEvent, useState } from 'react';
import { type ApiError, api, setCsrfToken } from '../shared/api-client.ts';
import { ErrorBanner } from '../shared/error-banner.tsx';
import { Field } from '../shared/field.tsx';
import { type FieldErrors, hasErrors, looksLikeEmail, placeApiError } from '../shared/form-errors.ts';
import { navigate } from '../shared/router.tsx';
import { AuthLayout } from './auth-layout.tsx';
import { useSessionApi } from './use-session.ts';

type SetupField = 'token' | 'orgName' | 'name' | 'email' | 'password' | 'confirm';
const FIELDS: readonly SetupField[] = ['token', 'orgName', 'name', 'email', 'password', 'confirm'];

/**
 * First-run setup: creates the first organization and its owner. Shown instead of the login
 * while no user exists; the one-time token printed on the server console proves that whoever
 * fills it in runs the deployment.
 */
export function SetupPage() {
  const { signedIn, retry } = useSessionApi();
  const [form, setForm] = useState<Record<SetupField, string>>({
    token: '',
    orgName: '',
    name: '',
    email: '',
    password: '',
    confirm: '',
  });
  const [errors, setErrors] = useState<FieldErrors<SetupField>>({});
  const [banner, setBanner] = useState<ApiError | undefined>();
  const [isBusy, setIsBusy] = useState(false);

  const set = (field: SetupField) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [field]: event.target.value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: FieldErrors<SetupField> = {};
    if (!form.token.trim()) found.token = 'Paste the setup token printed on the server console.';
    if (!form.orgName.trim()) found.orgName = 'Name your organization.';
    if (!form.name.trim()) found.name = 'Enter your name.';
    if (!looksLikeEmail(form.email)) found.email = 'Enter a valid email address.';
    if (form.password.length < 10) found.password = 'Use at least 10 characters.';
    if (form.confirm !== form.password) found.confirm = 'The passwords do not match.';
    setErrors(found);
    setBanner(undefined);
    if (hasErrors(found)) return;
    setIsBusy(true);
    let created: Awaited<ReturnType<typeof api.setup.run>>;
    try {
      created = await api.setup.run({
        token: form.token.trim(),
        orgName: form.orgName.trim(),
        name: form.name.trim(),
        email: form.email.trim(),
        password: form.password,
      });
    } catch (error) {
      setIsBusy(false);
      const placed = placeApiError(error, FIELDS);
      setErrors(placed.fieldErrors);
      setBanner(placed.banner);
      // Someone else finished setup meanwhile: show the login instead.
      if (placed.banner?.code === 'ALREADY_BOOTSTRAPPED') setTimeout(retry, 1500);
      return;
    }
    // Setup opens a session but does not list its scopes: read them as a reload would. If that
    // fails, the organization exists anyway, so start over (which shows the login).
    setCsrfToken(created.csrfToken);
    navigate('/keys', { replace: true });
    try {
      signedIn(await api.auth.me());
    } catch {
      retry();
    }
  };

  return (
    <AuthLayout
      title="Set up Keyward"
      intro={
        <p>
          No one has signed in here yet. Create the first organization and its owner account. You need the
          one-time setup token that the server printed on its console when it started.
        </p>
      }
    >
      <ErrorBanner error={banner} title="Setup failed." />
      <form className="form" onSubmit={submit} noValidate aria-label="First-run setup">
        <Field
          label="Setup token"
          hint="Printed on the server console: “use this one-time setup token: …”."
          error={errors.token}
        >
          {(p) => (
            <input
              {...p}
              name="token"
              className="mono"
              autoComplete="off"
              spellCheck={false}
              value={form.token}
              onChange={set('token')}
            />
          )}
        </Field>
        <Field label="Organization name" error={errors.orgName}>
          {(p) => (
            <input
              {...p}
              name="orgName"
              autoComplete="organization"
              value={form.orgName}
              onChange={set('orgName')}
            />
          )}
        </Field>
        <Field label="Your name" error={errors.name}>
          {(p) => <input {...p} name="name" autoComplete="name" value={form.name} onChange={set('name')} />}
        </Field>
        <Field label="Email" error={errors.email}>
          {(p) => (
            <input
              {...p}
              type="email"
              name="email"
              autoComplete="username"
              value={form.email}
              onChange={set('email')}
            />
          )}
        </Field>
        <Field label="Password" hint="At least 10 characters, not a common password." error={errors.password}>
          {(p) => (
            <input
              {...p}
              type="password"
              name="password"
              autoComplete="new-password"
              value={form.password}
              onChange={set('password')}
            />
          )}
        </Field>
        <Field label="Repeat password" error={errors.confirm}>
          {(p) => (
            <input
              {...p}
              type="password"
              name="confirm"
              autoComplete="new-password"
              value={form.confirm}
              onChange={set('confirm')}
            />
          )}
        </Field>
        <button type="submit" className="button button--primary button--block" disabled={isBusy}>
          {isBusy ? 'Creating…' : 'Create organization and sign in'}
        </button>
      </form>
    </AuthLayout>
  );
}
