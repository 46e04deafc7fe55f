export { VARIABLES, type VariableName, type FillResult, fillVariables, extractVariables, isVariableName } from './variables.js';
export {
  RANKING,
  createSuggestionIndex,
  suggest,
  learnedPreference,
  type PickStats,
  type SuggestItem,
  type SuggestQuery,
  type SuggestIndex,
  type Suggestion,
  type SuggestReason,
  type SuggestReasonCode,
} from './suggest.js';
export { recordFeedback } from './feedback.js';
export {
  AUTO_ANSWER,
  DEFAULT_AUTO_ANSWER_SETTING,
  NEVER_AUTO_SCENARIOS,
  autoAnswerThreshold,
  chooseAutoAnswer,
  type AutoAnswer,
  type AutoAnswerCandidate,
  type AutoAnswerInput,
  type AutoAnswerSetting,
} from './auto-answer.js';
export { recommendSize, type SizeAdvice, type SizeInput } from './size.js';
