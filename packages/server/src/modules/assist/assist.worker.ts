// Worker thread entry (started by assist.offload.ts): classifies buyer messages and ranks suggestions off the
// server's event loop. Receives batches of engine operations (one postMessage per batch, applied in order) and
// answers each batch's `run` results in one message. Started with `workerData.train`, it trains one shop model
// instead, answers its JSON and ends.
import type { ScenarioExample } from '@kefu/core';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { lowerThreadPriority, nameThread, threadTid } from '../../jobs/thread-priority.js';
import { AssistEngine, type EngineOp, type RunResult, trainShopModel } from './assist.engine.js';

/** A batch that takes longer than this is answered in parts, so early requests do not wait for the whole batch. */
const SLICE_MS = 8;

function serve(port: MessagePort): void {
  const engine = new AssistEngine();
  // Train the shared default model before taking requests; messages posted meanwhile queue on the port.
  engine.warm();
  port.on('message', (ops: EngineOp[]) => {
    let out: RunResult[] = [];
    let t0 = performance.now();
    for (const op of ops) {
      const r = engine.apply(op);
      if (!r) continue;
      out.push(r);
      if (performance.now() - t0 > SLICE_MS) {
        port.postMessage(out);
        out = [];
        t0 = performance.now();
      }
    }
    if (out.length) port.postMessage(out);
  });
  port.postMessage({ ready: true, tid });
}

if (!parentPort) throw new Error('assist.worker must run in a worker thread');
// Suggestions and a shop's retraining can wait a few milliseconds; the event loop's messages cannot (docs/decisions/0004).
const tid = threadTid();
lowerThreadPriority(tid);
const job = workerData as { train?: ScenarioExample[] } | null;
nameThread(job?.train ? 'kefu-train' : 'kefu-assist');
if (job?.train) parentPort.postMessage(trainShopModel(job.train));
else serve(parentPort);
