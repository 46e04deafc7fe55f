import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RollupFacts, RollupSettings } from './rollup-facts.js';
import type { FactsRequest } from './rollup.worker.js';

/** URL of tsx's ESM register API (`tsx/esm/api` under the `import` condition), found from `from`. */
function tsxEsmApi(from: string): string {
  const pkgPath = createRequire(from).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(pkgPath), pkg.exports['./esm/api']!.import.default)).href;
}

/** Starts the worker from the TypeScript sources (tests, dev: tsx in the worker) or from the built JavaScript. */
function spawn(path: string): Worker {
  const self = import.meta.url;
  if (self.endsWith('.ts')) {
    const boot = `import(${JSON.stringify(tsxEsmApi(self))}).then((m) => m.register()).then(() => import(${JSON.stringify(new URL('./rollup.worker.ts', self).href)}))`;
    return new Worker(boot, { eval: true, execArgv: ['--conditions=source'], workerData: { path } });
  }
  return new Worker(new URL('./rollup.worker.js', self), { workerData: { path } });
}

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

  constructor(private readonly path: string) {}

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = spawn(this.path);
    w.unref();
    w.on('message', (m: { id?: number; facts?: RollupFacts; error?: string; ready?: boolean }) => {
      if (m.id === undefined) return;
      const p = this.waiting.get(m.id);
      if (!p) return;
      this.waiting.delete(m.id);
      if (m.facts) p.resolve(m.facts);
      else p.reject(new Error(m.error ?? 'rollup worker failed'));
    });
    const fail = (err: Error) => {
      this.broken = err;
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

  /** The facts of `buyers` from what is committed now (the worker's read is a snapshot taken when it runs). */
  facts(shopId: string, buyers: string[], settings: RollupSettings): Promise<RollupFacts> {
    if (this.broken) return Promise.reject(this.broken);
    const w = this.start();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      w.ref();
      const req: FactsRequest = { id, shopId, buyers, settings };
      w.postMessage(req);
    }).finally(() => {
      if (this.waiting.size === 0) this.worker?.unref();
    }) as Promise<RollupFacts>;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.broken = new Error('closed');
    if (w) await w.terminate();
  }
}
