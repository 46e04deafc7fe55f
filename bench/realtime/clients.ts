// Client driver for bench/realtime.ts, run in its own process so clients do not share the server's event loop.
import { expandSuggestionItems, newSuggestionRefTable, type SuggestionRefTable } from '@kefu/contracts';
import { appendFileSync } from 'node:fs';
import WebSocket from 'ws';
import { newClientId, watchEventLoopGaps } from '../lib.js';

export interface DriverConfig {
  mode: 'kefu' | 'relay';
  /** http base (kefu) or ws base (relay). */
  url: string;
  /** Buyer tokens made by the parent (kefu): buyers and conversations are created in bulk beforehand. */
  tokens?: string[];
  agentCookies?: string[];
  buyers: number;
  perBuyer: number;
  /** Messages per second for the latency phase; 'half' = half the rate this run just measured (capped under the buyers' token buckets). */
  latencyRate: number | 'half';
  latencySeconds: number;
  /** Throughput rounds (each `buyers × perBuyer` messages); the rate is their median. */
  rounds: number;
}

export interface DriverResult {
  /** Messages per throughput round. */
  messages: number;
  /** Each round's duration, in order. */
  roundsMs: number[];
  /** The median round's duration. */
  throughputMs: number;
  latencies: number[];
  latencySent: number;
  latencyRate: number;
  errors: Record<string, number>;
  /** CPU of this (client) process during the throughput rounds, µs, all rounds together. */
  clientCpuUs: number;
}

/** Tells the parent a phase starts or ends and waits for its answer. */
function mark(phase: string): Promise<void> {
  return new Promise((resolve) => {
    process.once('message', () => resolve());
    process.send!({ phase });
  });
}

const now = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pool<T>(n: number, width: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, n) }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  }));
  return out;
}

