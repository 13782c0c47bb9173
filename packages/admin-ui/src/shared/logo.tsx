/** Keyward's mark: a key. Decorative; the product name is always written beside it. */
export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      <circle cx="8" cy="12" r="5" fill="none" stroke="currentColor" strokeWidth="2.5" />
      <path
        d="M13 12h9M19 12v4M22 12v3"
        fill="none"
        stroke="currentColor"
        strokeWidth="2.5"
        strokeLinecap="round"
      />
    </svg>
  );
}
