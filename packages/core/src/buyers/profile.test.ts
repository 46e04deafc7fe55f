import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { applyProfileEdits, estimateProfile, profileStrategies, refreshProfile } from './profile.js';
import { DEMAND_DIMENSIONS, TEMPERAMENTS, dimensionOf, strategyFor } from './traits.js';

describe('estimateProfile — temperament (seed 000)', () => {
  it('表现型: shows off', () => {
    const p = estimateProfile(['我穿这个会不会太惹眼啊', '我以前就是做这行的，款式还是挺懂的']);
    expect(p.temperament.value).toBe('expressive');
    expect(p.temperament.evidence).toContain('我穿这个会不会太惹眼啊');
  });
  it('支配型: brisk and firm', () => {
    const p = estimateProfile(['你不用跟我说这么多，这个产品我懂得比你多', '便宜20元我马上拍，不行就算了']);
    expect(p.temperament.value).toBe('dominant');
    expect(p.temperament.confidence).toBeGreaterThan(0.5);
  });
  it('支配型: a short command counts', () => {
    expect(estimateProfile(['直接发顺丰']).temperament.value).toBe('dominant');
    expect(estimateProfile(['直接发顺丰可以吗？']).temperament.value).toBeNull();
  });
  it('分析型: long detailed questions with numbers, authenticity doubts', () => {
    const p = estimateProfile(['你们这个到底是不是正品？', '鞋底是什么材质的，42码内长多少厘米，和去年那款有什么区别？']);
    expect(p.temperament.value).toBe('analytical');
    expect(p.temperament.evidence).toHaveLength(2);
  });
  it('温和型: asks to be guided, kind words', () => {
    const p = estimateProfile(['我该用哪种好呢', '你们天天忙到深夜很辛苦吧']);
    expect(p.temperament.value).toBe('amiable');
  });
  it('no cue → unknown with zero confidence', () => {
    const p = estimateProfile(['在吗', '这个有货吗']);
    expect(p.temperament).toMatchObject({ value: null, confidence: 0, evidence: [] });
  });
  it('a tie stays unknown', () => {
    const p = estimateProfile(['我该用哪种好呢', '你不用跟我说这么多']);
    expect(p.temperament.value).toBeNull();
  });
});

describe('estimateProfile — demand dimensions (seed 001)', () => {
  const cases: Array<[string, string, string]> = [
    ['need', '42码黑色的还有吗', 'clear'],
    ['need', '不知道选哪个，有什么推荐吗', 'confused'],
    ['decision', '不用推荐了，我已经看好了', 'independent'],
    ['decision', '好纠结，黑色还是白色好呢', 'swing'],
    ['price', '能便宜点吗，有优惠券吗', 'price_sensitive'],
    ['price', '价格无所谓，只要质量好', 'price_insensitive'],
    ['urgency', '今天能发吗？我赶时间', 'urgent'],
    ['urgency', '不急，先看看', 'browsing'],
    ['purpose', '想送女朋友当生日礼物', 'gift'],
    ['purpose', '我自己穿的，平时上班用', 'self_use'],
    ['quality', '做工怎么样，会不会起球', 'demanding'],
    ['quality', '差不多就行，能穿就行', 'easygoing'],
    ['trust', '老顾客了，上次买的很好', 'trusting'],
    ['trust', '是正品吗？不会是假货吧', 'suspicious'],
  ];
  for (const [dim, msg, pole] of cases) {
    it(`${dim}: “${msg}” → ${pole}`, () => {
      const t = estimateProfile([msg]).demands[dim as keyof ReturnType<typeof estimateProfile>['demands']];
      expect(t.value).toBe(pole);
      expect(t.evidence).toEqual([msg]);
      expect(t.confidence).toBeGreaterThan(0);
      expect(t.confidence).toBeLessThanOrEqual(1);
    });
  }
  it('“不急” is not urgent', () => {
    expect(estimateProfile(['不着急，慢慢发']).demands.urgency.value).toBe('browsing');
  });
  it('more evidence → more confidence; contrary evidence → less', () => {
    const one = estimateProfile(['能便宜点吗']).demands.price.confidence;
    const two = estimateProfile(['能便宜点吗', '太贵了']).demands.price.confidence;
    const mixed = estimateProfile(['能便宜点吗', '价格无所谓']).demands.price;
    expect(two).toBeGreaterThan(one);
    expect(mixed.confidence).toBeLessThan(one / 2);
  });
  it('cuts a long message to a snippet around the cue', () => {
    const long = `${'我们公司下个月要组织团建活动，'.repeat(4)}想送客户一些小礼物，有推荐吗`;
    const ev = estimateProfile([long]).demands.purpose.evidence[0] ?? '';
    expect(ev).toContain('礼物');
    expect([...ev].length).toBeLessThanOrEqual(42);
    expect(ev.startsWith('…')).toBe(true);
  });
  it('every dimension is present', () => {
    expect(Object.keys(estimateProfile([]).demands).sort()).toEqual(DEMAND_DIMENSIONS.map((d) => d.id).sort());
  });
});

describe('edits and strategies', () => {
  it('a manual edit wins and survives re-estimation', () => {
    const est = estimateProfile(['能便宜点吗']);
    const edited = applyProfileEdits(est, { temperament: 'amiable', demands: { price: 'price_insensitive' } });
    expect(edited.temperament).toMatchObject({ value: 'amiable', confidence: 1, source: 'manual' });
    expect(edited.demands.price.value).toBe('price_insensitive');
    const fresh = estimateProfile(['便宜点', '太贵了', '我穿这个会不会太惹眼']);
    const merged = refreshProfile(edited, fresh);
    expect(merged.demands.price.value).toBe('price_insensitive');
    expect(merged.temperament.value).toBe('amiable');
    expect(refreshProfile(est, fresh).temperament.value).toBe('expressive');
  });
  it('rejects a pole of another dimension', () => {
    expect(() => applyProfileEdits(estimateProfile([]), { demands: { price: 'gift' } })).toThrow(DomainError);
    expect(() => applyProfileEdits(estimateProfile([]), { temperament: 'choleric' as never })).toThrow(DomainError);
  });
  it('every temperament and pole has the seed advice in Chinese', () => {
    for (const t of TEMPERAMENTS) expect(strategyFor(t.id)?.strategy).toMatch(/[\u4e00-\u9fff]/);
    for (const d of DEMAND_DIMENSIONS) for (const p of d.poles) {
      expect(strategyFor(p.id)?.kind).toBe(d.id);
      expect(dimensionOf(p.id)).toBe(d.id);
    }
    expect(strategyFor('dominant')?.strategy).toContain('干脆');
    expect(strategyFor('analytical')?.strategy).toContain('少做推荐');
    expect(strategyFor('nope')).toBeNull();
  });
  it('profileStrategies lists confident traits, temperament first', () => {
    const p = estimateProfile(['你不用跟我说这么多，我懂得比你多', '便宜20元我马上拍，不行就算了']);
    const s = profileStrategies(p);
    expect(s[0]?.id).toBe('dominant');
    expect(s.map((x) => x.id)).toContain('price_sensitive');
    expect(profileStrategies(estimateProfile(['在吗']))).toEqual([]);
  });
});
