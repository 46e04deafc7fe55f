import { DomainError } from '../errors.js';
import { DEMAND_DIMENSIONS, TEMPERAMENTS, strategyFor, type DemandPole, type DimensionId, type Strategy, type TemperamentId } from './traits.js';

/** A cue: a pattern in one buyer message, or a test on the whole message, with its weight. */
export interface Cue {
  test: RegExp | ((message: string) => boolean);
  weight: number;
}

const re = (test: RegExp, weight: number): Cue => ({ test, weight });

// Question marks, numbers and units make a "long detailed question" (seed 000: 分析型 compares carefully).
const DETAILED_QUESTION = (m: string): boolean =>
  [...m].length >= 20 && /\d/.test(m) && /[吗么？?]|多少|几|是否|怎么|哪/.test(m);
// Short commands without a question or a softener (seed 000: 支配型 is brisk).
const SHORT_COMMAND = (m: string): boolean =>
  [...m].length <= 10 && /^(快点?|赶紧|直接|马上|给我)/.test(m) && !/[吗呢？?]|请|麻烦|谢谢/.test(m);

/** Temperament cues from seed 000's signals. */
export const TEMPERAMENT_CUES: Record<TemperamentId, readonly Cue[]> = {
  expressive: [
    re(/惹眼|显眼|回头率|太招摇/, 2),
    re(/我(以前|之前)?(就|也)?(是)?(做|干)(过)?(这|这个|这一)行/, 2),
    re(/我(是|算是?)(半个)?(专家|内行|行家)/, 1.5),
    re(/(朋友|同事|大家|别人)都(说|夸)我/, 2),
    re(/我(的)?(皮肤|身材|气质|腿)(很|挺|比较|超|特别)?(白|好|瘦|长|高|棒)/, 1.5),
    re(/哈哈|嘻嘻|[😄😂😍🥰]|[!！]{2,}/u, 0.5),
  ],
  dominant: [
    re(/不用(跟我)?(说|讲|介绍)(这么多|那么多|了)/, 2),
    re(/(懂|知道)(的|得)?比你(多|清楚)/, 2),
    re(/不行就算了|不行拉倒|爱卖不卖/, 2),
    re(/(便宜|少)\d*[块元]?.{0,4}马上(拍|买|下单)/, 2),
    re(/少废话|别废话|给个痛快|痛快点|爽快点|直接(说|给)(个)?(价|结果|最低)/, 2),
    { test: SHORT_COMMAND, weight: 1 },
  ],
  analytical: [
    re(/到底是不是|是不是正品|正品吗|假货|假的|验货|鉴定|检测报告|证书/, 1.5),
    re(/参数|规格|型号|成分|材质|含量|功率|容量|对比|区别|有什么不同/, 1),
    re(/(如果|万一).{0,12}(怎么办|怎么解决|怎么处理)/, 1.5),
    { test: DETAILED_QUESTION, weight: 1.5 },
  ],
  amiable: [
    re(/(该|应该)(用|选|买|穿)哪(种|个|款|件)/, 2),
    re(/(帮我|给我)(推荐|选|挑)/, 1.5),
    re(/听你的|你说了算/, 1.5),
    re(/辛苦(了|啦|吧)|忙到(深夜|很晚|半夜)|注意休息/, 2),
    re(/谢谢(亲|你|您)|麻烦(你|您)(了|啦)|不好意思/, 0.5),
  ],
};

