import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

/**
 * WAL checkpoints in a worker thread. SQLite checkpoints automatically inside a COMMIT once the log passes
 * `wal_autocheckpoint` pages: with better-sqlite3 that is on the event loop, copying tens of MiB back into the
 * database file and fsyncing it — measured 10–85 ms stalls in the realtime bench, every ~40 MiB of log, each one a
 * latency spike for every socket. Here a second connection in a worker runs `wal_checkpoint(PASSIVE)` whenever the
 * log has grown past `thresholdBytes` (checked every `intervalMs`): PASSIVE never blocks the writer, and once it has
 * copied every frame the next write transaction starts the log over from the beginning, so the file stays bounded.
 * The main connection keeps a far higher automatic checkpoint as a backstop (`backstopPages`), restored to its usual
 * value if the worker dies.
 */
export interface Checkpointer {
  /** Checkpoints now (tests, shutdown); resolves with what SQLite reported. */
  checkpoint(): Promise<CheckpointResult>;
  readonly stats: { runs: number; busyMs: number; failures: number };
  /** Calls `fn` after each checkpoint with what SQLite reported and when it ended (`performance.now()`; bench timelines). */
  onRun(fn: ((r: CheckpointResult, endedAt: number) => void) | null): void;
  close(): Promise<void>;
}

export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
  ms: number;
}

// Plain CommonJS so the same code runs from the sources (tests, tsx) and the build; `workerData.module` is the
// resolved better-sqlite3 entry.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
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
    const r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    parentPort.postMessage({ busy: r.busy, log: r.log, checkpointed: r.checkpointed, ms: performance.now() - t });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err), ms: performance.now() - t });
  }
});
parentPort.postMessage('ready');
`;

export function startCheckpointer(
  raw: SQLite.Database,
  path: string,
  opts: { thresholdBytes?: number; intervalMs?: number; backstopPages?: number } = {},
): Checkpointer {
  const threshold = opts.thresholdBytes ?? 16 * 1024 * 1024;
  // The connection's own setting, put back if the worker dies.
  const normalPages = Number(raw.pragma('wal_autocheckpoint', { simple: true }));
  const stats = { runs: 0, busyMs: 0, failures: 0 };
  const worker = new Worker(WORKER, { eval: true, workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3'), path } });
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
    } else {
      w?.resolve(m);
      observer?.(m, performance.now());
    }
  });
  worker.on('error', (err) => fail(err));
  worker.on('exit', () => fail(new Error('checkpointer exited')));

  const checkpoint = (): Promise<CheckpointResult> => {
    if (closed) return Promise.reject(new Error('checkpointer closed'));
    inflight ??= new Promise<CheckpointResult>((resolve, reject) => {
      waiting.push({ resolve, reject });
      worker.postMessage('checkpoint');
    }).finally(() => {
      inflight = null;
    });
    return inflight;
  };

  const timer = setInterval(() => {
    if (inflight || closed) return;
    void stat(`${path}-wal`)
      .then((s) => (s.size >= threshold && !inflight && !closed ? checkpoint() : undefined))
      .catch(() => {});
  }, opts.intervalMs ?? 1000);
  timer.unref();

  return {
    checkpoint,
    stats,
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
