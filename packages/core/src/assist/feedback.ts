import type { PickStats } from './suggest.js';

/**
 * Learning rule: every suggestion shown to the agent gets `shown + 1`; the one the agent sent gets
 * `picked + 1` (and counts as shown, even if it came from a shortcut and was not on the list).
 * `pickedId === null` means the agent typed their own answer: every shown suggestion missed.
 * Returns a new map; the input is not modified (the server persists the result).
 */
export function recordFeedback(
  stats: ReadonlyMap<string, PickStats>,
  shownIds: readonly string[],
  pickedId: string | null,
): Map<string, PickStats> {
  const next = new Map(stats);
  const bump = (id: string, picked: number) => {
    const cur = next.get(id) ?? { shown: 0, picked: 0 };
    next.set(id, { shown: cur.shown + 1, picked: cur.picked + picked });
  };
  const seen = new Set<string>();
  for (const id of shownIds) {
    if (seen.has(id)) continue;
    seen.add(id);
    bump(id, id === pickedId ? 1 : 0);
  }
  if (pickedId !== null && !seen.has(pickedId)) bump(pickedId, 1);
  return next;
}
