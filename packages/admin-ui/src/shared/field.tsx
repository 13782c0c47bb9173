import { type ReactNode, useId } from 'react';

/** What {@link Field} hands to its control so the label, hint and error are wired up. */
export interface FieldControlProps {
  id: string;
  'aria-invalid': boolean | undefined;
  'aria-describedby': string | undefined;
}

/** Props of {@link Field}. */
export interface FieldProps {
  label: ReactNode;
  /** Shown under the control, and read out with it. */
  hint?: ReactNode;
  /** A validation message; marks the control invalid. */
  error?: string | undefined;
  children: (control: FieldControlProps) => ReactNode;
  className?: string;
}

/**
 * A labelled form control with an optional hint and a validation message next to it.
 *
 * @example
 * <Field label="Title" error={errors.name}>{(p) => <input {...p} value={name} onChange={…} />}</Field>
 */
export function Field({ label, hint, error, children, className }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['field', error ? 'field--invalid' : '', className ?? ''].filter(Boolean).join(' ')}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && <FieldError id={errorId}>{error}</FieldError>}
    </div>
  );
}

/** A validation message, for controls that are not a single {@link Field} (e.g. a group of checkboxes). */
export function FieldError({ id, children }: { id?: string | undefined; children: ReactNode }) {
  return (
    <p className="field__error" id={id}>
      <span aria-hidden="true">⚠ </span>
      {children}
    </p>
  );
}
