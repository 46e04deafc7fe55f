import { TRAIN_PAIRS } from './examples.generated.js';
import { trainClassifier, type ClassifierModel, type ScenarioExample } from './model.js';

export { normalizeText, CLASSIFY_MAX_CHARS, PINYIN_ABBREVIATIONS } from './normalize.js';
export { SCENARIO_KEYWORD_RULES, applyScenarioRules, type ScenarioKeywordRule } from './rules.js';
export {
  ClassifierModel,
  classify,
  loadClassifier,
  trainClassifier,
  isLowPriorityScenario,
  type ScenarioClassification,
  type ClassifierJSON,
  type ScenarioExample,
  type ScenarioScore,
  type ClassifierTrainOptions,
} from './model.js';

/** The shipped labelled training examples (data/scenarios/train.jsonl). */
export const DEFAULT_SCENARIO_EXAMPLES: readonly ScenarioExample[] = TRAIN_PAIRS.map(([text, scenario]) => ({ text, scenario }));

let cached: ClassifierModel | undefined;

/**
 * A classifier trained on the shipped examples (memoised), or on shipped + `extraExamples` (a shop's own;
 * trained fresh each call, so keep the result).
 */
export function createDefaultClassifier(extraExamples: readonly ScenarioExample[] = []): ClassifierModel {
  if (extraExamples.length > 0) return trainClassifier([...DEFAULT_SCENARIO_EXAMPLES, ...extraExamples]);
  cached ??= trainClassifier(DEFAULT_SCENARIO_EXAMPLES);
  return cached;
}
