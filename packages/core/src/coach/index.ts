export * from './types.js';
export * from './rules.js';
export { lintReply, countQuestions, countAnswers } from './lint.js';
export * from './ladder.js';
