import { describe, expect, it } from 'vitest';
import { mulberry32, sampleBeta, sampleGamma } from './random.js';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('mulberry32', () => {
  it('is reproducible per seed and differs between seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xa = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xa);
    expect(c()).not.toBe(xa[0]);
  });
  it('stays in [0, 1) with a mean near 1/2', () => {
    const r = mulberry32(1);
    const xs = Array.from({ length: 20_000 }, r);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mean(xs)).toBeCloseTo(0.5, 1);
  });
});

describe('Gamma and Beta samplers', () => {
  it('Gamma(k) has mean k, also for k < 1', () => {
    const r = mulberry32(7);
    for (const k of [0.5, 1, 3, 12]) {
      const xs = Array.from({ length: 20_000 }, () => sampleGamma(k, r));
      expect(Math.min(...xs)).toBeGreaterThan(0);
      expect(Math.abs(mean(xs) - k) / k).toBeLessThan(0.05);
    }
  });
  it('Beta(a, b) has mean a / (a + b) and stays in (0, 1)', () => {
    const r = mulberry32(9);
    for (const [a, b] of [[1, 1], [2, 8], [31, 71]] as const) {
      const xs = Array.from({ length: 20_000 }, () => sampleBeta(a, b, r));
      expect(Math.min(...xs)).toBeGreaterThan(0);
      expect(Math.max(...xs)).toBeLessThan(1);
      expect(mean(xs)).toBeCloseTo(a / (a + b), 2);
    }
  });
  it('rejects a non-positive shape', () => {
    expect(() => sampleGamma(0, mulberry32(1))).toThrow(RangeError);
  });
});
