import type { Worker } from 'node:worker_threads';
import type { ScenarioExample } from '@kefu/core';
import { spawnWorker } from '../../jobs/spawn-worker.js';
import { IdRing } from '../../storage/id-ring.js';
import { AssistEngine, type EngineOp, failed, type LibraryRef, type ModelRef, type RunOk, type RunOp, type RunResult, trainShopModel } from './assist.engine.js';

/** What to compute for one buyer message (or a classify / suggest request). */
export type RunRequest = Omit<RunOp, 'op' | 'id' | 'model' | 'lib'> & {
  /** The shop's library version to rank; null = classify only. */
  lib: LibraryRef | null;
  model: ModelRef;
};

function runOp(req: RunRequest, id: number): RunOp {
  const op: RunOp = { op: 'run', id, shopId: req.shopId, model: req.model.v, lib: req.lib ? req.lib.v : -1, text: req.text, limit: req.limit };
  if (req.productSku) op.productSku = req.productSku;
  if (req.vars) op.vars = req.vars;
  if (req.order) op.order = true;
  if (req.detail) op.detail = true;
  if (req.scores) op.scores = true;
  if (req.keep) op.keep = true;
  return op;
}

export interface OffloadOptions {
  /** `worker` (default): a worker thread computes, the main thread only posts and resolves. `inline`: everything on the calling thread. */
  mode?: 'worker' | 'inline';
  /** Reports worker failures (the request is still answered, inline). */
  onError?: (err: unknown, what: string) => void;
  /** A worker that has pending requests and has said nothing for this long is considered hung and replaced. */
  hangMs?: number;
  /** Least time between two batches posted to the worker (ms). */
  minGapMs?: number;
}

interface Pending {
  req: RunRequest;
  resolve: (r: RunOk) => void;
  reject: (err: Error) => void;
}

/** The worker's first message: the default model is trained. */
interface Ready {
  ready: true;
  tid: number | null;
}

interface Have {
  lib: number;
  model: number;
}

const HANG_MS = 30_000;
const MIN_GAP_MS = 1;
/** Consecutive failures without a single answer in between before restarts back off (1 s, 2 s, … 60 s; inline meanwhile). */
const FREE_RESTARTS = 2;
const MAX_BACKOFF_MS = 60_000;

/** Starts the assist worker (sources or build, see `spawnWorker`). */
function spawnAssistWorker(workerData?: unknown): Worker {
  return spawnWorker(import.meta.url, 'assist.worker', workerData);
}

/**
 * Main-thread client of the assist worker. `run` queues a request; all operations of one event-loop turn go to
 * the worker in one message (state changes first where a request needs them, in order), and its answers resolve
 * the promises. If the worker dies, errors or hangs, its pending requests are computed inline (none is lost) and
 * a new worker is started (with back-off when it keeps failing; inline meanwhile). `close` terminates it.
 */
export class AssistOffload {
  readonly mode: 'worker' | 'inline';
  /** Where answers came from, and how often the worker was replaced (tests, bench). */
  readonly counts = { worker: 0, inline: 0, batches: 0, restarts: 0, failures: 0, trainedInWorker: 0, trainedInline: 0, cachedClassifications: 0 };
  private inlineEngine: AssistEngine | null = null;
  private readonly inlineHave = new Map<string, Have>();
  private worker: Worker | null = null;
  private workerHave = new Map<string, Have>();
  private ready = false;
  private queue: EngineOp[] = [];
  private flushing = false;
  /** Requests posted to the worker and not answered yet. */
  private inFlight = 0;
  /** By request id (sequential): a ring that keeps its size, where a Map remade its table with every batch. */
  private readonly pending = new IdRing<Pending>();
  private nextId = 1;
  private lastHeard = 0;
  /** When the last batch was posted (`performance.now()`). */
  private lastPost = -Infinity;
  private readonly minGapMs: number;
  private failuresInARow = 0;
  private restartAt = 0;
  private watchdog: NodeJS.Timeout | null = null;
  private closed = false;
  private readyWaiters: Array<() => void> = [];
  private readonly onError: (err: unknown, what: string) => void;
  private readonly hangMs: number;

  constructor(opts: OffloadOptions = {}) {
    this.mode = opts.mode ?? 'worker';
    this.onError = opts.onError ?? (() => {});
    this.hangMs = opts.hangMs ?? HANG_MS;
    this.minGapMs = opts.minGapMs ?? MIN_GAP_MS;
  }

  /** Starts the worker (it trains the default model before answering); resolves when it is ready or has failed, at once inline. */
  warm(): Promise<void> {
    if (this.mode === 'inline' || this.closed) return Promise.resolve();
    const w = this.ensureWorker();
    if (!w || this.ready) return Promise.resolve();
    return new Promise((r) => this.readyWaiters.push(r));
  }

