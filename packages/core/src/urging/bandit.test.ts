import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { addScripts, chooseScript, createScriptStats, recordOutcome, recordSend, scriptReport, wilsonInterval, type ScriptStats } from './bandit.js';
import { createReminderPlan, markSent, onOrderEvent, settleOutcomes, takeDue, usedScripts } from './plan.js';
import { mulberry32 } from './random.js';
import { DEFAULT_URGING_SETTINGS } from './schedule.js';
import { DEFAULT_STEP_SCRIPTS, DEFAULT_URGING_SCRIPT_IDS } from './scripts.js';

describe('wilsonInterval', () => {
  it('matches the textbook value for 30 / 100', () => {
    const { low, high } = wilsonInterval(30, 100);
    expect(low).toBeCloseTo(0.2189, 3);
    expect(high).toBeCloseTo(0.3958, 3);
  });
  it('stays inside [0, 1] at the edges and is [0, 1] with no data', () => {
    expect(wilsonInterval(0, 10).low).toBe(0);
    expect(wilsonInterval(10, 10).high).toBe(1);
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });
  it('narrows with more data', () => {
    const a = wilsonInterval(3, 10);
    const b = wilsonInterval(300, 1000);
    expect(b.high - b.low).toBeLessThan(a.high - a.low);
  });
});

describe('script statistics', () => {
  it('counts sends and outcomes, overall and per step', () => {
    let s = createScriptStats(['a', 'b']);
    s = recordSend(s, 'a', 0);
    s = recordSend(s, 'a', 1);
    s = recordOutcome(s, 'a', true, 0);
    const rows = scriptReport(s);
    expect(rows[0]).toMatchObject({ scriptId: 'a', sent: 2, outcomes: 1, paid: 1, pending: 1, rate: 1 });
    expect(rows[1]).toMatchObject({ scriptId: 'b', sent: 0, rate: null, low: 0, high: 1 });
    expect(scriptReport(s, { step: 1 })[0]).toMatchObject({ scriptId: 'a', sent: 1, outcomes: 0 });
  });
  it('never more outcomes than sends; unknown scripts rejected', () => {
    const s = createScriptStats(['a']);
    expect(() => recordOutcome(s, 'a', true)).toThrow(DomainError);
    expect(() => recordSend(s, 'zzz')).toThrow(DomainError);
  });
  it('is immutable', () => {
    const s = createScriptStats(['a']);
    recordSend(s, 'a');
    expect(s.total.a?.sent).toBe(0);
  });
  it('addScripts keeps old counts', () => {
    const s = addScripts(recordSend(createScriptStats(['a']), 'a'), ['a', 'b']);
    expect(s.scriptIds).toEqual(['a', 'b']);
    expect(s.total.a?.sent).toBe(1);
  });
});

describe('chooseScript (Thompson sampling)', () => {
  it('prefers a clearly better script but not always', () => {
    let s = createScriptStats(['good', 'bad']);
    for (let i = 0; i < 40; i++) {
      s = recordOutcome(recordSend(s, 'good'), 'good', i % 4 === 0);
      s = recordOutcome(recordSend(s, 'bad'), 'bad', i % 20 === 0);
    }
    const rng = mulberry32(3);
    const picks = Array.from({ length: 1000 }, () => chooseScript(s, rng));
    const good = picks.filter((p) => p === 'good').length;
    expect(good).toBeGreaterThan(800);
    expect(good).toBeLessThan(1000);
  });
  it('respects candidates and excludes, falling back when everything is excluded', () => {
    const s = createScriptStats(['a', 'b', 'c']);
    const rng = mulberry32(5);
    for (let i = 0; i < 50; i++) {
      expect(chooseScript(s, rng, { candidates: ['b', 'c'], exclude: ['c'] })).toBe('b');
      expect(['b', 'c']).toContain(chooseScript(s, rng, { candidates: ['b', 'c'], exclude: ['b', 'c'] }));
    }
    expect(() => chooseScript(createScriptStats([]), rng)).toThrow(DomainError);
  });
  it('uses per-step counts when a step is given', () => {
    let s = createScriptStats(['a', 'b']);
    for (let i = 0; i < 60; i++) {
      s = recordOutcome(recordSend(s, 'a', 0), 'a', true, 0);
      s = recordOutcome(recordSend(s, 'b', 2), 'b', true, 2);
      s = recordOutcome(recordSend(s, 'a', 2), 'a', false, 2);
    }
    const rng = mulberry32(11);
    expect(chooseScript(s, rng, { step: 2 })).toBe('b');
    expect(chooseScript(s, rng, { step: 0 })).toBe('a');
  });
});

