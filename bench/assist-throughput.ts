// Buyer-message throughput through the real message path with suggestions on vs off, same server, same run.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expandSuggestionItems, newSuggestionRefTable, type SuggestionRefTable } from '@kefu/contracts';
import { assistOf, defaultConfig, startServer } from '@kefu/server';
import WebSocket from 'ws';
import { CHILD_EXEC_ARGV, cpuProfile, heapProfile, login, metric, newClientId, result, threadCpuUs, threadsCpuByName, type Bench } from './lib.js';

interface DriverConfig {
  url: string;
  publicKey: string;
  agentCookie: string;
  buyers: number;
  perBuyer: number;
  /** Also wait for a `suggestions` frame per message. */
  suggestions: boolean;
  /** Make every text unique (a suffix per message), so no classification comes from the engine's cache. */
  unique?: string;
}
interface DriverResult {
  messages: number;
  ms: number;
  suggestionFrames: number;
  errors: Record<string, number>;
  /** CPU of the client process during the timed part, µs. */
  cpuUs: number;
}

// Buyer messages written for this bench (not from any chat log): a mix of pre- and after-sales questions.
const TEXTS = [
  '能便宜点吗', '这双鞋 42 码有货吗', '包邮吗，新疆能发吗', '今天拍什么时候发货', '我平时穿38，脚有点宽，拍几码合适', '是正品吗，能验货吗',
  '会不会起球', '实物有色差吗', '能开发票吗', '地址写错了帮我改一下', '快递怎么还没到', '鞋子开胶了怎么办', '小了能换大一码吗',
  '不喜欢想退货', '退货运费谁出', '有什么活动吗，有优惠券吗', '下雨天穿会进水吗', '第一次爬山买哪双好', '可以用花呗吗', '好的谢谢',
];

const self = fileURLToPath(import.meta.url);

function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Runs in a child process so the clients do not share the server's event loop. */
async function driver(cfg: DriverConfig): Promise<DriverResult> {
  const errors: Record<string, number> = {};
  const wsBase = cfg.url.replace(/^http/, 'ws');
  const acks = new Map<string, () => void>();
  const total = cfg.buyers * cfg.perBuyer;
  let delivered = 0;
  let suggested = 0;
  let done: () => void = () => {};
  const check = () => delivered >= total && (!cfg.suggestions || suggested >= total) && done();
  const agent = await open(`${wsBase}/ws/agent`, { cookie: cfg.agentCookie });
  // A message frame always precedes its suggestions frame (suggestions follow the commit), so the ids are known.
  const tpIds = new Set<string>();
  const refs: SuggestionRefTable = newSuggestionRefTable();
  agent.on('message', (data) => {
    const f = JSON.parse(data.toString());
    if (f.type === 'message' && String(f.message.clientId).startsWith('tp-')) {
      tpIds.add(f.message.id);
      delivered++;
      check();
    } else if (f.type === 'suggestions') {
      // As the workbench does: items already sent on this socket come as numbers and are filled in from the table.
      if (!expandSuggestionItems(f.items, refs)) errors['client.unknown_ref'] = (errors['client.unknown_ref'] ?? 0) + 1;
      else if (tpIds.has(f.messageId)) {
        suggested++;
        check();
      }
    }
  });
  // KEFU_BENCH_SUGGESTION_REFS=0: whole items in every frame (what a client that does not ask gets), for comparison.
  agent.send(JSON.stringify({ type: 'hello', v: 1, suggestionRefs: process.env.KEFU_BENCH_SUGGESTION_REFS !== '0' }));
  const buyers: WebSocket[] = [];
  for (let i = 0; i < cfg.buyers; i++) {
    const res = await fetch(`${cfg.url}/api/widget/bootstrap`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ publicKey: cfg.publicKey }) });
    const boot = (await res.json()) as { buyerToken: string };
    const ws = await open(`${wsBase}/ws/buyer?token=${encodeURIComponent(boot.buyerToken)}`);
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString());
      if (f.type === 'ack') acks.get(f.clientId)?.();
      else if (f.type === 'error') errors[f.code] = (errors[f.code] ?? 0) + 1;
    });
    ws.send(JSON.stringify({ type: 'hello', v: 1 }));
    buyers.push(ws);
  }
  const send = (ws: WebSocket, clientId: string, text: string) =>
    new Promise<void>((resolve) => {
      acks.set(clientId, () => (acks.delete(clientId), resolve()));
      ws.send(JSON.stringify({ type: 'send', clientId, kind: 'text', text }));
    });
  // Warm-up: first message of each conversation (routing, auto replies), outside the timing.
  await Promise.all(buyers.map((ws) => send(ws, `wu-${newClientId('')}`, '你好，在吗')));
  await new Promise((r) => setTimeout(r, 500));
  const all = new Promise<void>((r) => (done = r));
  // The server notes its CPU counters before the timed part starts (it answers `go`).
  await new Promise<void>((resolve) => {
    process.once('message', () => resolve());
    process.send?.({ start: true });
  });
  // KEFU_BENCH_ASSIST_PROFILE=<prefix>: this process's CPU profile of the timed part too, <prefix>-client-<mode>.cpuprofile.
  const profileTo = process.env.KEFU_BENCH_ASSIST_PROFILE;
  const profile = profileTo ? cpuProfile() : null;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const acked: Promise<void>[] = [];
  for (let k = 0; k < cfg.perBuyer; k++) for (let i = 0; i < buyers.length; i++) acked.push(send(buyers[i]!, `tp-${newClientId('')}`, `${TEXTS[(i + k) % TEXTS.length]!}${cfg.unique ? ` ${cfg.unique}${i}-${k}` : ''}`));
  await Promise.all([Promise.all(acked), all]);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await profile?.stop(`${profileTo}-client-${cfg.unique ? 'unique' : cfg.suggestions ? 'on' : 'off'}.cpuprofile`);
  for (const ws of [...buyers, agent]) ws.terminate();
  return { messages: total, ms, suggestionFrames: suggested, errors, cpuUs: cpu.user + cpu.system };
}

