import { describe, expect, it } from 'vitest';
import { emptyKeyForm, type KeyFormState, OWNER_NONE, toCreateKeyInput } from './key-form.ts';

const NOW = new Date(2026, 10, 24, 12, 0, 0);
const form = (patch: Partial<KeyFormState>): KeyFormState => ({ ...emptyKeyForm('live'), ...patch });

describe('key form', () => {
  it('builds the smallest valid request: a title, a scope, never expiring', () => {
    const result = toCreateKeyInput(form({ name: '  Billing sync ', scopes: new Set(['deployment']) }), NOW);
    expect(result.input).toEqual({
      name: 'Billing sync',
      scopes: ['deployment'],
      environment: 'live',
      expiresAt: null,
    });
  });

  it('asks for a title and at least one module', () => {
    expect(toCreateKeyInput(form({}), NOW).errors).toMatchObject({
      name: expect.stringContaining('title'),
      scopes: 'Choose at least one module.',
    });
  });

  it('expires at the end of the chosen local day, and refuses past days', () => {
    const ok = toCreateKeyInput(
      form({ name: 'k', scopes: new Set(['export']), expiry: 'date', expiryDate: '2027-01-31' }),
      NOW,
    );
    expect(ok.input?.expiresAt).toBe(new Date(2027, 0, 31, 23, 59, 59, 999).toISOString());
    const past = toCreateKeyInput(
      form({ name: 'k', scopes: new Set(['export']), expiry: 'date', expiryDate: '2026-11-23' }),
      NOW,
    );
    expect(past.errors?.expiresAt).toBe('The expiry date must be in the future.');
    const missing = toCreateKeyInput(form({ name: 'k', scopes: new Set(['export']), expiry: 'date' }), NOW);
    expect(missing.errors?.expiresAt).toContain('Pick the day');
  });

  it('turns limits, allowlist, metadata and owner into the request', () => {
    const result = toCreateKeyInput(
      form({
        name: 'k',
        scopes: new Set(['export']),
        resources: new Set(['wf-2', 'wf-1']),
        owner: OWNER_NONE,
        rateLimit: '100',
        rateWindowSeconds: '60',
        quota: '1000',
        refillAmount: '500',
        refillIntervalSeconds: '86400',
        ipAllowlist: '10.0.0.0/8, 2001:db8::/32\n192.168.1.10',
        metadata: '{"team":"billing"}',
      }),
      NOW,
    );
    expect(result.input).toMatchObject({
      resources: ['wf-1', 'wf-2'],
      ownerId: null,
      rateLimit: { limit: 100, windowSeconds: 60 },
      quota: { remaining: 1000, refill: { amount: 500, intervalSeconds: 86400 } },
      ipAllowlist: ['10.0.0.0/8', '2001:db8::/32', '192.168.1.10'],
      metadata: { team: 'billing' },
    });
  });

  it('explains bad numbers, addresses and JSON next to their fields', () => {
    const result = toCreateKeyInput(
      form({
        name: 'k',
        scopes: new Set(['export']),
        resources: new Set(),
        rateLimit: '0',
        refillAmount: '5',
        ipAllowlist: 'example.com',
        metadata: '[1, 2]',
      }),
      NOW,
    );
    expect(result.errors).toMatchObject({
      resources: expect.stringContaining('at least one resource'),
      rateLimit: expect.stringContaining('at least 1'),
      quota: 'Set the starting quota to refill it.',
      ipAllowlist: '“example.com” is not an IP address or CIDR range.',
      metadata: expect.stringContaining('JSON object'),
    });
  });
});
