import { describe, expect, it } from 'vitest';
import { recordFeedback } from './feedback.js';
import type { PickStats } from './suggest.js';

describe('recordFeedback', () => {
  it('counts every shown suggestion and the pick', () => {
    const next = recordFeedback(new Map(), ['a', 'b', 'c'], 'b');
    expect(Object.fromEntries(next)).toEqual({ a: { shown: 1, picked: 0 }, b: { shown: 1, picked: 1 }, c: { shown: 1, picked: 0 } });
  });

  it('counts a miss for all shown when the agent typed their own answer', () => {
    const start = new Map<string, PickStats>([['a', { shown: 3, picked: 2 }]]);
    const next = recordFeedback(start, ['a', 'b'], null);
    expect(next.get('a')).toEqual({ shown: 4, picked: 2 });
    expect(next.get('b')).toEqual({ shown: 1, picked: 0 });
  });

  it('counts a reply sent by shortcut that was not on the list as shown and picked', () => {
    const next = recordFeedback(new Map(), ['a'], 'z');
    expect(next.get('z')).toEqual({ shown: 1, picked: 1 });
    expect(next.get('a')).toEqual({ shown: 1, picked: 0 });
  });

  it('does not modify its input and counts duplicates once', () => {
    const start = new Map<string, PickStats>([['a', { shown: 1, picked: 0 }]]);
    const next = recordFeedback(start, ['a', 'a'], 'a');
    expect(start.get('a')).toEqual({ shown: 1, picked: 0 });
    expect(next.get('a')).toEqual({ shown: 2, picked: 1 });
  });
});
