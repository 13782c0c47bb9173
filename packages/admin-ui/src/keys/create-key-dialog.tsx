import { type FormEvent, useEffect, useState } from 'react';
import { type ApiError, api } from '../shared/api-client.ts';
import type { KeyWithSecret, User } from '../shared/api-types.ts';
import { Dialog } from '../shared/dialog.tsx';
import { ErrorBanner } from '../shared/error-banner.tsx';
import { Field } from '../shared/field.tsx';
import { type FieldErrors, placeApiError } from '../shared/form-errors.ts';
import {
  emptyKeyForm,
  KEY_FORM_FIELDS,
  type KeyFormField,
  type KeyFormState,
  minExpiryDate,
  OWNER_NONE,
  OWNER_SELF,
  RATE_WINDOWS,
  REFILL_INTERVALS,
  toCreateKeyInput,
} from './key-form.ts';
import { ResourcePicker } from './resource-picker.tsx';
import { ScopePicker } from './scope-picker.tsx';
import type { Catalog } from './use-catalog.ts';
import { useGrantableScopes } from './use-grantable-scopes.ts';

const LIMIT_FIELDS: readonly KeyFormField[] = ['rateLimit', 'quota', 'refill', 'ipAllowlist', 'metadata'];
const SERVER_FIELD_ALIASES: Partial<Record<string, KeyFormField>> = { owner: 'ownerId' };

/** Props of {@link CreateKeyDialog}. */
export interface CreateKeyDialogProps {
  catalog: Catalog;
  /** Offered as owners; without it the key belongs to the caller (or to `fixedOwner`). */
  owners?: User[] | undefined;
  /** Creates the key for this user, e.g. a service user, without asking. */
  fixedOwner?: Pick<User, 'id' | 'name' | 'email'> | undefined;
  onClose: () => void;
  onCreated: (key: KeyWithSecret) => void;
}

/**
 * "Create API Key": title, expiry date (or never), environment, module checkboxes, the
 * resources it may reach and optional limits. On success the caller shows the one-time reveal.
 */