if (process.env.KEFU_ASSIST_DRIVER === '1' && process.send) {
  process.once('message', (cfg: DriverConfig) => {
    driver(cfg).then(
      (res) => process.send!({ ok: true, res }, () => process.exit(0)),
      (err: unknown) => process.send!({ ok: false, error: String(err) }, () => process.exit(1)),
    );
  });
}

/** Runs the clients in a child process; `onStart` is called when the timed part begins. */
function drive(cfg: DriverConfig, onStart: () => void = () => {}): Promise<DriverResult> {
  return new Promise((resolve, reject) => {
    const child = fork(self, [], { execArgv: [...CHILD_EXEC_ARGV], env: { ...process.env, KEFU_ASSIST_DRIVER: '1' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error('driver timed out'))), 300_000);
    child.on('message', (m: { start?: boolean; ok?: boolean; res?: DriverResult; error?: string }) => {
      if (m.start) {
        onStart();
        child.send({ go: true });
        return;
      }
      clearTimeout(timer);
      if (m.ok) resolve(m.res!);
      else reject(new Error(m.error));
    });
    child.send(cfg);
  });
}

export const bench: Bench = {
  name: 'assist-throughput',
  async run({ quick }) {
    const buyers = quick ? 60 : 600;
    const perBuyer = quick ? 8 : 15;
    const rounds = quick ? 1 : 5;
    const dir = mkdtempSync(join(tmpdir(), 'kefu-bench-assist-'));
    const server = await startServer({ ...defaultConfig(dir), port: 0, dbPath: join(dir, 'kefu.db'), dataDir: dir, demo: true, scryptLogN: 10, logLevel: 'silent' });
    const rates = { off: [] as number[], on: [] as number[], unique: [] as number[] };
    const { off, on, unique } = rates;
    /** CPU µs per message of each round: server main thread, assist worker thread, whole server process (main + assist worker + helpers), client process. */
    const cpuOf = () => ({ main: [] as number[], worker: [] as number[], proc: [] as number[], client: [] as number[] });
    const cpu = { off: cpuOf(), on: cpuOf(), unique: cpuOf() };
    /** The server's threads other than the main one and the assist worker, CPU µs per message of each round, by name. */
    const byName = { off: new Map<string, number[]>(), on: new Map<string, number[]>(), unique: new Map<string, number[]>() };
    const loads: number[] = [];
    // KEFU_BENCH_ASSIST_PROFILE=<prefix>: CPU profiles of the server's main thread over the timed part of the last round
    // each way, <prefix>-off.cpuprofile and <prefix>-on.cpuprofile (Chrome DevTools; diff them to see what "on" adds).
    const profileTo = process.env.KEFU_BENCH_ASSIST_PROFILE;
    // Started from the driver's callback (a holder, so the check after the round sees it).
    const profile: { current: ReturnType<typeof cpuProfile> | null } = { current: null };
    // KEFU_BENCH_ASSIST_HEAP=<prefix>: the server's allocations over the timed part of the last round each way that no
    // young-generation collection freed (bench/lib.ts heapProfile 'promoted'), <prefix>-<mode>.heapprofile: what brings
    // on full collections (the GC helper threads' CPU with unique texts).
    const heapTo = process.env.KEFU_BENCH_ASSIST_HEAP;
    const heap: { current: ReturnType<typeof heapProfile> | null } = { current: null };
    let frames = 0;
    let fromWorker = 0;
    const cached = { on: 0, unique: 0 };
    const rankedHits = { on: 0, unique: 0 };
    const atOnce = { on: 0, unique: 0 };
    const storedWithScenario = { on: 0, unique: 0 };
    let batches = 0;
    const errors: Record<string, number> = {};
    try {
      const db = server.ctx.storage.db;
      const shop = await db.selectFrom('shops').select(['public_key']).where('name', '=', '山野户外旗舰店').executeTakeFirstOrThrow();
      const svc = assistOf(server.ctx);
      await svc.warm();
      const cfg = { url: server.url, publicKey: shop.public_key, agentCookie: await login(server.url, 'xiaomei@demo.kefu', server.demo!.password), buyers, perBuyer };
      // A discarded full-size round each way warms the JIT and the caches (with a small one, the first timed round —
      // always "off" — ran ~20 % slower than the others, which flattered the ratio); then alternate off/on so drift
      // (WAL growth) hits both sides alike.
      for (const warm of [false, true]) {
        svc.enabled = warm;
        await drive({ ...cfg, suggestions: warm });
        await svc.idle();
      }
      for (let r = 0; r < rounds; r++) {
        for (const mode of ['off', 'on', 'unique'] as const) {
          svc.enabled = mode !== 'off';
          // CPU from the start of the timed part to the end of the scenario writes that follow it.
          let main0: number | null = null;
          let workerCpu0: number | null = null;
          let proc0 = process.cpuUsage();
          let worker0 = svc.offload.counts.worker;
          let batches0 = svc.offload.counts.batches;
          let cached0 = svc.offload.counts.cachedClassifications;
          let hits0 = svc.ranked.hits;
          let counts0 = { ...svc.counts };
          let names0 = threadsCpuByName();
          const res = await drive({ ...cfg, suggestions: mode !== 'off', ...(mode === 'unique' ? { unique: `r${r}-` } : {}) }, () => {
            main0 = threadCpuUs();
            workerCpu0 = threadCpuUs(svc.offload.workerTid);
            proc0 = process.cpuUsage();
            worker0 = svc.offload.counts.worker;
            batches0 = svc.offload.counts.batches;
            cached0 = svc.offload.counts.cachedClassifications;
            hits0 = svc.ranked.hits;
            counts0 = { ...svc.counts };
            names0 = threadsCpuByName();
            if (profileTo) profile.current = cpuProfile();
            if (heapTo && r === rounds - 1) heap.current = heapProfile('promoted');
          });
          await svc.idle();
          await profile.current?.stop(`${profileTo}-${mode}.cpuprofile`);
          profile.current = null;
          await heap.current?.stop(`${heapTo}-${mode}.heapprofile`);
          heap.current = null;
          for (const [name, us] of threadsCpuByName()) {
            if (name === 'main' || name === 'kefu-assist') continue;
            const list = byName[mode].get(name) ?? [];
            list.push((us - (names0.get(name) ?? 0)) / res.messages);
            byName[mode].set(name, list);
          }
          const main1 = threadCpuUs();
          const workerCpu1 = threadCpuUs(svc.offload.workerTid);
          const proc = process.cpuUsage(proc0);
          if (main0 !== null && main1 !== null) cpu[mode].main.push((main1 - main0) / res.messages);
          if (workerCpu0 !== null && workerCpu1 !== null) cpu[mode].worker.push((workerCpu1 - workerCpu0) / res.messages);
          cpu[mode].proc.push((proc.user + proc.system) / res.messages);
          cpu[mode].client.push(res.cpuUs / res.messages);
          if (mode !== 'off') {
            fromWorker += svc.offload.counts.worker - worker0;
            batches += svc.offload.counts.batches - batches0;
            cached[mode] += svc.offload.counts.cachedClassifications - cached0;
            rankedHits[mode] += svc.ranked.hits - hits0;
            atOnce[mode] += svc.counts.atOnce - counts0.atOnce;
            storedWithScenario[mode] += svc.counts.storedWithScenario - counts0.storedWithScenario;
            frames += res.suggestionFrames;
          }
          loads.push(loadavg()[0]!);
          rates[mode].push(res.messages / (res.ms / 1000));
          for (const [k, v] of Object.entries(res.errors)) errors[k] = (errors[k] ?? 0) + v;
        }
      }
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const us = (xs: number[]) => (xs.length ? `${Math.round(median(xs))} µs` : 'n/a');
    // All the CPU a message costs (both processes), per round: on 2 busy cores throughput follows its inverse.
    const totalOf = (c: ReturnType<typeof cpuOf>) => c.proc.map((x, i) => x + c.client[i]!);
    const total = { off: totalOf(cpu.off), on: totalOf(cpu.on), unique: totalOf(cpu.unique) };
    const three = (k: keyof ReturnType<typeof cpuOf>) => `${us(cpu.off[k])} → ${us(cpu.on[k])} → ${us(cpu.unique[k])}`;
    const perMode = rounds * buyers * perBuyer;
    const names = [...new Set([...byName.off.keys(), ...byName.on.keys(), ...byName.unique.keys()])].sort();
    const helpers = names.map((n) => `${n === 'node' ? 'node (V8 GC and compiler helpers, libuv pool)' : n} ${(['off', 'on', 'unique'] as const).map((m) => us(byName[m].get(n) ?? [])).join(' → ')}`).join(', ');
    const cpuNote =
      `CPU per message (median of rounds), off → on → on with unique texts: server main thread ${three('main')}, assist worker thread ${three('worker')}, ` +
      `server process (main + assist worker + helper threads) ${three('proc')} (helper threads by name: ${helpers}), client process ${three('client')}; ` +
      `server + client ${us(total.off)} → ${us(total.on)} → ${us(total.unique)} (CPU-bound on/off estimate ${(median(total.off) / median(total.on)).toFixed(2)}×, unique texts ${(median(total.off) / median(total.unique)).toFixed(2)}×); ` +
      `answered from the main thread's cache of ranked answers (no trip to the worker): ${rankedHits.on} of ${perMode} with the ${TEXTS.length} repeating texts, ${rankedHits.unique} of ${perMode} with unique texts; ` +
      `computed at once from caches (no promise): ${atOnce.on} / ${atOnce.unique}; stored with their scenario as they were written: ${storedWithScenario.on} / ${storedWithScenario.unique}; ` +
      `classifications from the worker engine's cache: ${cached.on} with the repeating texts, ${cached.unique} with unique texts; ` +
      `${fromWorker} of ${2 * perMode} suggestion requests sent to the worker and answered there, ${(fromWorker / Math.max(1, batches)).toFixed(1)} per batch; 1-min load average during the rounds ${loads.map((l) => l.toFixed(1)).join(', ')} on ${cpus().length} cores`;
    return result(
      'assist-throughput',
      [
        metric('msgs_per_sec_suggestions_on', median(on), 'msg/s', 'same path, suggestions off', median(off), '>= 0.85× off', (m) => m.ratio >= 0.85),
        // Every text new to the classifier cache: the on/off ratio when buyers never repeat themselves word for word.
        metric('msgs_per_sec_suggestions_on_unique_texts', median(unique), 'msg/s', 'same path, suggestions off', median(off), '>= 0.85× off', (m) => m.ratio >= 0.85),
        metric('suggestion_frames', frames, 'frames', 'messages sent with suggestions on', 2 * perMode, '= 1 per message', (m) => m.ratio === 1),
        ...(cpu.on.main.length
          ? [
              // The event loop is the server's bottleneck: at ≤ 1.18× the main-thread CPU of off (1 / 0.85) it could carry 0.85× the messages.
              metric('main_thread_cpu_per_msg_on', median(cpu.on.main), 'µs/msg', 'server main-thread CPU per message, suggestions off', median(cpu.off.main), '<= 1.18× off', (m) => m.ratio <= 1.18),
            ]
          : []),
      ],
      {
        db: 'sqlite',
        notes:
          `${buyers} buyers × ${perBuyer} messages per round, ${rounds} round(s) each way alternating off / on / on with unique texts (median); a message counts when acked and delivered to the agent, ` +
          `and with suggestions on when its suggestions frame (classified, ranked over the demo library of 125 replies + FAQ, variables filled from the DB) reached the agent too; ` +
          `scenario writes batched; classification and ranking in the assist worker thread; clients in a separate process. off: ${off.map((x) => Math.round(x)).join(', ')} msg/s; on: ${on.map((x) => Math.round(x)).join(', ')} msg/s; on with unique texts: ${unique.map((x) => Math.round(x)).join(', ')} msg/s; ${cpuNote}; errors: ${JSON.stringify(errors)}`,
      },
    );
  },
};