  /** The running worker's kernel thread id (Linux; null elsewhere or before it is ready): the bench reads its CPU time. */
  get workerTid(): number | null {
    return this.worker ? this.tid : null;
  }
  private tid: number | null = null;

  /** The running worker's thread id, or null (tests). */
  get threadId(): number | null {
    return this.worker?.threadId ?? null;
  }

  /** Terminates the running worker as a crash would (tests). */
  async killWorker(): Promise<void> {
    await this.worker?.terminate();
  }

  run(req: RunRequest): Promise<RunOk> {
    if (this.mode === 'inline' || this.closed) return this.settleInline(req);
    const w = this.ensureWorker();
    if (!w) return this.settleInline(req);
    const id = this.nextId++;
    this.ensureState(this.workerHave, req, (op) => this.queue.push(op));
    this.queue.push(runOp(req, id));
    if (this.pending.size === 0) {
      w.ref();
      this.lastHeard = Date.now();
    }
    const p = new Promise<RunOk>((resolve, reject) => this.pending.set(id, { req, resolve, reject }));
    this.scheduleFlush();
    return p;
  }

  /**
   * Trains a shop model (shipped examples + `own`) in a one-off worker thread, so the 1–3 s of training neither
   * block the event loop nor hold up the suggestions worker; inline if that worker cannot start or fails.
   */
  train(own: readonly ScenarioExample[]): Promise<string> {
    const inline = () => {
      this.counts.trainedInline++;
      return trainShopModel(own);
    };
    if (this.mode === 'inline' || this.closed) return Promise.resolve().then(inline);
    return new Promise<string>((resolve, reject) => {
      let w: Worker;
      try {
        w = spawnAssistWorker({ train: own });
      } catch (err) {
        this.onError(err, 'assist training worker failed to start; training inline');
        resolve(Promise.resolve().then(inline));
        return;
      }
      let done = false;
      const fallback = (err: unknown) => {
        if (done) return;
        done = true;
        this.onError(err, 'assist training worker failed; training inline');
        try {
          resolve(inline());
        } catch (e) {
          reject(e as Error);
        }
      };
      w.once('message', (json: string) => {
        done = true;
        this.counts.trainedInWorker++;
        resolve(json);
        void w.terminate();
      });
      w.once('error', fallback);
      w.once('exit', (code) => fallback(new Error(`assist training worker exited with code ${code}`)));
    });
  }

  /** The agent's choice was recorded into `lib.stats` already; engines holding that library version apply the same. */
  feedback(shopId: string, lib: LibraryRef, shownIds: readonly string[], pickedId: string | null): void {
    const op: EngineOp = { op: 'feedback', shopId, v: lib.v, shownIds, pickedId };
    if (this.inlineEngine && this.inlineHave.get(shopId)?.lib === lib.v) this.inlineEngine.apply(op);
    if (this.worker && this.workerHave.get(shopId)?.lib === lib.v) {
      this.queue.push(op);
      this.scheduleFlush();
    }
  }

  /** Forget a shop's library and model (invalidated); the next request sends the new versions. */
  drop(shopId: string): void {
    if (this.inlineHave.delete(shopId)) this.inlineEngine?.apply({ op: 'drop', shopId });
    if (this.worker && this.workerHave.delete(shopId)) {
      this.queue.push({ op: 'drop', shopId });
      this.scheduleFlush();
    }
  }

  /** Terminates the worker; requests still pending are answered inline. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const w = this.worker;
    this.detach();
    if (w) await w.terminate();
  }

  // ---- internals ---------------------------------------------------------------------------------

  private ensureState(have: Map<string, Have>, req: RunRequest, push: (op: EngineOp) => void): void {
    let h = have.get(req.shopId);
    if (!h) {
      h = { lib: -1, model: -1 };
      have.set(req.shopId, h);
    }
    if (h.model !== req.model.v) {
      push({ op: 'model', shopId: req.shopId, v: req.model.v, json: req.model.json });
      h.model = req.model.v;
    }
    if (req.lib && h.lib !== req.lib.v) {
      push({ op: 'library', shopId: req.shopId, v: req.lib.v, items: req.lib.items, stats: req.lib.stats });
      h.lib = req.lib.v;
    }
  }

  private runInline(req: RunRequest): RunResult {
    this.inlineEngine ??= new AssistEngine();
    const engine = this.inlineEngine;
    this.ensureState(this.inlineHave, req, (op) => engine.apply(op));
    return engine.apply(runOp(req, 0))!;
  }

  private settleInline(req: RunRequest): Promise<RunOk> {
    this.counts.inline++;
    const r = this.runInline(req);
    return failed(r) ? Promise.reject(new Error(r.error)) : Promise.resolve(r);
  }

  /**
   * Posts the queue at the end of this turn, unless the worker is still on an earlier batch: then it goes when that
   * batch is answered. Under load the batches grow (one wake-up of each thread per batch, not per message); idle, a
   * request waits only for the turn to end. Posts are at least `minGapMs` apart: at a steady few thousand messages a
   * second each turn holds one message, and a post per message (a structured clone and a wake-up of the worker, which
   * on a busy machine takes the main thread's core for a while) cost ~15 µs of the event loop each — a batch per
   * millisecond costs the suggestions at most that long.
   */
  private scheduleFlush(): void {
    if (this.flushing || this.inFlight > 0) return;
    this.flushing = true;
    const wait = this.lastPost + this.minGapMs - performance.now();
    if (wait > 0) setTimeout(this.flush, wait);
    else setImmediate(this.flush);
  }

