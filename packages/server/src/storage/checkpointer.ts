import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

/**
 * WAL checkpoints in a worker thread. SQLite checkpoints automatically inside a COMMIT once the log passes
 * `wal_autocheckpoint` pages: with better-sqlite3 that is on the event loop, copying tens of MiB back into the
 * database file and fsyncing it — measured 10–85 ms stalls in the realtime bench, every ~40 MiB of log, each one a
 * latency spike for every socket. Here a second connection in a worker runs `wal_checkpoint(PASSIVE)` whenever the
 * log has grown past `thresholdBytes` (checked every `intervalMs`, 250 ms): PASSIVE never blocks the writer, and once it has
 * copied every frame the next write transaction starts the log over from the beginning, so the file stays bounded.
 * Under a steady stream of commits (a busy shop) one PASSIVE run rarely ends with every frame copied: commits land while
 * it runs, the log never starts over and the file grows without end (measured: ~140 MB in the realtime bench's 30 s).
 * So the worker chases: it runs again at once, each round copying only what was committed during the one before
 * (shorter each time), up to `maxRounds`, until a round finds nothing new and the whole log copied. Under load a round
 * (two fsyncs) outlasts the gap between commits and the chase never settles (measured in the realtime bench: 8 rounds,
 * the log still growing): then, if the log has passed the threshold, the writer's own connection copies the few frames
 * left (`finish`, a millisecond or two on the event loop), and its next commit starts the log over.
 * The main connection keeps a far higher automatic checkpoint as a backstop (`backstopPages`), restored to its usual
 * value if the worker dies.
 */
export interface Checkpointer {
  /** Checkpoints now (tests, shutdown); resolves with what SQLite reported. */
  checkpoint(): Promise<CheckpointResult>;
  /** Worker runs, their time, failed runs, and runs the writer's connection finished (`finish`). */
  readonly stats: { runs: number; busyMs: number; failures: number; finishes: number };
  /** The log file size past which it checkpoints. */
  readonly thresholdBytes: number;
  /** Calls `fn` after each checkpoint with what SQLite reported and when it ended (`performance.now()`; bench timelines). */
  onRun(fn: ((r: CheckpointResult, endedAt: number) => void) | null): void;
  close(): Promise<void>;
}

export interface CheckpointResult {
  busy: number;
  /** Frames in the log and frames copied back, after the last round. */
  log: number;
  checkpointed: number;
  /** PASSIVE checkpoints run (1 + the rounds that chased frames committed meanwhile). */
  rounds: number;
  /** A round found the log unchanged and wholly copied: the next commit starts it over. */
  settled: boolean;
  /** Time in the worker. */
  ms: number;
  /** Time the writer's connection spent copying what the worker's rounds left (`finish`), if it ran; else 0. */
  finishMs: number;
}

