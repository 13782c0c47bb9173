import { describe, expect, it } from 'vitest';
import { createCircuitBreaker } from './circuit-breaker.ts';

describe('circuit breaker', () => {
  it('stays closed through failures fewer than the threshold, and a success resets the count', () => {
    const breaker = createCircuitBreaker({ failureThreshold: 3, openMs: 1000 });
    breaker.failed(0);
    breaker.failed(1);
    breaker.succeeded();
    breaker.failed(2);
    breaker.failed(3);
    expect(breaker.state()).toBe('closed');
    expect(breaker.allows(4)).toBe(true);
  });

  it('opens on consecutive failures and refuses calls until the open time has passed', () => {
    const states: string[] = [];
    const breaker = createCircuitBreaker({
      failureThreshold: 2,
      openMs: 1000,
      onStateChange: (state) => states.push(state),
    });
    breaker.failed(0);
    breaker.failed(10);
    expect(breaker.state()).toBe('open');
    expect(breaker.allows(500)).toBe(false);
    expect(breaker.allows(1010)).toBe(true);
    // Only one probe while half-open.
    expect(breaker.allows(1011)).toBe(false);
    breaker.succeeded();
    expect(breaker.allows(1012)).toBe(true);
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('opens again when the probe fails', () => {
    const breaker = createCircuitBreaker({ failureThreshold: 2, openMs: 1000 });
    breaker.failed(0);
    breaker.failed(0);
    expect(breaker.allows(1000)).toBe(true);
    breaker.failed(1000);
    expect(breaker.state()).toBe('open');
    expect(breaker.allows(1999)).toBe(false);
    expect(breaker.allows(2000)).toBe(true);
  });
});
