import { DomainError } from '../errors.js';
import { sampleBeta, type Rng } from './random.js';

/** Counts of one script: reminders sent, outcomes settled, and of those paid within 72 h. */
export interface ArmCounts {
  sent: number;
  outcomes: number;
  paid: number;
}

/** Per-script urging statistics of a shop, overall and per schedule step. */
export interface ScriptStats {
  scriptIds: string[];
  total: Record<string, ArmCounts>;
  byStep: Record<string, Record<string, ArmCounts>>;
}

const zero = (): ArmCounts => ({ sent: 0, outcomes: 0, paid: 0 });

/** Empty statistics for the given script ids (duplicates ignored). */
export function createScriptStats(scriptIds: readonly string[]): ScriptStats {
  const ids = [...new Set(scriptIds)];
  return { scriptIds: ids, total: Object.fromEntries(ids.map((id) => [id, zero()])), byStep: {} };
}

/** Adds scripts a shop created later; existing counts are kept. */
export function addScripts(stats: ScriptStats, scriptIds: readonly string[]): ScriptStats {
  const fresh = scriptIds.filter((id) => !stats.scriptIds.includes(id));
  if (!fresh.length) return stats;
  return {
    ...stats,
    scriptIds: [...stats.scriptIds, ...new Set(fresh)],
    total: { ...stats.total, ...Object.fromEntries(fresh.map((id) => [id, zero()])) },
  };
}

function known(stats: ScriptStats, scriptId: string): void {
  if (!stats.scriptIds.includes(scriptId)) {
    throw new DomainError('request.invalid', `未知的催付话术：${scriptId}`, { field: 'scriptId', value: scriptId });
  }
}

function bump(stats: ScriptStats, scriptId: string, step: number | undefined, f: (c: ArmCounts) => ArmCounts): ScriptStats {
  const total = { ...stats.total, [scriptId]: f(stats.total[scriptId] ?? zero()) };
  if (step === undefined) return { ...stats, total };
  const key = String(step);
  const row = stats.byStep[key] ?? {};
  return { ...stats, total, byStep: { ...stats.byStep, [key]: { ...row, [scriptId]: f(row[scriptId] ?? zero()) } } };
}

/** Counts a reminder sent with `scriptId` (at schedule `step` when given). */
export function recordSend(stats: ScriptStats, scriptId: string, step?: number): ScriptStats {
  known(stats, scriptId);
  return bump(stats, scriptId, step, (c) => ({ ...c, sent: c.sent + 1 }));
}

/** Counts a settled outcome of a sent reminder; throws when it would outnumber the sends. */
export function recordOutcome(stats: ScriptStats, scriptId: string, paidWithin72h: boolean, step?: number): ScriptStats {
  known(stats, scriptId);
  const over = (c: ArmCounts | undefined) => (c?.outcomes ?? 0) >= (c?.sent ?? 0);
  if (over(stats.total[scriptId]) || (step !== undefined && over(stats.byStep[String(step)]?.[scriptId]))) {
    throw new DomainError('resource.conflict', '催付结果数超过了发送数', { scriptId, step: step ?? null });
  }
  return bump(stats, scriptId, step, (c) => ({ ...c, outcomes: c.outcomes + 1, paid: c.paid + (paidWithin72h ? 1 : 0) }));
}

/** Counts of a script overall, or at one step. */
export function armCounts(stats: ScriptStats, scriptId: string, step?: number): ArmCounts {
  const c = step === undefined ? stats.total[scriptId] : stats.byStep[String(step)]?.[scriptId];
  return c ?? zero();
}

export interface ChooseOptions {
  /** Use the counts of this schedule step (per-step bandit); overall counts when omitted. */
  step?: number;
  /** Only these scripts (e.g. the ones suited to the step); default all. */
  candidates?: readonly string[];
  /** Scripts to avoid (already sent to this order); ignored if it would leave nothing. */
  exclude?: readonly string[];
}

/**
 * Thompson sampling: draws p ~ Beta(1 + paid, 1 + outcomes − paid) per script and picks the highest.
 * Better scripts win most draws; uncertain ones still win some, so exploration never stops.
 */
export function chooseScript(stats: ScriptStats, rng: Rng, opts: ChooseOptions = {}): string {
  const base = (opts.candidates ?? stats.scriptIds).filter((id) => stats.scriptIds.includes(id));
  const exclude = new Set(opts.exclude ?? []);
  const pool = base.some((id) => !exclude.has(id)) ? base.filter((id) => !exclude.has(id)) : base;
  if (!pool.length) throw new DomainError('request.invalid', '没有可用的催付话术', { candidates: opts.candidates ?? null });
  let best = pool[0] as string;
  let bestDraw = -1;
  for (const id of pool) {
    const c = armCounts(stats, id, opts.step);
    const draw = sampleBeta(1 + c.paid, 1 + c.outcomes - c.paid, rng);
    if (draw > bestDraw) {
      bestDraw = draw;
      best = id;
    }
  }
  return best;
}

/** 95 % two-sided normal quantile. */
export const Z95 = 1.959963984540054;

/** Wilson score interval of a proportion; n = 0 gives the uninformative [0, 1]. */
export function wilsonInterval(successes: number, n: number, z = Z95): { low: number; high: number } {
  if (n <= 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // Exact ends at 0 % and 100 % (floating point would give 0.9999…).
  return { low: successes <= 0 ? 0 : Math.max(0, centre - half), high: successes >= n ? 1 : Math.min(1, centre + half) };
}

/** One row of the urging report: 催付成功率 = paid / outcomes, with its 95 % Wilson interval. */
export interface ScriptReportRow {
  scriptId: string;
  sent: number;
  outcomes: number;
  paid: number;
  /** Pending = sent but not yet settled (within the 72 h window). */
  pending: number;
  rate: number | null;
  low: number;
  high: number;
}

/** Per-script sends, payments, rate and 95 % Wilson interval, best rate first (unmeasured last). */
export function scriptReport(stats: ScriptStats, opts: { step?: number; z?: number } = {}): ScriptReportRow[] {
  return stats.scriptIds
    .map((scriptId) => {
      const c = armCounts(stats, scriptId, opts.step);
      const { low, high } = wilsonInterval(c.paid, c.outcomes, opts.z);
      return { scriptId, sent: c.sent, outcomes: c.outcomes, paid: c.paid, pending: c.sent - c.outcomes, rate: c.outcomes ? c.paid / c.outcomes : null, low, high };
    })
    .sort((a, b) => (b.rate ?? -1) - (a.rate ?? -1) || b.outcomes - a.outcomes);
}
