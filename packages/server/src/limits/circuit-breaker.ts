/**
 * @module Circuit breaker
 *
 * Tells a dependency that is slow now and then from one that is down. One failure (a command
 * that timed out) changes nothing; `failureThreshold` failures in a row open the circuit, and
 * while it is open calls are refused at once instead of each waiting out its timeout. After
 * `openMs` one call is let through as a probe (half-open): its success closes the circuit, its
 * failure opens it for another `openMs`.
 */

/** The states of a {@link CircuitBreaker}. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Counts consecutive failures of a dependency and decides whether to call it. */
export interface CircuitBreaker {
  /** Whether a call may go out now (the circuit is closed, or this call is the probe). */
  allows(now: number): boolean;
  /** The call went out and succeeded. */
  succeeded(): void;
  /** The call went out and failed. */
  failed(now: number): void;
  state(): CircuitState;
}

/**
 * A breaker that opens after `failureThreshold` consecutive failures, for `openMs`.
 *
 * @example
 * const breaker = createCircuitBreaker({ failureThreshold: 5, openMs: 1000 });
 * if (breaker.allows(Date.now())) call().then(breaker.succeeded, () => breaker.failed(Date.now()));
 */
export function createCircuitBreaker(options: {
  failureThreshold: number;
  openMs: number;
  onStateChange?: (state: CircuitState) => void;
}): CircuitBreaker {
  let state: CircuitState = 'closed';
  let failures = 0;
  let openedAt = 0;
  const become = (next: CircuitState) => {
    if (state === next) return;
    state = next;
    options.onStateChange?.(next);
  };
  return {
    allows(now) {
      if (state === 'closed') return true;
      if (state === 'open' && now - openedAt >= options.openMs) {
        become('half-open');
        return true;
      }
      return false;
    },
    succeeded() {
      failures = 0;
      become('closed');
    },
    failed(now) {
      failures++;
      if (state === 'half-open' || failures >= options.failureThreshold) {
        openedAt = now;
        become('open');
      }
    },
    state: () => state,
  };
}
