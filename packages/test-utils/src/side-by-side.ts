/**
 * @module Side by side
 *
 * HTTP load helpers shared by `npm run bench` and the performance guards in the test suite.
 * Servers run as child processes pinned to one core with `taskset` (when available); the load
 * generator (autocannon) runs in this process, pinned to the other core. Two servers are
 * compared in alternating rounds ({@link sideBySide}), so a change in the neighbours' load
 * between two runs moves both, and each round also reads the server's CPU time per request,
 * which moves far less than requests per second on a shared machine.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { waitForListening } from './processes.ts';

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
/** Without valgrind, instructions per request (bench/instructions-per-request.sh) are not counted. */
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
  /** Requests answered in the run. */
  requests: number;
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
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system, all threads) process `pid` has used so far, in µs; null without /proc. */
export function cpuMicrosOf(pid: number): number | null {
  try {
    // Fields 14 and 15 (utime, stime) follow the command name, which is in parentheses.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1e6) / CLOCK_TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}

/** One load run against one server, with the server's CPU time per request. */
export interface Round extends LoadResult {
  /** Server CPU (user + system) per answered request, in µs; null where it cannot be read. */
  cpuMicrosPerRequest: number | null;
  /**
   * Share of one core the server and the load generator (this process) used during the run.
   * A server well under 1 while the generator is near 1 was waiting for its load: the round
   * measured the generator more than the server.
   */
  busy: { server: number | null; generator: number };
}

type LoadOptions = Parameters<typeof load>[0];

/** Runs `options` against `server` and reads the server's CPU before and after. */
export async function measuredRun(server: Spawned, options: LoadOptions): Promise<Round> {
  const pid = server.child.pid ?? 0;
  const before = cpuMicrosOf(pid);
  const generatorBefore = process.cpuUsage();
  const started = performance.now();
  const result = await load(options);
  const wallMicros = (performance.now() - started) * 1000;
  const generator = process.cpuUsage(generatorBefore);
  const after = cpuMicrosOf(pid);
  const serverMicros = before === null || after === null ? null : after - before;
  return {
    ...result,
    cpuMicrosPerRequest:
      serverMicros === null || result.requests === 0 ? null : serverMicros / result.requests,
    busy: {
      server: serverMicros === null ? null : serverMicros / wallMicros,
      generator: (generator.user + generator.system) / wallMicros,
    },
  };
}

/** A server under test and the load to send it. */
export interface Side {
  server: Spawned;
  load: LoadOptions;
}

/** What {@link sideBySide} measured: every round of both, and the figures to quote. */
export interface SideBySideResult {
  baseline: Round[];
  contender: Round[];
  /** Contender / baseline requests per second, round by round. */
  ratios: number[];
  /** The median of {@link ratios}. */
  ratio: number;
  /**
   * Baseline / contender median CPU per request: the throughput ratio the two would have if
   * each had a core to itself; null where CPU cannot be read.
   */
  cpuRatio: number | null;
  /** Medians over the rounds, per side. */
  medians: { baseline: Round; contender: Round };
  /**
   * Rounds in which the baseline was held back by the load generator (see
   * {@link isGeneratorBound}): there the throughput ratio flatters the contender, and the CPU
   * ratio is the figure to read.
   */
  generatorBoundRounds: number;
  /** The median ratio over the other rounds, where the baseline was the bottleneck; null if none. */
  serverBoundRatio: number | null;
}

/**
 * Whether a round measured the load generator more than the server: the generator used nearly
 * all of its core while the server left a tenth of its own unused.
 */
export function isGeneratorBound(round: Round): boolean {
  return round.busy.server !== null && round.busy.server < 0.9 && round.busy.generator >= 0.95;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function medianRound(rounds: Round[]): Round {
  const of = (pick: (r: Round) => number) => median(rounds.map(pick));
  const cpu = rounds.map((r) => r.cpuMicrosPerRequest);
  return {
    requests: of((r) => r.requests),
    requestsPerSecond: of((r) => r.requestsPerSecond),
    p50Ms: of((r) => r.p50Ms),
    p99Ms: of((r) => r.p99Ms),
    non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    cpuMicrosPerRequest: cpu.every((c) => c !== null) ? median(cpu as number[]) : null,
    busy: {
      server: rounds.every((r) => r.busy.server !== null) ? of((r) => r.busy.server as number) : null,
      generator: of((r) => r.busy.generator),
    },
  };
}

/**
 * Alternates runs of the same length against a baseline and a contender, `rounds` times each,
 * swapping which goes first every round, so whatever else the machine does falls on both.
 * Quote the median ratio; the rounds show the spread.
 */
export async function sideBySide(options: {
  baseline: Side;
  contender: Side;
  rounds: number;
  seconds: number;
}): Promise<SideBySideResult> {
  const baseline: Round[] = [];
  const contender: Round[] = [];
  const run = (side: Side) => measuredRun(side.server, { ...side.load, seconds: options.seconds });
  for (let round = 0; round < options.rounds; round++) {
    if (round % 2 === 0) {
      baseline.push(await run(options.baseline));
      contender.push(await run(options.contender));
    } else {
      contender.push(await run(options.contender));
      baseline.push(await run(options.baseline));
    }
  }
  const ratios = contender.map((c, i) => c.requestsPerSecond / (baseline[i] as Round).requestsPerSecond);
  const medians = { baseline: medianRound(baseline), contender: medianRound(contender) };
  const cpuRatio =
    medians.baseline.cpuMicrosPerRequest !== null && medians.contender.cpuMicrosPerRequest !== null
      ? medians.baseline.cpuMicrosPerRequest / medians.contender.cpuMicrosPerRequest
      : null;
  const serverBound = ratios.filter((_, i) => !isGeneratorBound(baseline[i] as Round));
  return {
    baseline,
    contender,
    ratios,
    ratio: median(ratios),
    cpuRatio,
    medians,
    generatorBoundRounds: ratios.length - serverBound.length,
    serverBoundRatio: serverBound.length > 0 ? median(serverBound) : null,
  };
}
