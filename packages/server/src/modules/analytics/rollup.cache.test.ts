import { describe, expect, it } from 'vitest';
import type { RollupFacts } from './rollup-facts.js';
import { RollupCache } from './rollup.store.js';

const facts = (day: number): RollupFacts => ({
  days: [{ shop_id: 's', day, buyer: 'b', prev_day: null, first_at: 1, first_agent_at: null, ordered: 0, paid: 0, replied_day: 0, fr_ms: null, fh_ms: null, fh_agent: null, answered: 0, turn_ms: 0, unanswered: 1 }],
  agents: [],
  orders: [],
  scenarios: [],
  repeats: [],
});

describe('RollupCache', () => {
  it('gives an entry only while the stored stamp is its own, and drops a stale one', () => {
    const c = new RollupCache(10);
    c.set('s', 'b1', 7, facts(100));
    expect(c.get('s', 'b1', 7)?.facts.days[0]!.day).toBe(100);
    expect(c.get('s', 'b1', 8)).toBeUndefined();
    expect(c.peek('s', 'b1')).toBe(false);
    // No stamp stored (a rebuild deleted it): not used either.
    c.set('s', 'b2', 3, facts(101));
    expect(c.get('s', 'b2', undefined)).toBeUndefined();
    expect([c.hits, c.stale]).toEqual([1, 2]);
    // Shops are apart.
    c.set('s', 'b3', 1, facts(102));
    expect(c.get('t', 'b3', 1)).toBeUndefined();
  });

  it('keeps the most recently used buyers up to its size', () => {
    const c = new RollupCache(3);
    for (const b of ['b1', 'b2', 'b3']) c.set('s', b, 1, facts(1));
    expect(c.get('s', 'b1', 1)).toBeDefined(); // b1 is now the most recent
    c.set('s', 'b4', 1, facts(1));
    expect(c.size).toBe(3);
    expect(c.peek('s', 'b2')).toBe(false);
    expect(['b1', 'b3', 'b4'].every((b) => c.peek('s', b))).toBe(true);
    c.delete('s', 'b3');
    c.clear();
    expect(c.size).toBe(0);
  });
});
