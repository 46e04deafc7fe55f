// Realtime gateway throughput and latency against a bare `ws` relay (no DB), same clients, same run.
import { fork } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { appendFileSync, closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, type IntervalHistogram, monitorEventLoopDelay, performance, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { defaultConfig, startServer } from '@kefu/server';
import { WebSocketServer, type WebSocket } from 'ws';
import { CHILD_EXEC_ARGV, cpuProfile, heapProfile, login, metric, percentile, result, schedByThread, schedDelta, threadCpuUs, watchEventLoopGaps, type Bench, type ThreadSched } from './lib.js';
import type { DriverConfig, DriverResult } from './realtime/clients.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Runs the clients in a child process; `onMark` is called (and answered) at each phase mark. */
function drive(cfg: DriverConfig, onMark: (phase: string, clientPid: number) => void = () => {}): Promise<DriverResult> {
  return new Promise((resolve, reject) => {
    const child = fork(join(here, 'realtime', 'clients.ts'), [], { execArgv: [...CHILD_EXEC_ARGV], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error('client driver timed out'))), 600_000);
    child.on('message', (m: { phase?: string; ok?: boolean; res?: DriverResult; error?: string }) => {
      if (m.phase) {
        onMark(m.phase, child.pid ?? 0);
        child.send({ go: true });
        return;
      }
      clearTimeout(timer);
      if (m.ok) resolve(m.res!);
      else reject(new Error(m.error));
    });
    child.once('exit', (code) => code && (clearTimeout(timer), reject(new Error(`client driver exited ${code}`))));
    child.send(cfg);
  });
}

/** `PerformanceEntry.detail.kind` of a GC entry (node:perf_hooks constants). */
const GC_KINDS: Record<number, string> = { [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks' };

// A full collection on demand, for the heap-per-socket figure: `gc` of a fresh context once the flag is set.
setFlagsFromString('--expose-gc');
const fullGc = runInNewContext('gc') as () => void;

/** `n` times: append 64 KiB to a file in `dir` and fdatasync it; the durations (ms). */
function diskSyncMs(dir: string, n: number): number[] {
  const path = join(mkdtempSync(join(dir, 'kefu-bench-sync-')), 'log');
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(64 * 1024, 7);
  const out: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      writeSync(fd, block);
      fdatasyncSync(fd);
      out.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
    rmSync(dirname(path), { recursive: true, force: true });
  }
  return out;
}

/** The baseline: parse, forward to every agent socket, ack the sender. No auth, no DB, no ordering. */
async function startRelay(): Promise<{ url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise((r) => wss.once('listening', r));
  const agents = new Set<WebSocket>();
  wss.on('connection', (ws, req) => {
    if (req.url === '/agent') {
      agents.add(ws);
      ws.on('close', () => agents.delete(ws));
      return;
    }
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as { type: string; clientId: string; text: string };
      if (f.type !== 'send') return;
      const out = JSON.stringify({ type: 'message', message: { clientId: f.clientId, text: f.text, createdAt: Date.now() } });
      for (const a of agents) a.send(out);
      ws.send(JSON.stringify({ type: 'ack', clientId: f.clientId }));
    });
  });
  const addr = wss.address() as { port: number };
  return { url: `ws://127.0.0.1:${addr.port}`, close: () => new Promise((r) => { for (const c of wss.clients) c.terminate(); wss.close(() => r()); }) };
}

/**
 * Buyers and their conversations (assigned round-robin to the shop's agents) created in bulk, so the
 * run measures messages, not 10,000 session starts (routing and auto replies happen once per session).
 */
