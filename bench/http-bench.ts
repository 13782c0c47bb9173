/**
 * @module HTTP benchmark helpers
 *
 * Servers run as child processes pinned to one core with `taskset` (when available); the load
 * generator (autocannon) runs in this process, pinned to the other core.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { waitForListening } from '@keyward/test-utils';
import autocannon from 'autocannon';

/** Whether `command args…` runs here, i.e. the tool is installed and usable. */
function runs(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const HAS_TASKSET = runs('taskset', ['-p', String(process.pid)]);
/** Without valgrind, the instruction count (bench/instructions-per-request.sh) is left out. */
export const HAS_VALGRIND = runs('valgrind', ['--version']);

/** Pins this process (the load generator) to core 0. */
export function pinSelf(): void {
  if (HAS_TASKSET) execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
}

export interface Spawned {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `node args…` on core 1 and waits for its "listening on URL" line. */
export async function startPinned(args: string[], env: NodeJS.ProcessEnv): Promise<Spawned> {
  const command = HAS_TASKSET ? 'taskset' : process.execPath;
  const argv = HAS_TASKSET ? ['-c', '1', process.execPath, ...args] : args;
  const child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await waitForListening(child);
  return {
    url,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('close', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/** Runs autocannon against `url` and returns throughput and latency. */
export async function load(options: {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections?: number;
  seconds: number;
}): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    connections: options.connections ?? 50,
    duration: options.seconds,
    pipelining: 1,
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
