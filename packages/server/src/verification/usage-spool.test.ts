import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createUsageSpool, type SpooledUsage } from './usage-spool.ts';

const USAGE: SpooledUsage = {
  counts: [{ key_id: 'key_a', hour: 3_600_000, outcome: 'VALID', count: 7 }],
  lastUsed: [['key_a', 3_600_123]],
};

describe('usage spool', () => {
  const dirs: string[] = [];
  const spoolDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyward-spool-'));
    dirs.push(dir);
    return join(dir, 'usage-spool');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('replays what was saved, once, and removes the file', async () => {
    const dir = spoolDir();
    const spool = createUsageSpool(dir);
    spool.save(USAGE);
    spool.save(USAGE);
    const written: SpooledUsage[] = [];
    expect(await spool.replay(async (usage) => void written.push(usage))).toBe(2);
    expect(written).toEqual([USAGE, USAGE]);
    expect(readdirSync(dir)).toEqual([]);
    expect(await spool.replay(async (usage) => void written.push(usage))).toBe(0);
  });

  it('keeps a file whose write failed for the next start', async () => {
    const dir = spoolDir();
    const spool = createUsageSpool(dir);
    spool.save(USAGE);
    await expect(
      spool.replay(async () => {
        throw new Error('database away');
      }),
    ).rejects.toThrow('database away');
    expect(readdirSync(dir)).toHaveLength(1);
    expect(readdirSync(dir)[0]).toMatch(/\.json$/);
    const written: SpooledUsage[] = [];
    expect(await spool.replay(async (usage) => void written.push(usage))).toBe(1);
    expect(written).toEqual([USAGE]);
  });

  it('replays nothing when nothing was ever spooled', async () => {
    expect(await createUsageSpool(spoolDir()).replay(async () => {})).toBe(0);
  });
});
