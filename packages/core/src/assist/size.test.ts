import { describe, expect, it } from 'vitest';
import { PRODUCTS } from '../seed/index.js';
import { recommendSize } from './size.js';

const chart = (sku: string) => PRODUCTS.find((p) => p.sku === sku)!.sizeChart;

describe('recommendSize', () => {
  it('maps foot length to the size on a standard last, one up for wide feet', () => {
    expect(recommendSize(chart('QH-HK01'), { footLengthCm: 24 }).size).toBe('38');
    expect(recommendSize(chart('QH-HK01'), { footLengthCm: 24.2 }).size).toBe('39');
    expect(recommendSize(chart('QH-HK01'), { footLengthCm: 24, wideOrHighInstep: true }).size).toBe('39');
  });

  it('on a wide last, slim feet take one size down (seed 001 回复3)', () => {
    const advice = recommendSize(chart('QH-HK02'), { footLengthCm: 25 });
    expect(advice.size).toBe('39');
    expect(advice.reason).toContain('偏宽');
    expect(recommendSize(chart('QH-HK02'), { footLengthCm: 25, wideOrHighInstep: true }).size).toBe('40');
  });

  it('stays inside the chart and says when it cannot help', () => {
    expect(recommendSize(chart('QH-HK03'), { footLengthCm: 25, wideOrHighInstep: true }).size).toBe('40');
    expect(recommendSize(chart('QH-HK03'), { footLengthCm: 29 }).size).toBeNull();
    expect(recommendSize(chart('QH-HK01'), {}).size).toBeNull();
  });

  it('maps height and weight to clothing sizes, taking the larger when they disagree', () => {
    expect(recommendSize(chart('QH-W05'), { heightCm: 160, weightKg: 50 }).size).toBe('M');
    expect(recommendSize(chart('QH-W05'), { heightCm: 155, weightKg: 58 }).size).toBe('L');
    expect(recommendSize(chart('QH-W05'), { heightCm: 145 }).size).toBe('S');
    expect(recommendSize(chart('QH-W05'), { weightKg: 90 }).size).toBe('XL');
    expect(recommendSize(chart('QH-W05'), {}).size).toBeNull();
  });
});