/** Demand cues per pole from seed 001's seven dimensions. */
export const DEMAND_CUES: Record<DemandPole, readonly Cue[]> = {
  clear: [
    re(/\d{2,3}\s*(码|号)/, 1.5),
    re(/(就要|我要|拍|要一?[双件条个套])(这|这个|这款|这件)/, 1.5),
    re(/(黑|白|红|蓝|灰|粉|绿|黄|紫|卡其|米)色的?.{0,4}(有|还有|要)/, 1),
  ],
  confused: [
    re(/不知道(该)?(选|买|挑)?(哪|什么|怎么)/, 2),
    re(/(有|有没有)什么(推荐|好的)|推荐(一下|一款|个)/, 1.5),
    re(/哪(个|款|种)(好|合适|比较好|更好)/, 1.5),
    re(/不太?懂|不了解|第一次买|适合我吗|怎么选/, 1.5),
  ],
  independent: [
    re(/不用(推荐|介绍)|我自己(看|选|挑)|我(已经)?(看好|选好|想好)了|我知道要(哪|什么)/, 2),
    re(/就要(这|这个|这款)/, 1),
  ],
  swing: [
    re(/纠结|犹豫|拿不定|定不下来|选择困难/, 2),
    re(/还是.{1,10}(好|呢|[？?])/, 1),
    re(/要不要|再(看看|想想|考虑)|考虑一下/, 1),
    re(/你觉得(呢|哪个|怎么样)/, 1),
  ],
  price_sensitive: [
    re(/便宜|优惠|打折|折扣|降价|少点|少一点|包邮|优惠券|满减|最低价|砍价|抹零|赠品/, 1.5),
    re(/太贵|好贵|贵了|有点贵|这么贵/, 1.5),
  ],
  price_insensitive: [
    re(/价格(无所谓|不是问题|没关系)|不在乎(价格|钱)|贵(一)?点(也)?(没关系|无所谓|没事)|不差钱|只要(质量|东西)好|最贵的|最好的/, 2),
  ],
  urgent: [
    // "不急" / "不着急" are the opposite pole.
    re(/(?<![不别着])急|(?<![不别])着急|赶时间|加急|越快越好|尽快/, 2),
    re(/今天(能|可以)?(发|寄)|明天(能|可以)?(到|收到)|马上要(用|穿)/, 1.5),
    re(/什么时候(能)?(发货|到|发)|几天(能)?(到|发)/, 1),
  ],
  browsing: [
    re(/随便看看|先看看|看看(而已|再说)|逛逛|不着?急|先收藏|过段时间|以后再(买|说)|比比价|货比三家/, 2),
  ],
  self_use: [
    re(/自用|自己(穿|用|戴|吃)|给自己|我(平时|平常)(穿|用)/, 1.5),
    re(/我穿|我用/, 1),
  ],
  gift: [
    re(/送(给)?(人|朋友|女朋友|男朋友|女友|男友|老婆|老公|妈妈|爸爸|我妈|我爸|长辈|孩子|同事|客户|闺蜜)/, 2),
    re(/礼物|送礼|生日|纪念日|礼盒|贺卡|礼品包装/, 2),
  ],
  demanding: [
    re(/做工|材质|面料|用料|质量(怎么样|如何|好吗|好不好)|线头|瑕疵|品质|细节|真皮|耐(穿|用|磨)|起球|掉色|褪色|开胶|走线/, 1.5),
    re(/要求(比较|很)?高|完美|挑剔/, 1.5),
  ],
  easygoing: [re(/差不多就行|能(穿|用)就行|凑合|将就|要求不高|随便(什么|哪个)?都行|便宜就行/, 2)],
  trusting: [
    re(/老(顾客|客户|买家)|回头客|又来(了|啦)|上次(买|在你家)|买过|回购|一直(在你们?家|买你们?)/, 2),
    re(/相信(你|你们)|信得过/, 1.5),
  ],
  suspicious: [
    re(/正品吗|是不是正品|假货|假的|高仿|[Aa]货|验货|靠谱吗|靠不靠谱|骗|保证吗|专柜|有没有(授权|证书)/, 2),
  ],
};

/** One estimated trait: value (null when unknown or tied), confidence 0–1, and the buyer's words behind it. */
export interface TraitEstimate<V extends string> {
  value: V | null;
  confidence: number;
  evidence: string[];
  scores: Record<V, number>;
  source: 'estimated' | 'manual';
}

/** A buyer's temperament and seven demand dimensions. */
export interface ProfileEstimate {
  temperament: TraitEstimate<TemperamentId>;
  demands: Record<DimensionId, TraitEstimate<DemandPole>>;
}

export const MAX_EVIDENCE = 3;
const SNIPPET_CHARS = 40;

function matchAt(cue: Cue, m: string): number | null {
  if (typeof cue.test === 'function') return cue.test(m) ? 0 : null;
  const hit = cue.test.exec(m);
  return hit ? hit.index : null;
}

function snippet(m: string, index: number): string {
  const chars = [...m];
  if (chars.length <= SNIPPET_CHARS) return m;
  const pos = [...m.slice(0, index)].length;
  const start = Math.max(0, Math.min(pos - 12, chars.length - SNIPPET_CHARS));
  const end = start + SNIPPET_CHARS;
  return `${start > 0 ? '…' : ''}${chars.slice(start, end).join('')}${end < chars.length ? '…' : ''}`;
}

