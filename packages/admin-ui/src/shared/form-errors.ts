import { type ApiError, toApiError } from './api-client.ts';

/** Validation messages by field name. */
export type FieldErrors<TField extends string> = Partial<Record<TField, string>>;

/**
 * Places an API error: next to its field when the server names one the form shows, otherwise
 * in the form's banner.
 *
 * @example
 * const { fieldErrors, banner } = placeApiError(error, ['name', 'expiresAt']);
 */
export function placeApiError<TField extends string>(
  error: unknown,
  fields: readonly TField[],
  aliases: Partial<Record<string, TField>> = {},
): { fieldErrors: FieldErrors<TField>; banner: ApiError | undefined } {
  const apiError = toApiError(error);
  const field = apiError.field ? (aliases[apiError.field] ?? apiError.field) : undefined;
  if (field && (fields as readonly string[]).includes(field)) {
    return { fieldErrors: { [field]: apiError.message } as FieldErrors<TField>, banner: undefined };
  }
  return { fieldErrors: {}, banner: apiError };
}

/** Whether `errors` holds any message. */
export function hasErrors(errors: FieldErrors<string>): boolean {
  return Object.values(errors).some(Boolean);
}

/** A loose email check for instant feedback; the server has the final word. */
export function looksLikeEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());
}
