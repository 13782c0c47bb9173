/** Props of {@link Switch}. */
export interface SwitchProps {
  isOn: boolean;
  label: string;
  onChange: (next: boolean) => void;
  isDisabled?: boolean;
}

/** An on/off switch (a button with role `switch`), labelled and keyboard-operable. */
export function Switch({ isOn, label, onChange, isDisabled = false }: SwitchProps) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={isOn}
      className={`switch${isOn ? ' switch--on' : ''}`}
      onClick={() => onChange(!isOn)}
      disabled={isDisabled}
    >
      <span className="switch__track" aria-hidden="true">
        <span className="switch__thumb" />
      </span>
      <span className="switch__label">{label}</span>
      <span className="switch__state" aria-hidden="true">
        {isOn ? 'On' : 'Off'}
      </span>
    </button>
  );
}
