/**
 * @module Keyward processes
 *
 * Tests that need real processes (several nodes, a crash, the CLI) start them here: the
 * `keyward` bin under Node, with the environment they are given.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`keyward serve did not start: ${out}`)), timeoutMs);
    child.stdout?.on('data', (d) => {
      out += d;
      const match = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    void exited.then(() => reject(new Error(`keyward serve exited: ${out}`)));
  });
  return {
    url,
    child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
