import { SCENARIOS, type GroupKind, type ScenarioId } from '@kefu/contracts';
import { classify, createDefaultClassifier } from '@kefu/core';

/**
 * The one place a buyer message is given a scenario for routing: core's classifier (the shared default
 * model, trained once per process); null when nothing was recognised.
 */
export function scenarioOf(text: string | null | undefined): ScenarioId | null {
  if (!text) return null;
  const c = classify(createDefaultClassifier(), text);
  return c.confidence > 0 && c.scenario !== 'other' ? c.scenario : null;
}

/** Which group kind a scenario belongs to: after-sales stage → 售后, pre-sales and order → 售前, others none. */
export function groupKindOf(scenario: ScenarioId | null): GroupKind | null {
  if (!scenario) return null;
  const stage = SCENARIOS.find((s) => s.id === scenario)?.stage;
  if (stage === 'after') return 'aftersales';
  if (stage === 'pre' || stage === 'order') return 'presales';
  return null;
}
