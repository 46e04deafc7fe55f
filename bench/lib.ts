import { randomFillSync } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatClientId } from '@kefu/core';

/** One figure of a benchmark, always against a baseline measured in the same run (../shared/docs/BENCH.md). */
export interface Metric {
  id: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number;
  ratio: number;
  target: string;
  pass: boolean;
}

export interface BenchResult {
  name: string;
  date: string;
  machine: { cpus: number; node: string; db?: string; code?: 'build' | 'sources' };
  metrics: Metric[];
  notes?: string;
}

export interface BenchOptions {
  quick: boolean;
}

/** A benchmark module exports `name` and `run`. */
export interface Bench {
  name: string;
  run(opts: BenchOptions): Promise<BenchResult>;
}

/**
 * Builds a metric; `check` decides pass from value, baseline and ratio, so pass is never written by hand.
 */
export function metric(
  id: string,
  value: number,
  unit: string,
  baseline: string,
  baselineValue: number,
  target: string,
  check: (m: { value: number; baselineValue: number; ratio: number }) => boolean,
): Metric {
  const ratio = baselineValue === 0 ? Number.POSITIVE_INFINITY : value / baselineValue;
  const rounded = (n: number) => (Number.isFinite(n) ? Math.round(n * 1000) / 1000 : n);
  return {
    id,
    value: rounded(value),
    unit,
    baseline,
    baselineValue: rounded(baselineValue),
    ratio: rounded(ratio),
    target,
    pass: check({ value, baselineValue, ratio }),
  };
}

/**
 * Whether the packages run from their TypeScript sources (`KEFU_BENCH_SOURCES=1`: node's `source` condition, through
 * tsx) rather than from the build that `npm start` runs (`npm run bench` builds first). tsx compiles with esbuild's
 * `keepNames`, which wraps every function made at run time in a `__name(fn, …)` call: closures made per message cost
 * more than they do in the build (bench/README.md §What runs).
 */
export const SOURCES = process.execArgv.includes('--conditions=source');

/** `execArgv` for a bench's client process: TypeScript through tsx, the packages as this process loads them. */
export const CHILD_EXEC_ARGV: readonly string[] = [...(SOURCES ? ['--conditions=source'] : []), '--import', 'tsx'];

export function result(name: string, metrics: Metric[], extra: { db?: string; notes?: string } = {}): BenchResult {
  return {
    name,
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version, ...(extra.db ? { db: extra.db } : {}), code: SOURCES ? 'sources' : 'build' },
    metrics,
    ...(extra.notes ? { notes: extra.notes } : {}),
  };
}

/** Percentile (0..100) of a list of numbers, nearest-rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');

export function writeResult(res: BenchResult): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${res.name}.json`);
  writeFileSync(file, JSON.stringify(res, null, 1) + '\n');
  return file;
}

/**
 * CPU time of one thread of this process so far (µs; the main thread by default), from /proc (Linux; 10 ms ticks);
 * null elsewhere. Unlike wall time it barely moves when another process shares the cores, so per-message CPU
 * compares runs on a busy machine.
 */
export function threadCpuUs(tid: number | null = process.pid): number | null {
  if (tid === null) return null;
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10_000; // utime + stime in clock ticks of 10 ms
  } catch {
    return null;
  }
}

/**
 * CPU µs of this process's threads so far, summed by thread name: "main" for the event loop, the names the server's
 * background threads give themselves (kefu-assist, kefu-rollup, kefu-wal, kefu-train) and "node" for the rest (V8's
 * GC and compiler helpers, libuv's pool). Empty where /proc is missing.
 */
export function threadsCpuByName(): Map<string, number> {
  const out = new Map<string, number>();
  for (const { tid, name } of threadsOf()) {
    const us = threadCpuUs(tid);
    if (us !== null) out.set(name, (out.get(name) ?? 0) + us);
  }
  return out;
}