// Plain CommonJS so the same code runs from the sources (tests, tsx) and the build; `workerData.module` is the
// resolved better-sqlite3 entry.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
// Named for \`top -H\` (jobs/thread-priority.ts nameThread; this code is eval'd, so the same two lines here).
try { require('node:fs').writeFileSync('/proc/thread-self/comm', 'kefu-wal'); } catch {}
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = FULL');
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  const t = performance.now();
  try {
    let r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    let rounds = 1;
    let settled = false;
    // 'log' is the log as this round found it: commits made while it ran are not in it. Chase them: run again, each
    // round copying only what was committed during the one before (shorter each time), until a round finds the log
    // unchanged and wholly copied; the next commit then starts the log over.
    while (r.busy === 0 && rounds < workerData.maxRounds) {
      const next = db.pragma('wal_checkpoint(PASSIVE)')[0];
      rounds++;
      settled = next.log === r.log && next.checkpointed === next.log;
      r = next;
      if (settled) break;
    }
    parentPort.postMessage({ busy: r.busy, log: r.log, checkpointed: r.checkpointed, rounds, settled, ms: performance.now() - t, finishMs: 0 });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err), ms: performance.now() - t });
  }
});
parentPort.postMessage('ready');
`;

/**
 * How often the log file's size is looked at. Under a peak the writer adds 50–70 MiB of log a second (a commit of a few
 * messages rewrites ~6 pages per message: rows and index leaves), so with a check once a second the log reached
 * 48–78 MiB before a checkpoint started (realtime bench, threshold 16 MiB); a `stat` in libuv's pool costs microseconds.
 */
const CHECK_EVERY_MS = 250;

export function startCheckpointer(
  raw: SQLite.Database,
  path: string,
  opts: {
    thresholdBytes?: number;
    intervalMs?: number;
    backstopPages?: number;
    maxRounds?: number;
    /**
     * Copies what the worker's rounds left, on the writer's own connection (between its transactions): the writer is the
     * only one committing, so once it has checkpointed, its next commit starts the log over for sure.
     */
    finish?: () => Promise<unknown> | unknown;
  } = {},
): Checkpointer {
  const threshold = opts.thresholdBytes ?? 16 * 1024 * 1024;
  // The connection's own setting, put back if the worker dies.
  const normalPages = Number(raw.pragma('wal_autocheckpoint', { simple: true }));
  const stats = { runs: 0, busyMs: 0, failures: 0, finishes: 0 };
  // A log frame: a page and its 24-byte header.
  const frameBytes = Number(raw.pragma('page_size', { simple: true })) + 24;
  // Unlike the assist and rollup workers this thread keeps the event loop's priority (docs/decisions/0004): its rounds
  // are what bounds the log, and it is woken a few times a second at most (`CHECK_EVERY_MS`), not per message.
  const worker = new Worker(WORKER, { eval: true, workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3'), path, maxRounds: opts.maxRounds ?? 4 } });
  worker.unref();
  raw.pragma(`wal_autocheckpoint = ${opts.backstopPages ?? 100_000}`);
  let closed = false;
  let waiting: Array<{ resolve(r: CheckpointResult): void; reject(e: Error): void }> = [];
  let inflight: Promise<CheckpointResult> | null = null;
  let observer: ((r: CheckpointResult, endedAt: number) => void) | null = null;

  const fail = (err: Error) => {
    // Without the worker, the main connection checkpoints on its own again, as before.
    if (!closed) {
      process.emitWarning(`WAL checkpointer stopped (${err.message}); SQLite checkpoints in commits again`);
      if (raw.open) raw.pragma(`wal_autocheckpoint = ${normalPages}`);
    }
    closed = true;
    clearInterval(timer);
    for (const w of waiting) w.reject(err);
    waiting = [];
  };
  worker.on('message', (m: 'ready' | (CheckpointResult & { error?: string })) => {
    if (m === 'ready') return;
    const w = waiting.shift();
    stats.runs++;
    stats.busyMs += m.ms;
    if (m.error) {
      stats.failures++;
      w?.reject(new Error(m.error));
    } else w?.resolve(m);
  });
  worker.on('error', (err) => fail(err));
  worker.on('exit', () => fail(new Error('checkpointer exited')));

  const inWorker = () =>
    new Promise<CheckpointResult>((resolve, reject) => {
      waiting.push({ resolve, reject });
      worker.postMessage('checkpoint');
    });
  const checkpoint = (): Promise<CheckpointResult> => {
    if (closed) return Promise.reject(new Error('checkpointer closed'));
    inflight ??= inWorker()
      .then(async (r) => {
        // Only for a log past the threshold: a shorter one costs little to keep, and the finish blocks the event loop
        // for two fsyncs (slow on a slow disk).
        if (!r.settled && r.busy === 0 && opts.finish && !closed && r.log * frameBytes >= threshold) {
          const t = performance.now();
          await opts.finish();
          r.finishMs = performance.now() - t;
          stats.finishes++;
        }
        observer?.(r, performance.now());
        return r;
      })
      .finally(() => {
        inflight = null;
      });
    return inflight;
  };

  const timer = setInterval(() => {
    if (inflight || closed) return;
    void stat(`${path}-wal`)
      .then((s) => (s.size >= threshold && !inflight && !closed ? checkpoint() : undefined))
      .catch(() => {});
  }, opts.intervalMs ?? CHECK_EVERY_MS);
  timer.unref();

  return {
    checkpoint,
    stats,
    thresholdBytes: threshold,
    onRun(fn) {
      observer = fn;
    },
    async close() {
      if (closed) return;
      clearInterval(timer);
      await inflight?.catch(() => {});
      closed = true;
      const exited = new Promise((r) => worker.once('exit', r));
      worker.postMessage('close');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      await worker.terminate();
    },
  };
}
