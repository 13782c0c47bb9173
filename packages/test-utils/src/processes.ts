/**
 * @module Keyward processes
 *
 * Tests that need real processes (several nodes, a crash, the CLI) start them here: the
 * `keyward` bin under Node, with the environment they are given.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A fixed pepper for tests (32 bytes, base64), as `KEYWARD_PEPPER` reads it. */
export const TEST_PEPPER = `1:${Buffer.alloc(32, 7).toString('base64')}`;

/**
 * The environment of a `keyward` process with its own SQLite database in `dataDir`, the test
 * pepper and warnings-only logs; `extra` adds or overrides variables.
 */
export function sqliteProcessEnv(dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KEYWARD_DATA_DIR: dataDir,
    KEYWARD_DATABASE_URL: '',
    KEYWARD_PEPPER: TEST_PEPPER,
    KEYWARD_LOG_LEVEL: 'warn',
    ...extra,
  };
}

/**
 * Waits for a server process to print its "listening on URL" line and returns the URL; fails
 * when the process exits first or `timeoutMs` passes.
 */
export function waitForListening(child: ChildProcess, timeoutMs = 30_000): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), timeoutMs);
    child.stdout?.on('data', (d) => {
      out += d;
      const match = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.once('close', () => {
      clearTimeout(timer);
      reject(new Error(`server exited: ${out}`));
    });
  });
}

/** Resident memory of process `pid`, in bytes (Linux). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

/** The `keyward` command of this repository. */
export const KEYWARD_BIN = fileURLToPath(new URL('../../cli/bin/keyward.js', import.meta.url));

/** Runs a `keyward` command to completion and returns its exit code and output. */
export function runKeyward(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [KEYWARD_BIN, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Bootstraps the database named by `env` and returns the admin key. */
export async function bootstrapWithCli(env: NodeJS.ProcessEnv): Promise<{ apiKey: string; orgId: string }> {
  const { code, stdout, stderr } = await runKeyward(
    [
      'bootstrap',
      '--org',
      'Acme',
      '--email',
      'ops@acme.test',
      '--password',
      'correct horse battery',
      '--json',
    ],
    env,
  );
  if (code !== 0) throw new Error(`bootstrap failed: ${stderr}`);
  const result = JSON.parse(stdout) as { apiKey: string; org: { id: string } };
  return { apiKey: result.apiKey, orgId: result.org.id };
}

/** A running `keyward serve` process. */
export interface KeywardProcess {
  url: string;
  child: ChildProcess;
  /** SIGTERM (or the given signal), resolved when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `keyward serve` on a free port and waits until it listens. */
export async function startKeyward(env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<KeywardProcess> {
  const child = spawn(process.execPath, [KEYWARD_BIN, 'serve'], { env: { KEYWARD_PORT: '0', ...env } });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.stderr?.resume();
  const url = await waitForListening(child, timeoutMs);
  return {
    url,
    child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
