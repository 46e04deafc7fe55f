import type { SizeChart } from '../seed/types.js';

export interface SizeInput {
  footLengthCm?: number;
  /** Wide foot or high instep (seed 001: take one size up on a standard last). */
  wideOrHighInstep?: boolean;
  heightCm?: number;
  weightKg?: number;
}

export interface SizeAdvice {
  size: string | null;
  /** Why, in Chinese, ready to adapt into a reply. */
  reason: string;
}

function shift<T>(rows: readonly T[], i: number, by: number): { index: number; clamped: boolean } {
  const j = Math.min(rows.length - 1, Math.max(0, i + by));
  return { index: j, clamped: j !== i + by };
}

/**
 * A size from a product's chart. Shoes: the smallest size whose foot length fits, one up for wide
 * feet on a standard or narrow last, one down for slim feet on a wide last. Clothing: the size whose
 * height and weight ranges both fit; when they disagree, the larger one (seed 001: 宽松一点).
 */
export function recommendSize(chart: SizeChart, input: SizeInput): SizeAdvice {
  if (chart.kind === 'shoe') {
    const foot = input.footLengthCm;
    if (foot === undefined || !(foot > 0)) return { size: null, reason: '需要脚长（厘米）才能推荐鞋码' };
    const base = chart.rows.findIndex((r) => foot <= r.footLengthMaxCm + 1e-9);
    if (base < 0) return { size: null, reason: `脚长 ${foot} 厘米超出了这款的尺码范围` };
    let by = 0;
    let why = `脚长 ${foot} 厘米对应 ${chart.rows[base]!.size} 码`;
    if (input.wideOrHighInstep && chart.fit !== 'wide') {
      by = 1;
      why += '，脚宽或脚背高，建议大一码';
    } else if (!input.wideOrHighInstep && chart.fit === 'wide') {
      by = -1;
      why += '，这款鞋型偏宽，脚不宽的建议小一码';
    }
    const { index, clamped } = shift(chart.rows, base, by);
    if (clamped) why += '（已是这款的边界尺码）';
    return { size: chart.rows[index]!.size, reason: why };
  }
  const { heightCm: h, weightKg: w } = input;
  if (h === undefined && w === undefined) return { size: null, reason: '需要身高或体重才能推荐尺码' };
  const pick = (value: number | undefined, key: 'heightCm' | 'weightKg'): number => {
    if (value === undefined) return -1;
    // Overlapping ranges: the last row containing the value, so borderline buyers get the roomier size.
    let found = -1;
    chart.rows.forEach((r, i) => {
      if (value >= r[key][0] && value <= r[key][1]) found = i;
    });
    if (found < 0) found = value < chart.rows[0]![key][0] ? 0 : chart.rows.length - 1;
    return found;
  };
  const index = Math.max(pick(h, 'heightCm'), pick(w, 'weightKg'));
  const parts = [h !== undefined ? `身高 ${h} 厘米` : '', w !== undefined ? `体重 ${w} 公斤` : ''].filter(Boolean);
  return { size: chart.rows[index]!.size, reason: `${parts.join('、')}，按尺码表建议 ${chart.rows[index]!.size} 码` };
}
