// Reads a KEFU_BENCH_RT_TIMELINE file (bench/realtime.ts) and shows what made the latency phase's tail: the slowest
// 1 % of messages grouped into episodes (slow messages less than 150 ms apart), each with the server's GC pauses,
// event-loop gaps and WAL checkpoints and the clients' own event-loop gaps around it. Usage: node --import tsx bench/realtime/timeline.ts <file>
import { readFileSync } from 'node:fs';
import { percentile } from '../lib.js';

type Row = { at: number; ms: number; what: string };
const file = process.argv[2];
if (!file) throw new Error('usage: timeline.ts <file written with KEFU_BENCH_RT_TIMELINE>');
const msgs = new Map<string, Row[]>();
const events = new Map<string, Row[]>();
for (const line of readFileSync(file, 'utf8').split('\n')) {
  const [mode, kind, at, ms, extra, log, rounds, fin] = line.split(' ');
  if (!mode || !kind || at === undefined || ms === undefined) continue;
  const row = { at: Number(at), ms: Number(ms), what: kind === 'gc' ? `gc ${extra}` : kind === 'checkpoint' ? `checkpoint of ${extra} pages (log ${log} frames, ${rounds} rounds, event loop ${fin} ms)` : kind };
  const into = kind === 'msg' ? msgs : events;
  if (!into.has(mode)) into.set(mode, []);
  into.get(mode)!.push(row);
}
for (const [mode, rows] of msgs) {
  rows.sort((a, b) => a.at - b.at);
  // The bench's own percentile (nearest rank), so the p99 here is the one bench/results reports.
  const ms = rows.map((r) => r.ms);
  const q = (p: number) => percentile(ms, p);
  const p99 = q(99);
  const t0 = rows[0]!.at;
  console.log(`${mode}: ${rows.length} messages, p50 ${q(50).toFixed(1)} p90 ${q(90).toFixed(1)} p99 ${p99.toFixed(1)} max ${q(100).toFixed(1)} ms`);
  const episodes: Array<{ from: number; to: number; max: number; n: number }> = [];
  for (const r of rows) {
    if (r.ms < p99) continue;
    const last = episodes.at(-1);
    if (last && r.at - last.to < 150) Object.assign(last, { to: r.at, max: Math.max(last.max, r.ms), n: last.n + 1 });
    else episodes.push({ from: r.at, to: r.at, max: r.ms, n: 1 });
  }
  const ev = events.get(mode) ?? [];
  for (const e of episodes) {
    const near = ev.filter((x) => x.at >= e.from - 150 && x.at <= e.to + 20).map((x) => `${x.what} at ${(x.at - t0).toFixed(0)} ms for ${x.ms.toFixed(1)} ms`);
    console.log(`  at ${(e.from - t0).toFixed(0)} ms: ${e.n} of the slowest 1 %, up to ${e.max.toFixed(0)} ms; around it: ${near.join('; ') || 'nothing recorded'}`);
  }
  const gcs = ev.filter((x) => x.what.startsWith('gc'));
  const gaps = ev.filter((x) => x.what === 'stall');
  const cps = ev.filter((x) => x.what.startsWith('checkpoint'));
  const clientGaps = ev.filter((x) => x.what === 'client-stall');
  const clientText = clientGaps.length ? `, clients' event-loop gaps over 12 ms: ${clientGaps.length} (longest ${Math.max(...clientGaps.map((x) => x.ms)).toFixed(0)} ms)` : '';
  const cpText = cps.length ? `, ${cps.length} WAL checkpoints (${cps.reduce((a, x) => a + x.ms, 0).toFixed(0)} ms in the worker)` : '';
  console.log(`  in the phase: ${gcs.length} GC pauses (${gcs.reduce((a, x) => a + x.ms, 0).toFixed(0)} ms), ${gaps.length} event-loop gaps over 12 ms (longest ${Math.max(0, ...gaps.map((x) => x.ms)).toFixed(0)} ms)${cpText}${clientText}`);
}
