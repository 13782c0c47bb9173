import type { VerifiableKey } from '@keyward/core';
import { describe, expect, it } from 'vitest';
import { createCachedKeyLookup } from './cached-key-lookup.ts';
import { createLocalInvalidationBus } from './invalidation-bus.ts';

describe('key cache', () => {
  it('remembers an id that is not there, until a key event about it arrives', async () => {
    const bus = createLocalInvalidationBus();
    const stored = new Map<string, VerifiableKey>();
    let loads = 0;
    const lookup = createCachedKeyLookup({
      bus,
      load: async (id) => {
        loads++;
        return stored.get(id);
      },
    });
    expect(await lookup.findByKeyId('abcdefghijkl')).toBeUndefined();
    expect(await lookup.findByKeyId('abcdefghijkl')).toBeUndefined();
    expect(loads).toBe(1);
    // The key is made (on this node or another): its creation is announced, the id forgotten.
    stored.set('abcdefghijkl', { id: 'key_abcdefghijkl' } as VerifiableKey);
    await bus.publish({ type: 'key', keyId: 'key_abcdefghijkl', orgId: 'org_1' });
    expect(await lookup.findByKeyId('abcdefghijkl')).toMatchObject({ id: 'key_abcdefghijkl' });
    expect(loads).toBe(2);
    lookup.close();
  });

  it('keeps no more unknown ids than it is allowed, dropping the oldest', async () => {
    let loads = 0;
    const lookup = createCachedKeyLookup({
      bus: createLocalInvalidationBus(),
      maxMissingEntries: 2,
      load: async () => {
        loads++;
        return undefined;
      },
    });
    for (const id of ['a', 'b', 'c']) await lookup.findByKeyId(id);
    await lookup.findByKeyId('c');
    await lookup.findByKeyId('b');
    expect(loads).toBe(3);
    await lookup.findByKeyId('a');
    expect(loads).toBe(4);
    lookup.close();
  });
});