function score<V extends string>(messages: readonly string[], cues: Record<V, readonly Cue[]>): Record<V, { score: number; evidence: string[] }> {
  const out = {} as Record<V, { score: number; evidence: string[] }>;
  for (const key of Object.keys(cues) as V[]) {
    const acc = { score: 0, evidence: [] as string[] };
    for (const raw of messages) {
      const m = raw.trim();
      if (!m) continue;
      let first: number | null = null;
      for (const cue of cues[key]) {
        const at = matchAt(cue, m);
        if (at === null) continue;
        acc.score += cue.weight;
        if (first === null) first = at;
      }
      if (first !== null) {
        const s = snippet(m, first);
        if (!acc.evidence.includes(s) && acc.evidence.length < MAX_EVIDENCE) acc.evidence.push(s);
      }
    }
    out[key] = acc;
  }
  return out;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Picks the top key; confidence = (top − runner-up) / (sum of all + 1), so one weak cue stays unsure. */
function decide<V extends string>(scored: Record<V, { score: number; evidence: string[] }>): TraitEstimate<V> {
  const keys = Object.keys(scored) as V[];
  const ranked = [...keys].sort((a, b) => scored[b].score - scored[a].score);
  const top = ranked[0] as V;
  const topScore = scored[top].score;
  const second = ranked[1] === undefined ? 0 : scored[ranked[1]].score;
  const total = keys.reduce((s, k) => s + scored[k].score, 0);
  const scores = Object.fromEntries(keys.map((k) => [k, scored[k].score])) as Record<V, number>;
  if (topScore === 0 || topScore === second) return { value: null, confidence: 0, evidence: [], scores, source: 'estimated' };
  return { value: top, confidence: round2((topScore - second) / (total + 1)), evidence: scored[top].evidence, scores, source: 'estimated' };
}

/**
 * Estimates temperament and the seven demand dimensions from the buyer's own messages by the cue
 * words of seeds 000 and 001. Evidence lists the message snippets that decided the value.
 */
export function estimateProfile(buyerMessages: readonly string[]): ProfileEstimate {
  const temperament = decide(score(buyerMessages, TEMPERAMENT_CUES));
  const demands = {} as Record<DimensionId, TraitEstimate<DemandPole>>;
  for (const d of DEMAND_DIMENSIONS) {
    const cues = Object.fromEntries(d.poles.map((p) => [p.id, DEMAND_CUES[p.id]])) as Record<DemandPole, readonly Cue[]>;
    demands[d.id] = decide(score(buyerMessages, cues));
  }
  return { temperament, demands };
}

/** Manual edits by an agent; null clears a value. */
export interface ProfileEdits {
  temperament?: TemperamentId | null;
  demands?: Partial<Record<DimensionId, DemandPole | null>>;
}

function manual<V extends string>(t: TraitEstimate<V>, value: V | null): TraitEstimate<V> {
  return { ...t, value, confidence: value === null ? 0 : 1, source: 'manual' };
}

/** Applies an agent's edits over an estimate; edited traits become `manual` with confidence 1. */
export function applyProfileEdits(estimate: ProfileEstimate, edits: ProfileEdits): ProfileEstimate {
  let temperament = estimate.temperament;
  if (edits.temperament !== undefined) {
    if (edits.temperament !== null && !TEMPERAMENTS.some((t) => t.id === edits.temperament)) {
      throw new DomainError('request.invalid', `未知的性格类型：${edits.temperament}`, { field: 'temperament', value: edits.temperament });
    }
    temperament = manual(temperament, edits.temperament);
  }
  const demands = { ...estimate.demands };
  for (const [dim, pole] of Object.entries(edits.demands ?? {}) as Array<[DimensionId, DemandPole | null | undefined]>) {
    const d = DEMAND_DIMENSIONS.find((x) => x.id === dim);
    if (!d) throw new DomainError('request.invalid', `未知的需求维度：${dim}`, { field: 'demands', value: dim });
    if (pole === undefined) continue;
    if (pole !== null && !d.poles.some((p) => p.id === pole)) {
      throw new DomainError('request.invalid', `${d.zh}没有“${pole}”这一类`, { field: `demands.${dim}`, value: pole });
    }
    demands[dim] = manual(demands[dim], pole);
  }
  return { temperament, demands };
}

/** A later estimate replaces only traits that were not edited by hand (a manual value stays). */
export function refreshProfile(previous: ProfileEstimate, fresh: ProfileEstimate): ProfileEstimate {
  const demands = { ...fresh.demands };
  for (const d of DEMAND_DIMENSIONS) if (previous.demands[d.id].source === 'manual') demands[d.id] = previous.demands[d.id];
  return { temperament: previous.temperament.source === 'manual' ? previous.temperament : fresh.temperament, demands };
}

/** The strategies to show for a profile: known values with at least `minConfidence`, temperament first. */
export function profileStrategies(profile: ProfileEstimate, minConfidence = 0.3): Array<Strategy & { confidence: number; evidence: string[] }> {
  const out: Array<Strategy & { confidence: number; evidence: string[] }> = [];
  const traits: Array<TraitEstimate<string>> = [profile.temperament, ...DEMAND_DIMENSIONS.map((d) => profile.demands[d.id])];
  for (const t of traits) {
    if (t.value === null || t.confidence < minConfidence) continue;
    const s = strategyFor(t.value);
    if (s) out.push({ ...s, confidence: t.confidence, evidence: t.evidence });
  }
  return out;
}
