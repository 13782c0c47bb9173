import type { Scope } from '../shared/api-types.ts';
import { FieldError } from '../shared/field.tsx';
import { groupByModule } from './use-catalog.ts';

/** Props of {@link ScopePicker}. */
export interface ScopePickerProps {
  scopes: readonly Scope[];
  selected: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
  error?: string | undefined;
}

/**
 * The scope catalogue as checkboxes, one group per module ("Deployment API", "Check Dedupe",
 * …). A module with several scopes also gets a "whole module" checkbox.
 */
export function ScopePicker({ scopes, selected, onChange, error }: ScopePickerProps) {
  const toggle = (names: string[], isOn: boolean) => {
    const next = new Set(selected);
    for (const name of names) {
      if (isOn) next.add(name);
      else next.delete(name);
    }
    onChange(next);
  };

  return (
    <fieldset
      className={`fieldset${error ? ' fieldset--invalid' : ''}`}
      aria-describedby={error ? 'scopes-error' : 'scopes-hint'}
    >
      <legend className="fieldset__legend">Modules and scopes</legend>
      <p className="field__hint" id="scopes-hint">
        Grant access to individual APIs or any combination of them.
      </p>
      <div className="modules">
        {groupByModule(scopes).map((group) => {
          const names = group.scopes.map((s) => s.name);
          const count = names.filter((n) => selected.has(n)).length;
          return (
            <fieldset
              key={group.module}
              className={`module${group.scopes.length > 4 ? ' module--wide' : ''}`}
            >
              {group.scopes.length > 1 ? (
                <legend className="module__legend">
                  <label className="check check--module">
                    <input
                      type="checkbox"
                      checked={count === names.length}
                      ref={(el) => {
                        if (el) el.indeterminate = count > 0 && count < names.length;
                      }}
                      onChange={(e) => toggle(names, e.target.checked)}
                    />
                    <span>
                      {group.title}
                      <span className="visually-hidden"> (all scopes)</span>
                    </span>
                  </label>
                </legend>
              ) : (
                <legend className="visually-hidden">{group.title}</legend>
              )}
              <ul className="module__scopes">
                {group.scopes.map((scope) => (
                  <li key={scope.name}>
                    <label className="check">
                      <input
                        type="checkbox"
                        name="scopes"
                        value={scope.name}
                        checked={selected.has(scope.name)}
                        onChange={(e) => toggle([scope.name], e.target.checked)}
                      />
                      <span>
                        <span className="check__title">
                          {group.scopes.length > 1 ? scope.name : group.title}
                        </span>
                        <span className="check__desc">
                          {group.scopes.length > 1
                            ? scope.description
                            : `${scope.name} · ${scope.description}`}
                        </span>
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
            </fieldset>
          );
        })}
      </div>
      {error && <FieldError id="scopes-error">{error}</FieldError>}
    </fieldset>
  );
}
