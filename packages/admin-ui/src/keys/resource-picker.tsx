import { useState } from 'react';
import type { ApiError } from '../shared/api-client.ts';
import type { Resource } from '../shared/api-types.ts';
import { Field, FieldError } from '../shared/field.tsx';

/** Props of {@link ResourcePicker}. */
export interface ResourcePickerProps {
  /** Exposed resources only. */
  resources: readonly Resource[];
  loadError: ApiError | undefined;
  /** null: every resource the scopes allow; otherwise only these. */
  selected: ReadonlySet<string> | null;
  onChange: (next: Set<string> | null) => void;
  error?: string | undefined;
}

/**
 * Limits a key to some resources (e.g. workflows). Only resources the platform marked as
 * exposed are offered; with "All resources" the key reaches whatever its scopes allow.
 */
export function ResourcePicker({ resources, loadError, selected, onChange, error }: ResourcePickerProps) {
  const [filter, setFilter] = useState('');
  const isLimited = selected !== null;
  const needle = filter.trim().toLowerCase();
  const shown = needle
    ? resources.filter((r) => r.name.toLowerCase().includes(needle) || r.id.toLowerCase().includes(needle))
    : resources;

  const toggle = (id: string, isOn: boolean) => {
    const next = new Set(selected ?? []);
    if (isOn) next.add(id);
    else next.delete(id);
    onChange(next);
  };

  return (
    <fieldset
      className={`fieldset${error ? ' fieldset--invalid' : ''}`}
      aria-describedby={error ? 'resources-error' : undefined}
    >
      <legend className="fieldset__legend">Permitted resources</legend>
      <div className="radios">
        <label className="check">
          <input type="radio" name="resource-mode" checked={!isLimited} onChange={() => onChange(null)} />
          <span>All resources its scopes allow</span>
        </label>
        <label className="check">
          <input
            type="radio"
            name="resource-mode"
            checked={isLimited}
            onChange={() => onChange(new Set())}
            disabled={resources.length === 0}
          />
          <span>Only the resources selected below</span>
        </label>
      </div>
      {loadError && (
        <p className="field__hint" role="alert">
          Resources could not be listed: {loadError.message}
        </p>
      )}
      {!loadError && resources.length === 0 && (
        <p className="field__hint">No resources are exposed to keys yet. The platform registers them.</p>
      )}
      {isLimited && resources.length > 0 && (
        <>
          {resources.length > 8 && (
            <Field label="Filter resources" className="field--inline">
              {(p) => (
                <input {...p} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
              )}
            </Field>
          )}
          <ul className="resource-list">
            {shown.map((resource) => (
              <li key={resource.id}>
                <label className="check">
                  <input
                    type="checkbox"
                    name="resources"
                    value={resource.id}
                    checked={selected.has(resource.id)}
                    onChange={(e) => toggle(resource.id, e.target.checked)}
                  />
                  <span>
                    <span className="check__title">{resource.name}</span>
                    <span className="check__desc mono">{resource.id}</span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        </>
      )}
      {error && <FieldError id="resources-error">{error}</FieldError>}
    </fieldset>
  );
}
