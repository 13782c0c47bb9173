/**
 * @module Keyward process
 *
 * Starts a real Keyward server the way an operator does (`keyward serve`), in a child process
 * with a fresh data directory and a random port, and reads what it prints on the console: the
 * URL it listens on and the one-time setup token.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(import.meta.dirname, '../../../..');
const CLI = join(REPO_ROOT, 'packages/cli/bin/keyward.js');

/** A running Keyward server. */
export interface KeywardProcess {
  url: string;
  /** The first-run setup token printed on the console (undefined once an admin exists). */
  setupToken: string | undefined;
  /** Everything the process printed so far. */
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Runs `keyward serve` on 127.0.0.1 with an empty SQLite data dir, and resolves once it
 * listens.
 */
export async function startKeyward(options: { timeoutMs?: number } = {}): Promise<KeywardProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyward-ui-'));
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    // A developer's own KEYWARD_* settings (e.g. a PostgreSQL URL) must not leak in.
    if (value !== undefined && !name.startsWith('KEYWARD_')) env[name] = value;
  }
  Object.assign(env, {
    KEYWARD_DATA_DIR: dataDir,
    KEYWARD_HOST: '127.0.0.1',
    KEYWARD_PORT: '0',
    KEYWARD_LOG_LEVEL: 'warn',
  });

  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });

  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
    if (url) {
      const setupToken = /setup token: (\S+)/.exec(output)?.[1];
      return { url, setupToken, output: () => output, stop };
    }
    if (child.exitCode !== null) break;
    await new Promise((done) => setTimeout(done, 50));
  }
  await stop();
  throw new Error(`keyward serve did not start:\n${output}`);
}
