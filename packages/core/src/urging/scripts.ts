/**
 * Default urging script ids. The texts live in `seed/quick-replies.ts` (`urgingScripts`); urge_n is
 * the n-th 催付 script of seed 001: 1 activity volume (拍下尽快付款), 2 activity ending, 3 arrange
 * shipping early, 4 today's shipping cut-off, 5 "saw your unpaid order, it will close automatically".
 */
export const DEFAULT_URGING_SCRIPT_IDS = ['urge_1', 'urge_2', 'urge_3', 'urge_4', 'urge_5'] as const;

/**
 * Scripts suited to each default step: the impulse window leans on time-limited offers and
 * same-day shipping; later steps on recovery and the coming automatic close (seeds 001, 003).
 * Each later step has one more candidate than the reminders before it, so a buyer never gets the same text twice.
 */
export const DEFAULT_STEP_SCRIPTS: Readonly<Record<number, readonly string[]>> = {
  0: ['urge_1', 'urge_2', 'urge_3', 'urge_4'],
  1: ['urge_2', 'urge_3', 'urge_5'],
  2: ['urge_5', 'urge_2', 'urge_3'],
};
