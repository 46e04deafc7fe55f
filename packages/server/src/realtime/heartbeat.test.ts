import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startHeartbeat } from './heartbeat.js';

describe('startHeartbeat', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('visits 10,000 members once per period, at most a slice at a time, spread over the period', () => {
    const members = new Set(Array.from({ length: 10_000 }, (_, i) => i));
    const seen = new Map<number, number>();
    const steps: number[] = [];
    let inStep = 0;
    let lastAt = -1;
    const hb = startHeartbeat(members, 25_000, (m, now) => {
      if (now !== lastAt) {
        if (lastAt >= 0) steps.push(inStep);
        inStep = 0;
        lastAt = now;
      }
      inStep++;
      seen.set(m, (seen.get(m) ?? 0) + 1);
    }, 64);
    vi.advanceTimersByTime(25_000);
    steps.push(inStep);
    expect(seen.size).toBe(10_000);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(Math.max(...steps)).toBe(64);
    expect(steps.length).toBe(Math.ceil(10_000 / 64));
    // The next period visits everyone again.
    vi.advanceTimersByTime(25_000);
    expect([...seen.values()].every((n) => n === 2)).toBe(true);
    hb.stop();
    vi.advanceTimersByTime(100_000);
    expect([...seen.values()].every((n) => n === 2)).toBe(true);
  });

  it('a few members: all of them once per period, as one step', () => {
    const members = new Set(['a', 'b', 'c']);
    const visits: Array<[string, number]> = [];
    const hb = startHeartbeat(members, 1_000, (m, now) => visits.push([m, now]));
    vi.advanceTimersByTime(999);
    expect(visits).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(visits.map(([m]) => m)).toEqual(['a', 'b', 'c']);
    expect(new Set(visits.map(([, t]) => t)).size).toBe(1);
    hb.stop();
  });

  it('a member added during a sweep is visited in it; a removed one is not', () => {
    const members = new Set(Array.from({ length: 200 }, (_, i) => `m${i}`));
    const seen: string[] = [];
    const hb = startHeartbeat(members, 4_000, (m) => seen.push(m), 50);
    vi.advanceTimersByTime(1_000); // first slice of four
    expect(seen).toHaveLength(50);
    members.delete('m150');
    members.add('late');
    vi.advanceTimersByTime(3_300);
    expect(seen).toContain('late');
    expect(seen).not.toContain('m150');
    expect(new Set(seen).size).toBe(seen.length);
    hb.stop();
  });
});
