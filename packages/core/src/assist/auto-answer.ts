import type { ScenarioId } from '@kefu/contracts';
import { fillVariables, type VariableName } from './variables.js';

/** A shop's auto-answer setting: off unless the owner turns it on. */
export interface AutoAnswerSetting {
  enabled: boolean;
  /** Classifier confidence required; clamped to at least AUTO_ANSWER.minThreshold. */
  minConfidence?: number;
}

export const DEFAULT_AUTO_ANSWER_SETTING: AutoAnswerSetting = { enabled: false };

/**
 * Thresholds of auto-answering. A wrong automatic answer costs more than a slow one (the seeds:
 * a cold or wrong reply loses the buyer), so the bar is high and cannot be set low.
 */
export const AUTO_ANSWER = {
  /** Default confidence required when the shop enables auto-answer. */
  defaultThreshold: 0.85,
  /** No shop setting can go below this. */
  minThreshold: 0.7,
  /** The best alternative scenario must trail the chosen one by at least this much. */
  minMargin: 0.2,
} as const;

/**
 * Scenarios never answered automatically: they need a person, an order lookup or a judgement
 * (complaints, after-sales cases, off-platform risk, price talk, unclear messages).
 */
export const NEVER_AUTO_SCENARIOS: ReadonlySet<ScenarioId> = new Set<ScenarioId>([
  'bargain',
  'order_change',
  'logistics',
  'quality_problem',
  'exchange',
  'return_refund',
  'return_shipping',
  'complaint',
  'off_platform',
  'other',
]);

export interface AutoAnswerCandidate {
  id: string;
  scenario: ScenarioId;
  text: string;
  safeForAuto?: boolean;
}

export interface AutoAnswerInput {
  scenario: ScenarioId;
  /** Classifier confidence of `scenario`, 0..1. */
  confidence: number;
  alternatives?: readonly { scenario: ScenarioId; score: number }[];
  setting: AutoAnswerSetting;
  /** The shop's replies; only those marked `safeForAuto` for the scenario are eligible. */
  replies: readonly AutoAnswerCandidate[];
  /** Preferred order (e.g. the ids returned by `suggest`); otherwise library order. */
  rankedIds?: readonly string[];
  /** Values for the reply's variables: a reply that would leave a placeholder is never sent. */
  vars?: Partial<Record<VariableName, string>>;
}

export interface AutoAnswer {
  id: string;
  text: string;
}

/** The confidence a shop setting actually requires. */
export function autoAnswerThreshold(setting: AutoAnswerSetting): number {
  return Math.max(AUTO_ANSWER.minThreshold, setting.minConfidence ?? AUTO_ANSWER.defaultThreshold);
}

/**
 * The reply to send automatically, or null. Sends only when the shop enabled it, the scenario is
 * not in NEVER_AUTO_SCENARIOS, confidence ≥ threshold, the runner-up scenario is ≥ minMargin behind,
 * and a `safeForAuto` reply for the scenario fills all its variables.
 */
export function chooseAutoAnswer(input: AutoAnswerInput): AutoAnswer | null {
  if (!input.setting.enabled) return null;
  if (NEVER_AUTO_SCENARIOS.has(input.scenario)) return null;
  if (!(input.confidence >= autoAnswerThreshold(input.setting))) return null;
  const runnerUp = Math.max(0, ...(input.alternatives ?? []).filter((a) => a.scenario !== input.scenario).map((a) => a.score));
  if (input.confidence - runnerUp < AUTO_ANSWER.minMargin) return null;

  const eligible = input.replies.filter((r) => r.safeForAuto === true && r.scenario === input.scenario);
  if (input.rankedIds) {
    const rank = new Map(input.rankedIds.map((id, i) => [id, i]));
    const pos = (id: string) => rank.get(id) ?? Number.MAX_SAFE_INTEGER;
    eligible.sort((a, b) => pos(a.id) - pos(b.id));
  }
  for (const reply of eligible) {
    const filled = fillVariables(reply.text, input.vars ?? {});
    if (filled.missing.length === 0) return { id: reply.id, text: filled.text };
  }
  return null;
}