async function seedBuyers(server: Awaited<ReturnType<typeof startServer>>, shopId: string, n: number): Promise<string[]> {
  const db = server.ctx.storage.db;
  const agents = (await db.selectFrom('agent_shops').select('agent_id').where('shop_id', '=', shopId).execute()).map((r) => r.agent_id);
  const t = Date.now();
  const ids = Array.from({ length: n }, (_, i) => ({ buyer: `buyer_bench${String(i).padStart(17, '0')}`, conv: `conv_bench${String(i).padStart(17, '0')}` }));
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < n; i += 500) {
      const chunk = ids.slice(i, i + 500);
      await trx
        .insertInto('buyers')
        .values(chunk.map((x, j) => ({ id: x.buyer, shop_id: shopId, anon_id: `bench-anon-${i + j}`, external_id: null, nickname: `压测买家${i + j}`, created_at: t, last_seen_at: t, last_agent_id: null })))
        .execute();
      await trx
        .insertInto('conversations')
        .values(
          chunk.map((x, j) => ({
            id: x.conv, shop_id: shopId, buyer_id: x.buyer, status: 'assigned', assigned_agent_id: agents[(i + j) % agents.length]!, group_id: null, scenario: null,
            last_seq: 0, last_message_at: t, waiting_since: null, queued_at: null, unread: 0, agent_read_seq: 0, buyer_read_seq: 0,
            session_started_at: t, created_at: t, updated_at: t, closed_at: null,
          })),
        )
        .execute();
    }
  });
  return Promise.all(ids.map((x) => server.ctx.chat.tokens.sign({ shopId, buyerId: x.buyer })));
}