  private readonly flush = (): void => {
    this.flushing = false;
    if (!this.worker || this.queue.length === 0 || this.inFlight > 0) return;
    const ops = this.queue;
    this.queue = [];
    for (const op of ops) if (op.op === 'run') this.inFlight++;
    this.counts.batches++;
    this.lastPost = performance.now();
    this.worker.postMessage(ops);
  };

  private ensureWorker(): Worker | null {
    if (this.worker) return this.worker;
    if (this.closed || Date.now() < this.restartAt) return null;
    let w: Worker;
    try {
      w = spawnAssistWorker();
    } catch (err) {
      this.onError(err, 'assist worker failed to start');
      this.noteFailure();
      return null;
    }
    this.worker = w;
    this.workerHave = new Map();
    this.ready = false;
    this.lastHeard = Date.now();
    w.unref();
    this.tid = null;
    w.on('message', (msg: Ready | RunResult[]) => this.onMessage(w, msg));
    w.on('error', (err) => {
      if (this.worker === w) this.onError(err, 'assist worker error');
    });
    w.on('exit', (code) => {
      if (this.worker !== w) return;
      this.onError(new Error(`assist worker exited with code ${code}`), 'assist worker exited');
      this.replace();
    });
    this.watchdog = setInterval(() => {
      // Hung: pending requests and no word for too long (the startup training counts, with twice the time).
      if (this.worker === w && this.pending.size > 0 && Date.now() - this.lastHeard > (this.ready ? this.hangMs : 2 * this.hangMs)) {
        this.onError(new Error('assist worker did not answer'), 'assist worker hung');
        this.replace();
        void w.terminate();
      }
    }, Math.max(50, Math.min(5_000, this.hangMs / 4)));
    this.watchdog.unref();
    return w;
  }

  private onMessage(w: Worker, msg: Ready | RunResult[]): void {
    if (this.worker !== w) return;
    this.lastHeard = Date.now();
    if (!Array.isArray(msg)) {
      this.ready = true;
      this.tid = msg.tid;
      this.readyWaiters.splice(0).forEach((r) => r());
      return;
    }
    this.failuresInARow = 0;
    this.inFlight -= msg.length;
    if (this.inFlight <= 0) {
      this.inFlight = 0;
      if (this.queue.length) this.scheduleFlush();
    }
    for (const r of msg) {
      const p = this.pending.get(r.id);
      if (!p) continue;
      this.pending.delete(r.id);
      if (failed(r)) {
        this.onError(new Error(r.error), 'assist worker could not answer; computed inline');
        this.fallback(p);
      } else {
        this.counts.worker++;
        if (r.cached) this.counts.cachedClassifications++;
        p.resolve(r);
      }
    }
    if (this.pending.size === 0) w.unref();
  }

  private fallback(p: Pending): void {
    try {
      this.counts.inline++;
      const r = this.runInline(p.req);
      if (failed(r)) p.reject(new Error(r.error));
      else p.resolve(r);
    } catch (err) {
      p.reject(err as Error);
    }
  }

  /** Forgets the current worker (without terminating it) and answers its pending requests inline. */
  private detach(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    this.worker = null;
    this.ready = false;
    this.queue = [];
    this.inFlight = 0;
    const pending = this.pending.values();
    this.pending.clear();
    for (const p of pending) this.fallback(p);
    this.readyWaiters.splice(0).forEach((r) => r());
  }

  /** The worker failed: answer its requests inline and start another (now, or after a back-off when it keeps failing). */
  private replace(): void {
    this.detach();
    this.noteFailure();
    this.counts.restarts++;
    if (Date.now() >= this.restartAt) this.ensureWorker();
  }

  private noteFailure(): void {
    this.counts.failures++;
    this.failuresInARow++;
    if (this.failuresInARow > FREE_RESTARTS) this.restartAt = Date.now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (this.failuresInARow - FREE_RESTARTS - 1));
  }
}
