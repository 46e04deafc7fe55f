import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../jobs/spawn-worker.js';
import { DEFAULT_ROLLUP_SETTINGS, type RollupFacts, type RollupSettings } from './rollup-facts.js';
import type { FactsRequest } from './rollup.worker.js';

/** What `warm` asks for: the facts of no buyers (the worker opens its connection and loads the engine to answer). */
const WARM_SETTINGS: RollupSettings = { tz: 'Asia/Shanghai', ...DEFAULT_ROLLUP_SETTINGS };

/**
 * Builds rollup facts in a worker thread (SQLite files only, docs/ROLLUPS.md): the rollup writer hands it each chunk
 * of dirty buyers and writes what comes back, so reading the buyers' records and running the engine — most of a
 * refresh — leave the event loop. If the worker fails, `facts` rejects and the writer computes in process.
 */
export class RollupOffload {
  private worker: Worker | null = null;
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (f: RollupFacts) => void; reject: (e: Error) => void }>();
  /** Set when the worker could not start or died: the caller computes in process from then on. */
  broken: Error | null = null;
  /** True once the worker has answered: until then a request's time includes starting the thread (loading its modules). */
  ready = false;

  constructor(private readonly path: string) {}

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = spawnWorker(import.meta.url, 'rollup.worker', { path: this.path });
    w.unref();
    w.on('message', (m: { id: number; facts?: RollupFacts; error?: string }) => {
      const p = this.waiting.get(m.id);
      if (!p) return;
      this.ready = true;
      this.waiting.delete(m.id);
      if (m.facts) p.resolve(m.facts);
      else p.reject(new Error(m.error ?? 'rollup worker failed'));
    });
    const fail = (err: Error) => {
      this.broken = err;
      this.ready = false;
      this.worker = null;
      for (const p of this.waiting.values()) p.reject(err);
      this.waiting.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => {
      if (this.worker === w) fail(new Error(`rollup worker exited (${code})`));
    });
    this.worker = w;
    return w;
  }

  /**
   * Starts the worker now and resolves once it answers (or has failed: then the writer computes in process), so loading
   * its modules and opening its connection do not land on the first busy moment after a start — the first refresh
   * would wait for them, and the thread's start-up (a second of CPU from the TypeScript sources) would share the cores
   * with the message path exactly then.
   */
  async warm(): Promise<void> {
    if (this.broken || this.ready) return;
    await this.facts('', [], WARM_SETTINGS).then(
      () => {},
      () => {},
    );
  }

  /** The facts of `buyers` from what is committed now (the worker's read is a snapshot taken when it runs). */
  facts(shopId: string, buyers: string[], settings: RollupSettings): Promise<RollupFacts> {
    if (this.broken) return Promise.reject(this.broken);
    const w = this.start();
    const id = this.next++;
    return new Promise<RollupFacts>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      w.ref();
      const req: FactsRequest = { id, shopId, buyers, settings };
      w.postMessage(req);
    }).finally(() => {
      if (this.waiting.size === 0) this.worker?.unref();
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.broken = new Error('closed');
    if (w) await w.terminate();
  }
}
