// Worker thread entry (started by rollup.offload.ts): reads buyers' messages and orders from the SQLite file on its
// own read-only connection (WAL: it never waits for the writer, nor the writer for it) and builds their rollup facts
// (the core engine), so the server's event loop only writes the rows that changed. One request at a time, in order.
import SQLite from 'better-sqlite3';
import { Kysely } from 'kysely';
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThreadPriority, nameThread, threadTid } from '../../jobs/thread-priority.js';
import { FastSqliteDialect } from '../../storage/sqlite-dialect.js';
import type { Database } from '../../storage/schema.js';
import { buildFacts, type RollupSettings } from './rollup-facts.js';
import { loadBuyers } from './rollup.store.js';

export interface FactsRequest {
  id: number;
  shopId: string;
  buyers: string[];
  settings: RollupSettings;
}

if (!parentPort) throw new Error('rollup.worker must run in a worker thread');
const port = parentPort;
// A refresh can wait; the event loop's messages cannot (docs/decisions/0004).
lowerThreadPriority(threadTid());
nameThread('kefu-rollup');
const raw = new SQLite((workerData as { path: string }).path, { readonly: true, fileMustExist: true });
raw.pragma('busy_timeout = 5000');
raw.pragma('cache_size = -16384');
const db = new Kysely<Database>({ dialect: new FastSqliteDialect(raw) });
let chain: Promise<void> = Promise.resolve();
port.on('message', (req: FactsRequest) => {
  chain = chain.then(async () => {
    try {
      const r = await loadBuyers(db, req.shopId, req.buyers);
      port.postMessage({ id: req.id, facts: buildFacts(req.shopId, r.messages, r.orders, req.settings) });
    } catch (err) {
      port.postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err) });
    }
  });
});