function simulate(seed: number, orders: number): ScriptStats {
  const truth: Record<string, number> = { s10: 0.1, s20: 0.2, s30: 0.3 };
  const choose = mulberry32(seed);
  const world = mulberry32(seed ^ 0x9e3779b9);
  let stats = createScriptStats(Object.keys(truth));
  for (let i = 0; i < orders; i++) {
    const id = chooseScript(stats, choose);
    stats = recordSend(stats, id);
    stats = recordOutcome(stats, id, world() < (truth[id] ?? 0));
  }
  return stats;
}

describe('simulation: 2,000 unpaid orders, scripts with true rates 10 % / 20 % / 30 %', () => {
  const stats = simulate(20240501, 2000);
  const rows = scriptReport(stats);
  const row = (id: string) => rows.find((r) => r.scriptId === id);

  it('most reminders go to the best script', () => {
    expect(row('s30')?.sent ?? 0).toBeGreaterThan(0.6 * 2000);
    expect(rows[0]?.scriptId).toBe('s30');
  });
  it('the best script’s measured rate and its true 30 % lie within its shown 95 % interval', () => {
    const best = row('s30');
    expect(best?.rate).not.toBeNull();
    expect(best!.rate!).toBeGreaterThanOrEqual(best!.low);
    expect(best!.rate!).toBeLessThanOrEqual(best!.high);
    expect(best!.low).toBeLessThanOrEqual(0.3);
    expect(best!.high).toBeGreaterThanOrEqual(0.3);
    expect(best!.high - best!.low).toBeLessThan(0.1);
  });
  it('exploration still happened: every script got some sends', () => {
    for (const id of ['s10', 's20']) expect(row(id)?.sent ?? 0).toBeGreaterThanOrEqual(20);
    expect(stats.scriptIds.reduce((n, id) => n + (stats.total[id]?.sent ?? 0), 0)).toBe(2000);
  });
  it('holds across seeds (best script gets the majority in each)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = scriptReport(simulate(seed, 2000));
      const best = r.find((x) => x.scriptId === 's30');
      expect(best?.sent ?? 0).toBeGreaterThan(1000);
    }
  });
});

describe('end to end: plan → choose → send → pay → settle → stats', () => {
  it('drives the default schedule for 300 orders without ever sending twice or after payment', () => {
    const S = DEFAULT_URGING_SETTINGS;
    const rng = mulberry32(77);
    const world = mulberry32(78);
    let stats = createScriptStats(DEFAULT_URGING_SCRIPT_IDS);
    const base = Date.parse('2024-05-01T00:00:00+08:00');
    let sends = 0;
    let sentAfterPay = 0;
    for (let i = 0; i < 300; i++) {
      const createdAt = base + Math.floor(world() * 7 * 86_400_000);
      let plan = createReminderPlan({ id: `o${i}`, createdAt }, S);
      const payAt = world() < 0.5 ? createdAt + Math.floor(world() * 80 * 3_600_000) : null;
      let paid = false;
      // Tick every 10 minutes through the order's life.
      for (let t = createdAt; t <= createdAt + 73 * 3_600_000; t += 600_000) {
        if (!paid && payAt !== null && t >= payAt && payAt < Date.parse(plan.closesAt)) {
          plan = onOrderEvent(plan, { type: 'order.paid', at: payAt });
          paid = true;
        }
        const { plan: p, due } = takeDue(plan, t, S);
        plan = p;
        if (!due) continue;
        if (paid) sentAfterPay++;
        const scriptId = chooseScript(stats, rng, { step: due.step, candidates: DEFAULT_STEP_SCRIPTS[due.step], exclude: usedScripts(plan) });
        plan = markSent(plan, due.step, scriptId, t);
        stats = recordSend(stats, scriptId, due.step);
        sends++;
        expect(() => markSent(plan, due.step, scriptId, t)).toThrow(DomainError);
      }
      if (!paid) plan = onOrderEvent(plan, { type: 'closed', at: plan.closesAt });
      const settled = settleOutcomes(plan, createdAt + 150 * 3_600_000);
      for (const o of settled.outcomes) stats = recordOutcome(stats, o.scriptId, o.paidWithin72h, o.step);
      expect(new Set(usedScripts(settled.plan)).size).toBe(settled.plan.reminders.filter((r) => r.status === 'sent').length);
    }
    expect(sentAfterPay).toBe(0);
    const report = scriptReport(stats);
    expect(report.reduce((n, r) => n + r.sent, 0)).toBe(sends);
    expect(report.every((r) => r.pending === 0)).toBe(true);
    expect(sends).toBeGreaterThan(300);
  });
});