export function CreateKeyDialog({ catalog, owners, fixedOwner, onClose, onCreated }: CreateKeyDialogProps) {
  const production = catalog.environments.find((e) => e.isProduction) ?? catalog.environments[0];
  const [form, setForm] = useState<KeyFormState>(() =>
    emptyKeyForm(production?.slug ?? '', fixedOwner?.id ?? OWNER_SELF),
  );
  const [errors, setErrors] = useState<FieldErrors<KeyFormField>>({});
  const [banner, setBanner] = useState<ApiError | undefined>();
  const [isBusy, setIsBusy] = useState(false);
  const [showLimits, setShowLimits] = useState(false);
  const grantable = useGrantableScopes(form.owner, catalog.scopes);
  // A scope the newly chosen owner could not use is taken off the selection, not kept unseen.
  useEffect(() => {
    const names = new Set(grantable.map((scope) => scope.name));
    setForm((current) =>
      [...current.scopes].every((name) => names.has(name))
        ? current
        : { ...current, scopes: new Set([...current.scopes].filter((name) => names.has(name))) },
    );
  }, [grantable]);

  const update = <TField extends keyof KeyFormState>(field: TField, value: KeyFormState[TField]) => {
    setForm((current) => ({ ...current, [field]: value }));
    // A corrected field loses its message at once; the others keep theirs until the next submit.
    setErrors((current) => (field in current ? { ...current, [field]: undefined } : current));
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    setBanner(undefined);
    const checked = toCreateKeyInput(form);
    if (checked.errors) {
      setErrors(checked.errors);
      if (LIMIT_FIELDS.some((f) => checked.errors[f])) setShowLimits(true);
      focusFirstInvalid(formElement);
      return;
    }
    setErrors({});
    setIsBusy(true);
    try {
      onCreated(await api.keys.create(checked.input));
    } catch (error) {
      setIsBusy(false);
      const placed = placeApiError(error, KEY_FORM_FIELDS, SERVER_FIELD_ALIASES);
      setErrors(placed.fieldErrors);
      setBanner(placed.banner);
      if (LIMIT_FIELDS.some((f) => placed.fieldErrors[f])) setShowLimits(true);
      focusFirstInvalid(formElement);
    }
  };

  return (
    <Dialog title="Create API Key" onClose={onClose} className="dialog--wide" isDismissable={!isBusy}>
      <form className="form" onSubmit={submit} noValidate aria-label="Create API Key">
        <ErrorBanner error={banner} title="The key was not created." />

        <Field label="Title" hint="A name that tells you who uses the key and why." error={errors.name}>
          {(p) => (
            <input
              {...p}
              name="name"
              data-autofocus
              maxLength={200}
              autoComplete="off"
              value={form.name}
              onChange={(e) => update('name', e.target.value)}
            />
          )}
        </Field>

        <div className="form__row">
          <Field
            label="Environment"
            hint="Requests to other environments are refused with this key."
            error={errors.environment}
          >
            {(p) => (
              <select
                {...p}
                name="environment"
                value={form.environment}
                onChange={(e) => update('environment', e.target.value)}
              >
                {catalog.environments.map((env) => (
                  <option key={env.slug} value={env.slug}>
                    {env.name} ({env.slug}){env.isProduction ? ' · production' : ''}
                  </option>
                ))}
              </select>
            )}
          </Field>

          {fixedOwner ? (
            <Field label="Owner" hint="The key can never do more than its owner.">
              {(p) => <input {...p} readOnly value={fixedOwner.name || fixedOwner.email} />}
            </Field>
          ) : (
            owners && (
              <Field label="Owner" hint="The key can never do more than its owner." error={errors.ownerId}>
                {(p) => (
                  <select
                    {...p}
                    name="owner"
                    value={form.owner}
                    onChange={(e) => update('owner', e.target.value)}
                  >
                    <option value={OWNER_SELF}>Me</option>
                    <option value={OWNER_NONE}>No owner (organization key)</option>
                    {owners.map((user) => (
                      <option key={user.id} value={user.id}>
                        {user.name || user.email} ({user.kind === 'service' ? 'service user' : user.email})
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            )
          )}
        </div>

        <fieldset
          className={`fieldset${errors.expiresAt ? ' fieldset--invalid' : ''}`}
          aria-describedby={errors.expiresAt ? 'expiry-error' : undefined}
        >
          <legend className="fieldset__legend">Expire date</legend>
          <div className="radios radios--inline">
            <label className="check">
              <input
                type="radio"
                name="expiry"
                value="never"
                checked={form.expiry === 'never'}
                onChange={() => update('expiry', 'never')}
              />
              <span>Never</span>
            </label>
            <label className="check">
              <input
                type="radio"
                name="expiry"
                value="date"
                checked={form.expiry === 'date'}
                onChange={() => update('expiry', 'date')}
              />
              <span>On a date</span>
            </label>
            <Field label="Expiry date" className="field--inline">
              {(p) => (
                <input
                  {...p}
                  type="date"
                  name="expiresAt"
                  min={minExpiryDate()}
                  value={form.expiryDate}
                  disabled={form.expiry !== 'date'}
                  aria-invalid={errors.expiresAt ? true : undefined}
                  aria-describedby={errors.expiresAt ? 'expiry-error' : 'expiry-hint'}
                  onChange={(e) => update('expiryDate', e.target.value)}
                />
              )}
            </Field>
          </div>
          <p className="field__hint" id="expiry-hint">
            The key stops working at the end of that day (your local time).
          </p>
          {errors.expiresAt && (
            <p className="field__error" id="expiry-error">
              <span aria-hidden="true">⚠ </span>
              {errors.expiresAt}
            </p>
          )}
        </fieldset>

        <ScopePicker
          scopes={grantable}
          selected={form.scopes}
          onChange={(next) => update('scopes', next)}
          error={errors.scopes}
        />

        <ResourcePicker
          resources={catalog.resources}
          loadError={catalog.resourcesError}
          selected={form.resources}
          onChange={(next) => update('resources', next)}
          error={errors.resources}
        />

        <details
          className="disclosure"
          open={showLimits}
          onToggle={(e) => setShowLimits(e.currentTarget.open)}
        >
          <summary>Limits and restrictions (optional)</summary>
          <div className="disclosure__body">
            <div className="form__row">
              <Field
                label="Rate limit (requests)"
                hint="Leave empty for no rate limit."
                error={errors.rateLimit}
              >
                {(p) => (
                  <input
                    {...p}
                    name="rateLimit"
                    inputMode="numeric"
                    value={form.rateLimit}
                    onChange={(e) => update('rateLimit', e.target.value)}
                  />
                )}
              </Field>
              <Field label="Rate limit window">
                {(p) => (
                  <select
                    {...p}
                    name="rateWindowSeconds"
                    value={form.rateWindowSeconds}
                    onChange={(e) => update('rateWindowSeconds', e.target.value)}
                  >
                    {RATE_WINDOWS.map((w) => (
                      <option key={w.seconds} value={String(w.seconds)}>
                        {w.label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
            <div className="form__row">
              <Field
                label="Usage quota (uses)"
                hint="Total verifications allowed; empty for unlimited."
                error={errors.quota}
              >
                {(p) => (
                  <input
                    {...p}
                    name="quota"
                    inputMode="numeric"
                    value={form.quota}
                    onChange={(e) => update('quota', e.target.value)}
                  />
                )}
              </Field>
              <Field label="Refill amount" hint="Optional: top the quota up again." error={errors.refill}>
                {(p) => (
                  <input
                    {...p}
                    name="refillAmount"
                    inputMode="numeric"
                    value={form.refillAmount}
                    onChange={(e) => update('refillAmount', e.target.value)}
                  />
                )}
              </Field>
              <Field label="Refill interval">
                {(p) => (
                  <select
                    {...p}
                    name="refillIntervalSeconds"
                    value={form.refillIntervalSeconds}
                    onChange={(e) => update('refillIntervalSeconds', e.target.value)}
                  >
                    {REFILL_INTERVALS.map((r) => (
                      <option key={r.seconds} value={String(r.seconds)}>
                        {r.label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
            <Field
              label="IP allowlist"
              hint="IPv4/IPv6 addresses or CIDR ranges, separated by commas or new lines. Empty: any address."
              error={errors.ipAllowlist}
            >
              {(p) => (
                <textarea
                  {...p}
                  name="ipAllowlist"
                  rows={2}
                  className="mono"
                  spellCheck={false}
                  value={form.ipAllowlist}
                  onChange={(e) => update('ipAllowlist', e.target.value)}
                />
              )}
            </Field>
            <Field
              label="Metadata (JSON)"
              hint="Handed to your services with every valid request."
              error={errors.metadata}
            >
              {(p) => (
                <textarea
                  {...p}
                  name="metadata"
                  rows={3}
                  className="mono"
                  spellCheck={false}
                  placeholder='{"team": "billing"}'
                  value={form.metadata}
                  onChange={(e) => update('metadata', e.target.value)}
                />
              )}
            </Field>
          </div>
        </details>

        <div className="form__actions">
          <button type="button" className="button" onClick={onClose} disabled={isBusy}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={isBusy}>
            {isBusy ? 'Creating…' : 'Create API Key'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Moves focus to the first field marked invalid, once React has rendered the messages. */
function focusFirstInvalid(form: HTMLFormElement) {
  requestAnimationFrame(() => {
    const target =
      form.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      form.querySelector<HTMLElement>('.fieldset--invalid input:not([disabled])');
    target?.focus();
  });
}