export const bench: Bench = {
  name: 'realtime',
  async run({ quick }) {
    const buyers = quick ? 500 : 10_000;
    const perBuyer = quick ? 6 : 2;
    const rounds = quick ? 1 : 3;
    const seconds = quick ? 2 : Number(process.env.KEFU_BENCH_RT_SECONDS) || 5;
    const dir = mkdtempSync(join(tmpdir(), 'kefu-bench-rt-'));
    // Server main-thread CPU during the throughput rounds (the server and the relay run in this process): the value at
    // the start of the current round, and the sum over the rounds ended.
    const cpu = { kefu: [0, 0], relay: [0, 0] };
    // The whole server process (every thread: the assist and rollup workers, the checkpointer, V8's GC and compiler
    // threads) over the same window: on 2 cores they take the cores the event loop and the clients need.
    const proc = { kefu: [0, 0], relay: [0, 0] };
    const procUs = () => {
      const u = process.cpuUsage();
      return u.user + u.system;
    };
    // The same in the latency phase, and how busy the event loop was (its utilisation): queueing grows with it.
    const latCpu = { kefu: [0, 0], relay: [0, 0] };
    // Each thread's scheduler counters (server, client process) at the latency phase's start and end: time on a core, and
    // time ready to run while both cores were taken — whether a slow tail was work or waiting for a core, and for whom.
    const sched: Record<'kefu' | 'relay', Array<[ThreadSched[], ThreadSched[]]>> = { kefu: [], relay: [] };
    const elu = { kefu: performance.eventLoopUtilization(), relay: performance.eventLoopUtilization() };
    // The message writer's transactions in the latency phase: each costs a commit whatever its size.
    let writer: { written: { batches: number; messages: number } } | null = null;
    const batchesAt: Array<{ batches: number; messages: number }> = [];
    // Garbage collection pauses in the latency phase (each one holds every socket).
    const gcs: Record<'kefu' | 'relay', PerformanceEntry[]> = { kefu: [], relay: [] };
    const gcObserver = { kefu: new PerformanceObserver((l) => gcs.kefu.push(...l.getEntries())), relay: new PerformanceObserver((l) => gcs.relay.push(...l.getEntries())) };
    // Event-loop delay during the latency phase: tells queueing behind long tasks from plain saturation.
    const loop = { kefu: monitorEventLoopDelay({ resolution: 5 }), relay: monitorEventLoopDelay({ resolution: 5 }) };
    // KEFU_BENCH_RT_TIMELINE=<file>: the latency phase as a timeline (bench/realtime/timeline.ts reads it): each
    // message's send time and latency (from the clients), each GC pause and each gap of the event loop over 12 ms.
    const timeline = process.env.KEFU_BENCH_RT_TIMELINE;
    const stalls: Array<[number, number]> = [];
    // WAL checkpoints (the worker copying the log back into the database file) in the same window: [start, ms in the
    // worker, pages copied, frames in the log, rounds, ms the event loop spent finishing].
    const checkpoints: Array<[number, number, number, number, number, number]> = [];
    let stopWatching = () => {};
    const epoch = (t: number) => (performance.timeOrigin + t).toFixed(2);
    // Heap kept per open buyer socket: the live heap (after full collections) once every socket is open and said hello,
    // against just before the first one opened. At a peak the server holds tens of thousands of them for hours, and
    // each full collection marks all of it again.
    const heapAt = { kefu: [0, 0], relay: [0, 0] };
    const liveHeap = () => {
      fullGc();
      fullGc();
      return process.memoryUsage().heapUsed;
    };
    const marker = (which: 'kefu' | 'relay') => (phase: string, clientPid: number) => {
      if (phase === 'latency-start') sched[which][0] = [schedByThread(), schedByThread(clientPid)];
      if (phase === 'latency-end') sched[which][1] = [schedByThread(), schedByThread(clientPid)];
      if (phase === 'sockets-opening') heapAt[which][0] = liveHeap();
      if (phase === 'sockets-open') heapAt[which][1] = liveHeap();
      if (timeline && phase === 'latency-start') {
        stalls.length = 0;
        checkpoints.length = 0;
        stopWatching = watchEventLoopGaps(12, (at, gap) => stalls.push([at, gap]));
      }
      if (timeline && phase === 'latency-end') {
        stopWatching();
        const lines = gcs[which].map((g) => `${which} gc ${epoch(g.startTime)} ${g.duration.toFixed(2)} ${GC_KINDS[(g as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other'}`);
        for (const [at, gap] of stalls) lines.push(`${which} stall ${epoch(at)} ${gap.toFixed(2)}`);
        for (const [at, ms, pages, log, rounds, fin] of checkpoints) lines.push(`${which} checkpoint ${epoch(at)} ${ms.toFixed(2)} ${pages} ${log} ${rounds} ${fin.toFixed(2)}`);
        appendFileSync(timeline, `${lines.join('\n')}\n`);
      }
      const v = threadCpuUs() ?? NaN;
      if (phase === 'throughput-start') {
        cpu[which][0] = v;
        proc[which][0] = procUs();
      }
      if (phase === 'throughput-end') {
        cpu[which][1]! += v - cpu[which][0]!;
        proc[which][1]! += procUs() - proc[which][0]!;
      }
      if (phase === 'latency-start') {
        if (which === 'kefu' && writer) batchesAt[0] = { ...writer.written };
        loop[which].enable();
        elu[which] = performance.eventLoopUtilization();
        latCpu[which][0] = v;
        gcs[which].length = 0;
        gcObserver[which].observe({ entryTypes: ['gc'] });
      }
      if (phase === 'latency-end') {
        if (which === 'kefu' && writer) batchesAt[1] = { ...writer.written };
        loop[which].disable();
        elu[which] = performance.eventLoopUtilization(elu[which]);
        latCpu[which][1] = v;
        gcObserver[which].disconnect();
      }
    };
    // KEFU_BENCH_RT_PROFILE=<file>: a CPU profile of the server's latency phase (open it in Chrome's DevTools); of the
    // throughput phase with KEFU_BENCH_RT_PROFILE_PHASE=throughput.
    const profileTo = process.env.KEFU_BENCH_RT_PROFILE;
    let profile: ReturnType<typeof cpuProfile> | null = null;
    let profileStopped = false;
    // KEFU_BENCH_RT_HEAP=<file>: the allocations of the server's latency phase, sampled (bench/lib.ts heapProfile).
    const heapTo = process.env.KEFU_BENCH_RT_HEAP;
    let heap: ReturnType<typeof heapProfile> | null = null;
    const kefuMark = marker('kefu');
    const cpuMarks = {
      kefu: (phase: string, clientPid: number) => {
        kefuMark(phase, clientPid);
        const which = process.env.KEFU_BENCH_RT_PROFILE_PHASE === 'throughput' ? 'throughput' : 'latency';
        // The throughput phase's first round only.
        if (profileTo && phase === `${which}-start` && !profile) profile = cpuProfile();
        if (profile && !profileStopped && phase === `${which}-end`) {
          profileStopped = true;
          void profile.stop(profileTo!);
        }
        if (heapTo && phase === 'latency-start') heap = heapProfile(process.env.KEFU_BENCH_RT_HEAP_KEEP === 'promoted' ? 'promoted' : 'all');
        if (heap && phase === 'latency-end') void heap.stop(heapTo!);
      },
      relay: marker('relay'),
    };
    const server = await startServer({ ...defaultConfig(dir), port: 0, dbPath: join(dir, 'kefu.db'), dataDir: dir, demo: true, scryptLogN: 10, logLevel: 'silent' });
    writer = server.ctx.chat.conversations.writer;
    if (timeline) server.ctx.storage.checkpointer?.onRun((r, end) => checkpoints.push([end - r.ms - r.finishMs, r.ms, r.checkpointed, r.log, r.rounds, r.finishMs]));
    let kefu: DriverResult;
    let rate: number;
    let walBytes = NaN;
    let walThreshold = NaN;
    try {
      const demo = server.demo!;
      const db = server.ctx.storage.db;
      const shop = await db.selectFrom('shops').select(['id', 'public_key']).where('name', '=', '小雅女装').executeTakeFirstOrThrow();
      const tokens = await seedBuyers(server, shop.id, buyers);
      const cookies = [];
      for (const email of ['owner@demo.kefu', 'xiaomei@demo.kefu']) cookies.push(await login(server.url, email, demo.password));
      kefu = await drive({ mode: 'kefu', url: server.url, tokens, agentCookies: cookies, buyers, perBuyer, latencyRate: Number(process.env.KEFU_BENCH_RT_RATE) || 'half', latencySeconds: seconds, rounds }, cpuMarks.kefu);
      rate = kefu.messages / (kefu.throughputMs / 1000);
      // The log file after every phase: it grows only until a checkpoint lets the next commit start it over.
      walBytes = statSync(join(dir, 'kefu.db-wal')).size;
      walThreshold = server.ctx.storage.checkpointer?.thresholdBytes ?? NaN;
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
    const half = kefu.latencyRate;
    const disk = diskSyncMs(tmpdir(), 300);
    const relay = await startRelay();
    let base: DriverResult;
    try {
      base = await drive({ mode: 'relay', url: relay.url, buyers, perBuyer, latencyRate: half, latencySeconds: seconds, rounds }, cpuMarks.relay);
    } finally {
      await relay.close();
    }
    const relayRate = base.messages / (base.throughputMs / 1000);
    const p99 = percentile(kefu.latencies, 99);
    const p50 = percentile(kefu.latencies, 50);
    const relayP99 = percentile(base.latencies, 99);
    const relayP50 = percentile(base.latencies, 50);
    const lost = kefu.latencySent - kefu.latencies.length;
    const total = buyers * perBuyer;
    // CPU per message over every round.
    const serverCpu = cpu.kefu[1]! / (total * rounds);
    const relayCpu = cpu.relay[1]! / (total * rounds);
    const procCpu = (w: 'kefu' | 'relay') => (proc[w][1]! / (total * rounds)).toFixed(0);
    const roundRates = (d: DriverResult) => d.roundsMs.map((ms) => Math.round(d.messages / (ms / 1000))).join(', ');
    const load = loadavg()[0]!.toFixed(1);
    const perSocket = (w: 'kefu' | 'relay') => (heapAt[w][1]! - heapAt[w][0]!) / buyers / 1024;
    const latSent = { kefu: kefu.latencySent, relay: base.latencySent };
    const latPhase = (w: 'kefu' | 'relay') => {
      const gc = gcs[w].map((g) => g.duration);
      // By kind (young generation, old generation, incremental marking steps, weak callbacks): which one sets the longest pause.
      const kinds = new Map<string, number[]>();
      for (const g of gcs[w]) {
        const k = GC_KINDS[(g as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
        const list = kinds.get(k);
        if (list) list.push(g.duration);
        else kinds.set(k, [g.duration]);
      }
      const byKind = [...kinds].map(([k, d]) => `${k} ${d.length}, longest ${Math.max(...d).toFixed(1)} ms`).join('; ');
      const gcText = `${gc.length} GC pauses, ${gc.reduce((a, b) => a + b, 0).toFixed(0)} ms in all, longest ${Math.max(0, ...gc).toFixed(1)} ms (${byKind})`;
      const tx = w === 'kefu' && batchesAt[1] ? `, ${batchesAt[1].batches - batchesAt[0]!.batches} transactions of ${((batchesAt[1].messages - batchesAt[0]!.messages) / Math.max(1, batchesAt[1].batches - batchesAt[0]!.batches)).toFixed(1)} messages on average` : '';
      return `${(elu[w].utilization * 100).toFixed(0)} % busy, ${((latCpu[w][1]! - latCpu[w][0]!) / Math.max(1, latSent[w])).toFixed(0)} µs CPU/msg, ${gcText}${tx}`;
    };
    // Run-queue wait in the latency phase: the server's main thread, the client process's main thread, and the threads
    // that ran most beside them (ms on a core; the threads by name, summed).
    const waits = (w: 'kefu' | 'relay') => {
      const [a, b] = [sched[w][0], sched[w][1]];
      if (!a || !b) return 'n/a';
      const server = schedDelta(a[0], b[0]);
      const client = schedDelta(a[1], b[1]);
      const main = server.get('main');
      const cmain = client.get('main');
      if (!main || !cmain) return 'n/a';
      const others = [...server].filter(([n]) => n !== 'main').map(([n, v]) => `${n} ${v.runMs.toFixed(0)}`);
      let clientOthers = 0;
      for (const [n, v] of client) if (n !== 'main') clientOthers += v.runMs;
      return `server main ran ${main.runMs.toFixed(0)} ms and waited ${main.waitMs.toFixed(0)} ms for a core, client main ran ${cmain.runMs.toFixed(0)} / waited ${cmain.waitMs.toFixed(0)} ms; other threads ran (ms): server ${others.join(', ')}; client ${clientOthers.toFixed(0)}`;
    };
    const delay = (h: IntervalHistogram) => `p99 ${(h.percentile(99) / 1e6).toFixed(1)} ms, max ${(h.max / 1e6).toFixed(1)} ms`;
    return result(
      'realtime',
      [
        metric('msgs_per_sec', rate, 'msg/s', 'bare ws relay', relayRate, '>= 5000 msg/s and >= 0.2× relay', (m) => m.value >= 5000 && m.ratio >= 0.2),
        metric('p99_ms_half_load', p99, 'ms', 'bare ws relay', relayP99, '<= relay p99 + 25 ms', (m) => m.value <= m.baselineValue + 25),
        metric('p50_ms_half_load', p50, 'ms', 'bare ws relay', relayP50, 'informational', () => true),
        metric('lost_at_half_load', lost, 'messages', 'bare ws relay', base.latencySent - base.latencies.length, '= 0', (m) => m.value === 0),
        // Informational: CPU per message barely moves when other work shares the cores, unlike msg/s — it tells whether a
        // change made the path cheaper on a noisy machine. At 5,000 msg/s one core allows 200 µs per message.
        // Informational: what one durable append costs on this disk in the same run, alone (64 KiB written + fdatasync,
        // the size of a busy batch's WAL frames). Delivery waits for the WAL's sync: compare its tail with the p99 above.
        metric('disk_sync_p99_ms', percentile(disk, 99), 'ms', 'same disk, p50', percentile(disk, 50), 'informational', () => true),
        // The WAL file at the end, against the size at which the checkpointer starts: a log that never starts over under
        // steady load grows without end (it reached ~140 MB in this run before the checkpointer chased its tail).
        metric('wal_mib_after_run', walBytes / 2 ** 20, 'MiB', 'checkpoint threshold', walThreshold / 2 ** 20, '<= 4× threshold', (m) => m.ratio <= 4),
        metric('heap_kib_per_buyer_socket', perSocket('kefu'), 'KiB', 'bare ws relay', perSocket('relay'), 'informational', () => true),
        metric('server_main_cpu_us_per_msg', serverCpu, 'µs/msg', 'bare ws relay', relayCpu, 'informational (≤ 200 for 5,000 msg/s on one core)', () => true),
      ],
      {
        db: 'sqlite',
        notes:
          `${buyers} buyers, 2 agents, ${buyers * perBuyer} messages per throughput round (persisted, acked after commit, delivered to an agent), ${rounds} round(s) each side, the median's rate (kefu ${roundRates(kefu)} msg/s; relay ${roundRates(base)} msg/s); ` +
          `latency at ${Math.round(half)} msg/s for ${seconds} s; clients in a separate process; client CPU per message over the throughput rounds ` +
          `${(kefu.clientCpuUs / (total * rounds)).toFixed(0)} µs (kefu) vs ${(base.clientCpuUs / (total * rounds)).toFixed(0)} µs (relay), server process (all threads) ${procCpu('kefu')} µs vs ${procCpu('relay')} µs; event-loop delay in the latency phase ${delay(loop.kefu)} (relay ${delay(loop.relay)}), server main thread ${latPhase('kefu')} (relay ${latPhase('relay')}); scheduling in the latency phase: ${waits('kefu')} (relay: ${waits('relay')}); 1-min load average at the end ${load} on ${cpus().length} cores; ` +
          `errors: ${JSON.stringify(kefu.errors)}`,
      },
    );
  },
};
