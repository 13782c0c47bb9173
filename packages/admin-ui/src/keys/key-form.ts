/**
 * @module Key form
 *
 * The "Create API Key" form as plain data, and its translation into a `POST /v1/keys` body.
 * Checks here give instant feedback next to each field; the server re-checks everything and
 * its answer is placed on the same fields.
 */
import type { CreateKeyInput } from '../shared/api-types.ts';
import type { FieldErrors } from '../shared/form-errors.ts';
import { dayBoundary, toDateInputValue } from '../shared/format.ts';

/** Fields of the form that can carry a message. */
export type KeyFormField =
  | 'name'
  | 'environment'
  | 'expiresAt'
  | 'scopes'
  | 'resources'
  | 'ownerId'
  | 'rateLimit'
  | 'quota'
  | 'refill'
  | 'ipAllowlist'
  | 'metadata';

/** Every field, for placing server errors. */
export const KEY_FORM_FIELDS: readonly KeyFormField[] = [
  'name',
  'environment',
  'expiresAt',
  'scopes',
  'resources',
  'ownerId',
  'rateLimit',
  'quota',
  'refill',
  'ipAllowlist',
  'metadata',
];

/** Special owner choices besides a user id. */
export const OWNER_SELF = '';
export const OWNER_NONE = '__none__';

/** The form's raw state: what the inputs hold. */
export interface KeyFormState {
  name: string;
  environment: string;
  expiry: 'never' | 'date';
  /** `YYYY-MM-DD` from the date picker; the key expires at the end of that day, local time. */
  expiryDate: string;
  scopes: Set<string>;
  /** null: all resources. */
  resources: Set<string> | null;
  /** {@link OWNER_SELF}, {@link OWNER_NONE} or a user id. */
  owner: string;
  rateLimit: string;
  rateWindowSeconds: string;
  quota: string;
  refillAmount: string;
  refillIntervalSeconds: string;
  ipAllowlist: string;
  metadata: string;
}

/** A fresh form, targeting `environment`. */
export function emptyKeyForm(environment: string, owner = OWNER_SELF): KeyFormState {
  return {
    name: '',
    environment,
    expiry: 'never',
    expiryDate: '',
    scopes: new Set(),
    resources: null,
    owner,
    rateLimit: '',
    rateWindowSeconds: '60',
    quota: '',
    refillAmount: '',
    refillIntervalSeconds: '86400',
    ipAllowlist: '',
    metadata: '',
  };
}

/** Window choices of the rate limit. */
export const RATE_WINDOWS = [
  { seconds: 1, label: 'per second' },
  { seconds: 60, label: 'per minute' },
  { seconds: 3600, label: 'per hour' },
  { seconds: 86400, label: 'per day' },
] as const;

/** Interval choices of the quota refill. */
export const REFILL_INTERVALS = [
  { seconds: 3600, label: 'every hour' },
  { seconds: 86400, label: 'every day' },
  { seconds: 604800, label: 'every week' },
  { seconds: 2592000, label: 'every 30 days' },
] as const;

/** The first day the date picker allows: tomorrow. */
export function minExpiryDate(now = new Date()): string {
  const tomorrow = new Date(now);
  tomorrow.setDate(now.getDate() + 1);
  return toDateInputValue(tomorrow);
}

function wholeNumber(text: string, min: number): number | undefined {
  if (!/^\s*\d+\s*$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= min ? value : undefined;
}

const IP_OR_CIDR = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)(?:\/\d{1,3})?$/;

/**
 * Checks the form and builds the request body; returns the field messages instead when
 * something needs fixing.
 */
export function toCreateKeyInput(
  form: KeyFormState,
  now = new Date(),
): { input: CreateKeyInput; errors?: undefined } | { input?: undefined; errors: FieldErrors<KeyFormField> } {
  const errors: FieldErrors<KeyFormField> = {};
  const input: CreateKeyInput = { name: form.name.trim(), scopes: [...form.scopes].sort() };

  if (!input.name) errors.name = 'Give the key a title, e.g. the integration that will use it.';
  else if (input.name.length > 200) errors.name = 'Keep the title under 200 characters.';

  if (form.environment) input.environment = form.environment;

  if (form.expiry === 'never') {
    input.expiresAt = null;
  } else {
    const end = dayBoundary(form.expiryDate, 'end');
    if (!end) errors.expiresAt = 'Pick the day the key stops working, or choose “Never”.';
    else if (new Date(end).getTime() <= now.getTime())
      errors.expiresAt = 'The expiry date must be in the future.';
    else input.expiresAt = end;
  }

  if (input.scopes.length === 0) errors.scopes = 'Choose at least one module.';

  if (form.resources !== null) {
    if (form.resources.size === 0) errors.resources = 'Select at least one resource, or allow all resources.';
    input.resources = [...form.resources].sort();
  }

  if (form.owner === OWNER_NONE) input.ownerId = null;
  else if (form.owner !== OWNER_SELF) input.ownerId = form.owner;

  if (form.rateLimit.trim()) {
    const limit = wholeNumber(form.rateLimit, 1);
    if (limit === undefined) errors.rateLimit = 'Enter a whole number of requests, at least 1.';
    else input.rateLimit = { limit, windowSeconds: Number(form.rateWindowSeconds) };
  }

  if (form.quota.trim()) {
    const remaining = wholeNumber(form.quota, 0);
    if (remaining === undefined) errors.quota = 'Enter a whole number of uses, 0 or more.';
    else {
      input.quota = { remaining };
      if (form.refillAmount.trim()) {
        const amount = wholeNumber(form.refillAmount, 1);
        if (amount === undefined) errors.refill = 'Enter a whole number, at least 1.';
        else input.quota.refill = { amount, intervalSeconds: Number(form.refillIntervalSeconds) };
      }
    }
  } else if (form.refillAmount.trim()) {
    errors.quota = 'Set the starting quota to refill it.';
  }

  const addresses = form.ipAllowlist
    .split(/[\s,]+/)
    .map((a) => a.trim())
    .filter(Boolean);
  if (addresses.length > 0) {
    const bad = addresses.find((a) => !IP_OR_CIDR.test(a));
    if (bad) errors.ipAllowlist = `“${bad}” is not an IP address or CIDR range.`;
    else input.ipAllowlist = addresses;
  }

  if (form.metadata.trim()) {
    try {
      const parsed: unknown = JSON.parse(form.metadata);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        errors.metadata = 'Metadata must be a JSON object, e.g. {"team": "billing"}.';
      } else {
        input.metadata = parsed as Record<string, unknown>;
      }
    } catch {
      errors.metadata = 'This is not valid JSON.';
    }
  }

  return Object.values(errors).some(Boolean) ? { errors } : { input };
}
