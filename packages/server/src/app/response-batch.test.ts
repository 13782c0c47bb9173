import { describe, expect, it } from 'vitest';
import { type HeldResponse, ResponseBatch } from './response-batch.ts';

const nextCheckPhase = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('response batch', () => {
  it('writes nothing while the batch is being read, then every answer in the order made', async () => {
    const written: number[] = [];
    const batch = new ResponseBatch(() => {});
    for (let i = 0; i < 5; i++) batch.hold({ write: () => written.push(i) });
    await Promise.resolve(); // microtasks run before the check phase
    expect(written).toEqual([]);
    expect(batch.size).toBe(5);
    await nextCheckPhase();
    expect(written).toEqual([0, 1, 2, 3, 4]);
    expect(batch.size).toBe(0);
  });

  it('writes an answer made in a later turn in a later batch, exactly once', async () => {
    const written: string[] = [];
    const batch = new ResponseBatch(() => {});
    batch.hold({ write: () => written.push('first') });
    await nextCheckPhase();
    batch.hold({
      write: () => {
        written.push('second');
        // Made while a batch is written: it waits for the next one.
        batch.hold({ write: () => written.push('third') });
      },
    });
    await nextCheckPhase();
    expect(written).toEqual(['first', 'second']);
    await nextCheckPhase();
    expect(written).toEqual(['first', 'second', 'third']);
    await nextCheckPhase();
    expect(written).toEqual(['first', 'second', 'third']);
  });

  it('reports an answer that fails to write and still writes the rest', async () => {
    const written: string[] = [];
    const failures: [unknown, HeldResponse][] = [];
    const batch = new ResponseBatch((error, held) => failures.push([error, held]));
    const broken: HeldResponse = {
      write: () => {
        throw new Error('socket gone');
      },
    };
    batch.hold({ write: () => written.push('before') });
    batch.hold(broken);
    batch.hold({ write: () => written.push('after') });
    await nextCheckPhase();
    expect(written).toEqual(['before', 'after']);
    expect(failures).toEqual([[new Error('socket gone'), broken]]);
  });
});