/** The threads of process `pid` (this one by default) by id and name ("main" for the process's own), from /proc; empty where it is missing. */
function threadsOf(pid = process.pid): Array<{ tid: number; name: string }> {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: Array<{ tid: number; name: string }> = [];
  for (const t of tids) {
    const tid = Number(t);
    try {
      out.push({ tid, name: tid === pid ? 'main' : readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim() });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/** One thread's scheduler counters from `/proc/<pid>/task/<tid>/schedstat` (Linux): ns on a CPU, ns runnable but waiting for one. */
export interface ThreadSched {
  tid: number;
  name: string;
  runNs: number;
  waitNs: number;
}

/**
 * Every thread of process `pid` (this one by default) with its scheduler counters: how long each ran, and how long it
 * was ready to run while every core was taken (the run queue's wait). Empty where /proc is missing. On two shared cores
 * this tells a thread that was busy from one that was starved.
 */
export function schedByThread(pid = process.pid): ThreadSched[] {
  const out: ThreadSched[] = [];
  for (const { tid, name } of threadsOf(pid)) {
    try {
      const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ');
      out.push({ tid, name, runNs: Number(run), waitNs: Number(wait) });
    } catch {
      // the thread ended since the listing
    }
  }
  return out;
}

/** A clientId as the widget makes one (`formatClientId`, docs/REALTIME.md §Client ids): the benches' clients stand for it. */
export function newClientId(prefix: string): string {
  return formatClientId(prefix, Date.now(), randomFillSync(new Uint8Array(12)));
}

/** What each thread ran and waited between two `schedByThread` snapshots (ms), summed by name; threads that began meanwhile count from 0. */
export function schedDelta(before: ThreadSched[], after: ThreadSched[]): Map<string, { runMs: number; waitMs: number }> {
  const prior = new Map(before.map((t) => [t.tid, t]));
  const out = new Map<string, { runMs: number; waitMs: number }>();
  for (const t of after) {
    const b = prior.get(t.tid);
    const e = out.get(t.name) ?? { runMs: 0, waitMs: 0 };
    e.runMs += (t.runNs - (b?.runNs ?? 0)) / 1e6;
    e.waitMs += (t.waitNs - (b?.waitNs ?? 0)) / 1e6;
    out.set(t.name, e);
  }
  return out;
}

/**
 * Watches this thread's event loop: a 4 ms timer that fires more than `overMs` late means the loop was held (or the
 * process descheduled) for that long; `onGap(start, ms)` gets each such gap (`performance.now()` clock). Returns stop.
 */
export function watchEventLoopGaps(overMs: number, onGap: (start: number, ms: number) => void): () => void {
  let last = performance.now();
  const timer = setInterval(() => {
    const t = performance.now();
    if (t - last > overMs) onGap(last, t - last);
    last = t;
  }, 4);
  return () => clearInterval(timer);
}

/** Signs in through the API; returns the session cookie (`kefu_session=…`). */
export async function login(base: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const m = /kefu_session=([^;]*)/.exec(res.headers.get('set-cookie') ?? '');
  if (!m) throw new Error(`login failed for ${email}`);
  return `kefu_session=${m[1]}`;
}

/**
 * A CPU profile of this thread (the server's event loop, when the server runs in the bench process) from now until
 * `stop`, which writes it to `file` (`.cpuprofile`, for Chrome DevTools).
 */
export function cpuProfile(): { stop(file: string): Promise<void> } {
  const s = new Session();
  s.connect();
  // Every 100 µs (V8's default is 1 ms): a timed part of a few hundred milliseconds still gives thousands of samples.
  s.post('Profiler.enable', () => s.post('Profiler.setSamplingInterval', { interval: 100 }, () => s.post('Profiler.start')));
  return recording(s, (done) => s.post('Profiler.stop', (err, res) => done(err, res?.profile)));
}

/**
 * Samples this thread's allocations from now until `stop`, which writes a `.heapprofile` (Chrome DevTools, Memory tab),
 * by allocating function. `all`: every allocation, collected ones too — what the scavenger has to deal with. `promoted`:
 * those no scavenge freed — moved to (or made in) the old generation, or still alive at `stop` — what brings on full
 * collections.
 */
export function heapProfile(keep: 'all' | 'promoted' = 'all'): { stop(file: string): Promise<void> } {
  const s = new Session();
  s.connect();
  s.post('HeapProfiler.enable', () =>
    s.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: keep === 'all' }),
  );
  return recording(s, (done) => s.post('HeapProfiler.stopSampling', (err, res) => done(err, res?.profile)));
}

/** A recording on `s` that `stop` ends (`end` asks the inspector for its result), writing the result to `file` as JSON. */
function recording(s: Session, end: (done: (err: Error | null, profile: unknown) => void) => void): { stop(file: string): Promise<void> } {
  return {
    stop: (file) =>
      new Promise<void>((resolve) =>
        end((err, profile) => {
          if (!err) writeFileSync(file, JSON.stringify(profile));
          s.disconnect();
          resolve();
        }),
      ),
  };
}
