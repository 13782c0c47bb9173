import { useEffect, useState } from 'react';

/** `value`, but only after it stopped changing for `ms` (for search boxes). */
export function useDebounced<TValue>(value: TValue, ms = 300): TValue {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
