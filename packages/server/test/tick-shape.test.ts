import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEYWARD_BIN, sqliteProcessEnv } from '@keyward/test-utils';
import { afterAll, describe, expect, it } from 'vitest';

const PROBE = fileURLToPath(new URL('./fixtures/print-tick-feedback.mjs', import.meta.url));

async function waitFor<T>(read: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The V8 on which the workaround was measured; elsewhere V8's inline caches may behave otherwise. */
const MEASURED_ON_V8 = /^11\.3\./;

/**
 * src/hold-tick-shape.js keeps Node's tick objects built inline. The probe collects garbage every
 * few milliseconds while the server starts, which without the held tick object leaves the tick
 * literal megamorphic every time, then prints its feedback on SIGUSR2.
 */
describe('keyward serve keeps process.nextTick building its tick object inline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-tick-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!MEASURED_ON_V8.test(process.versions.v8))(
    'leaves every step of the tick literal monomorphic after a start full of collections',
    async () => {
      // A file, not a pipe: V8 prints through C's buffered stdout, which a file keeps whole at exit.
      const outPath = join(dir, 'stdout.txt');
      const child = spawn(
        process.execPath,
        ['--allow-natives-syntax', '--expose-gc', '--import', PROBE, KEYWARD_BIN, 'serve'],
        {
          env: sqliteProcessEnv(dir, { KEYWARD_PORT: '0' }),
          stdio: ['ignore', openSync(outPath, 'w'), 'ignore'],
        },
      );
      const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
      const output = () => readFileSync(outPath, 'utf8');
      try {
        const url = await waitFor(() => /listening on (http:\/\/[\d.:]+)/.exec(output())?.[1], 'the server');
        // Requests go through Node's HTTP server, which queues ticks of its own.
        for (let i = 0; i < 20; i++) await (await fetch(`${url}/v1/verify`, { method: 'POST' })).text();
        await new Promise((resolve) => setTimeout(resolve, 3000)); // the probe's collections end
        child.kill('SIGUSR2');
        await waitFor(() => (output().includes('end of tick feedback') ? true : undefined), 'the feedback');
      } finally {
        child.kill('SIGTERM');
        await exited;
      }
      const states = [...output().matchAll(/DefineKeyedOwnPropertyInLiteral (\w+)/g)].map((m) => m[1]);
      // Four steps: two symbols, then `callback` and `args`.
      expect(states).toEqual(['MONOMORPHIC', 'MONOMORPHIC', 'MONOMORPHIC', 'MONOMORPHIC']);
    },
  );
});
