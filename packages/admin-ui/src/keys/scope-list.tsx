/** A key's scopes as chips, the first few in full and the rest as "+n". */
export function ScopeList({ scopes, max = 3 }: { scopes: readonly string[]; max?: number }) {
  if (scopes.length === 0) return <span className="muted">none</span>;
  const shown = scopes.slice(0, max);
  const rest = scopes.length - shown.length;
  return (
    <ul className="chips" aria-label="Scopes">
      {shown.map((scope) => (
        <li key={scope} className="chip">
          {scope}
        </li>
      ))}
      {rest > 0 && (
        <li className="chip chip--more" title={scopes.slice(max).join(', ')}>
          +{rest} more
        </li>
      )}
    </ul>
  );
}