function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function run(cfg: DriverConfig): Promise<DriverResult> {
  // Unique per run: the same buyers are driven twice, and a repeated clientId would be (correctly) a duplicate.
  const run = Math.random().toString(36).slice(2, 8);
  const errors: Record<string, number> = {};
  const acks = new Map<string, () => void>();
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  // KEFU_BENCH_RT_TIMELINE (bench/realtime.ts): each latency-phase message's send time and latency.
  const timeline: string[] | null = process.env.KEFU_BENCH_RT_TIMELINE ? [] : null;
  let tpReceived = 0;
  let tpRound = '';
  let tpDone: () => void = () => {};
  const wsBase = cfg.mode === 'kefu' ? cfg.url.replace(/^http/, 'ws') : cfg.url;

  // Kefu answers each buyer's hello with a welcome (the relay answers nothing).
  let welcomed = 0;
  let allWelcomed: () => void = () => {};
  const helloed = cfg.mode === 'kefu' ? new Promise<void>((r) => (allWelcomed = r)) : Promise.resolve();
  const onBuyerFrame = (data: WebSocket.RawData) => {
    const f = JSON.parse(data.toString());
    if (f.type === 'ack') acks.get(f.clientId)?.();
    else if (f.type === 'error') errors[f.code] = (errors[f.code] ?? 0) + 1;
    else if (f.type === 'welcome' && ++welcomed === cfg.buyers) allWelcomed();
  };
  // As the workbench does (socket.ts): suggestion items already sent on the socket come as numbers, filled in from here.
  const refs: SuggestionRefTable = newSuggestionRefTable();
  const onAgentFrame = (data: WebSocket.RawData) => {
    const f = JSON.parse(data.toString());
    if (f.type === 'suggestions' && !expandSuggestionItems(f.items, refs)) errors['client.unknown_ref'] = (errors['client.unknown_ref'] ?? 0) + 1;
    if (f.type !== 'message') return;
    const id: string = f.message.clientId;
    if (id.startsWith('tp-')) {
      if (id.startsWith(tpRound) && ++tpReceived === cfg.buyers * cfg.perBuyer) tpDone();
    } else if (id.startsWith('lt-')) {
      const t0 = sentAt.get(id);
      if (t0 !== undefined) {
        latencies.push(now() - t0);
        if (timeline) timeline.push(`${cfg.mode} msg ${(performance.timeOrigin + t0).toFixed(2)} ${(now() - t0).toFixed(2)}`);
      }
    }
  };

  await mark('sockets-opening');
  const agents = await Promise.all(
    (cfg.mode === 'kefu' ? cfg.agentCookies ?? [] : ['', '']).map(async (cookie) => {
      const ws = await open(`${wsBase}${cfg.mode === 'kefu' ? '/ws/agent' : '/agent'}`, cookie ? { cookie } : {});
      ws.send(JSON.stringify({ type: 'hello', v: 1, suggestionRefs: process.env.KEFU_BENCH_SUGGESTION_REFS !== '0' }));
      return ws;
    }),
  );
  agents[0]!.on('message', onAgentFrame);

  const buyers = await pool(cfg.buyers, 64, async (i) => {
    const url = cfg.mode === 'kefu' ? `${wsBase}/ws/buyer?token=${encodeURIComponent(cfg.tokens![i]!)}` : `${wsBase}/buyer`;
    const ws = await open(url);
    ws.on('message', onBuyerFrame);
    ws.send(JSON.stringify({ type: 'hello', v: 1 }));
    return ws;
  });
  // Every buyer's hello answered (the socket fully set up) before the parent reads the heap.
  await helloed;
  await mark('sockets-open');
  const send = (ws: WebSocket, clientId: string, text: string) =>
    new Promise<void>((resolve) => {
      acks.set(clientId, () => (acks.delete(clientId), resolve()));
      ws.send(JSON.stringify({ type: 'send', clientId, kind: 'text', text }));
    });

  const tConn = now();
  // Warm-up (JIT, caches): the first 1,000 buyers send two messages each, pipelined, with texts of the shape the
  // throughput phase sends (new texts: the suggestions' classify-and-rank path, not its caches). After one greeting
  // from 500 buyers (one text, answered from the caches) V8's optimising compiler was still busy through the timed phase
  // (2026-11-24, perf over its 5 s: ~0.5 s of compiler threads; ~0.2 s after this warm-up).
  const warm = Math.min(buyers.length, 1000);
  const warmed: Promise<void>[] = [];
  for (let k = 0; k < 2; k++) for (let i = 0; i < warm; i++) warmed.push(send(buyers[i]!, `wu-${run}-${newClientId('')}`, `这件外套 M 码还有吗？热身 ${i} 第 ${k} 问`));
  await Promise.all(warmed);
  if (process.env.KEFU_BENCH_DEBUG) console.error(`[${cfg.mode}] warm-up ${(now() - tConn).toFixed(0)} ms`);
  await sleep(300);

  // Throughput: every buyer pipelines perBuyer messages; a round is done when all are acked and the agent has them all.
  // Several rounds, the rate from the median one: on this shared machine one window of a few seconds could land in a
  // slow or a fast spell of the box and decide the figure alone.
  const total = cfg.buyers * cfg.perBuyer;
  const roundsMs: number[] = [];
  let clientCpuUs = 0;
  for (let r = 0; r < cfg.rounds; r++) {
    if (r > 0) await sleep(1500); // token buckets refill
    tpRound = `tp-${run}-${r}-`;
    tpReceived = 0;
    const delivered = new Promise<void>((res) => (tpDone = res));
    // The parent reads the server's CPU counters at these marks (it answers, so the mark precedes the first send).
    await mark('throughput-start');
    const cpu0 = process.cpuUsage();
    const t0 = now();
    const acked: Promise<void>[] = [];
    // Every text unique, as in the latency phase: the rate that phase runs at (half of this one) must come from the
    // same work per message, and no message is answered from the suggestion caches of repeated questions (the worst case).
    for (let k = 0; k < cfg.perBuyer; k++) for (let i = 0; i < buyers.length; i++) acked.push(send(buyers[i]!, `${tpRound}${newClientId('')}`, `这双鞋 42 码有货吗？买家 ${i} 第 ${r * cfg.perBuyer + k} 问`));
    await Promise.all([Promise.all(acked), delivered]);
    roundsMs.push(now() - t0);
    const cpu = process.cpuUsage(cpu0);
    clientCpuUs += cpu.user + cpu.system;
    await mark('throughput-end');
    if (process.env.KEFU_BENCH_DEBUG) console.error(`[${cfg.mode}] throughput round ${r + 1}: ${total} in ${roundsMs[r]!.toFixed(0)} ms`);
  }
  const throughputMs = [...roundsMs].sort((a, b) => a - b)[Math.floor(roundsMs.length / 2)]!;

  // Latency at a fixed offered rate: sends spread evenly, buyer → agent time measured on this clock.
  let latencySent = 0;
  const rate = cfg.latencyRate === 'half' ? Math.min(total / (throughputMs / 1000) / 2, cfg.buyers * 4) : cfg.latencyRate;
  if (rate > 0) {
    await sleep(1500); // token buckets refill
    await mark('latency-start');
    // With the timeline, this process's own event-loop gaps too: a stalled client sends late and in a burst, and
    // reads its frames late, which shows as latency that the server did not add.
    const stopWatching = timeline
      ? watchEventLoopGaps(12, (at, gap) => timeline.push(`${cfg.mode} client-stall ${(performance.timeOrigin + at).toFixed(2)} ${gap.toFixed(2)}`))
      : null;
    const n = Math.round(rate * cfg.latencySeconds);
    const start = now();
    for (let j = 0; j < n; j++) {
      const due = start + (j * 1000) / rate;
      const wait = due - now();
      if (wait > 1) await sleep(wait);
      const id = `lt-${run}-${newClientId('')}`;
      sentAt.set(id, now());
      void send(buyers[j % buyers.length]!, id, `延迟测量 ${j}`);
      latencySent++;
    }
    const until = now() + 5000;
    while (latencies.length < latencySent && now() < until) await sleep(20);
    stopWatching?.();
    await mark('latency-end');
  }

  if (timeline) appendFileSync(process.env.KEFU_BENCH_RT_TIMELINE!, `${timeline.join('\n')}\n`);
  for (const ws of [...buyers, ...agents]) ws.terminate();
  return { messages: total, roundsMs, throughputMs, latencies, latencySent, latencyRate: rate, errors, clientCpuUs };
}

process.once('message', (cfg: DriverConfig) => {
  run(cfg).then(
    (res) => process.send!({ ok: true, res }, () => process.exit(0)),
    (err: unknown) => process.send!({ ok: false, error: String((err as Error)?.stack ?? err) }, () => process.exit(1)),
  );
});
