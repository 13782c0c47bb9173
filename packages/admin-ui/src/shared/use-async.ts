import { useCallback, useEffect, useRef, useState } from 'react';
import { type ApiError, toApiError } from './api-client.ts';

/** State of a load started by {@link useAsync}. */
export interface AsyncState<TData> {
  data: TData | undefined;
  error: ApiError | undefined;
  isLoading: boolean;
  /** Loads again with the same key (e.g. after a change). */
  reload: () => void;
  /** Replaces the data in place, e.g. with the answer of a PATCH. */
  setData: (data: TData) => void;
}

/**
 * Runs `load` whenever `key` changes (and on `reload()`), aborting the previous run, and keeps
 * the latest data, error and loading flag. `key` names everything the load depends on, e.g.
 * `keys?status=active&cursor=…`; pass null to load nothing.
 *
 * @example
 * const key = useAsync(`key:${id}`, (signal) => api.keys.get(id, signal));
 */
export function useAsync<TData>(
  key: string | null,
  load: (signal: AbortSignal) => Promise<TData>,
): AsyncState<TData> {
  const [data, setData] = useState<TData | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [isLoading, setIsLoading] = useState(key !== null);
  const [nonce, setNonce] = useState(0);
  // The latest `load` is read through a ref, so an inline arrow does not restart the effect.
  const loadRef = useRef(load);
  loadRef.current = load;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `nonce` is how reload() asks for a new run.
  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    setIsLoading(true);
    setError(undefined);
    loadRef.current(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setIsLoading(false);
      },
      (cause: unknown) => {
        if (controller.signal.aborted) return;
        setError(toApiError(cause));
        setIsLoading(false);
      },
    );
    return () => controller.abort();
  }, [key, nonce]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data, error, isLoading, reload, setData };
}
