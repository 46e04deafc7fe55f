/** The four temperaments of seed 000 (表现型 / 支配型 / 分析型 / 温和型) and how to serve each. */
export const TEMPERAMENTS = [
  {
    id: 'expressive',
    zh: '表现型',
    signals: '喜欢展示自己的优越之处（外貌、学识、行家身份）',
    strategy: '多赞美，给他充分发挥的余地，把商品和他的优点结合起来引导购买。',
    examples: ['惹眼的主要原因还是亲太漂亮了，穿哪件都会惹眼的~', '您是专家了，有时间多教教我呀~'],
  },
  {
    id: 'dominant',
    zh: '支配型',
    signals: '比较强势，不喜欢别人挑战他的观点',
    strategy: '多顺应他，不要和他争辩；交易干脆利落，能给的优惠（包邮、会员卡）爽快地给。',
    examples: ['您是资深行家了，肯定明白不同档次商品的差别~', '您是爽快人，我也喜欢爽快做生意，这样吧，给您包个邮，再送您一张会员卡~'],
  },
  {
    id: 'analytical',
    zh: '分析型',
    signals: '既不太自信也不轻易相信别人，要多方对比后才慎重决定',
    strategy: '多提供商品详情、实拍图、证书和检测报告让他自己看，用书面材料打消顾虑；少做推荐，免得他觉得被忽悠。',
    examples: ['亲，我们是正品，商品详情里有鉴定证书和检测报告，您可以先看看~'],
  },
  {
    id: 'amiable',
    zh: '温和型',
    signals: '信任别人、喜欢交流，但不够自信',
    strategy: '坚定地替他推荐最合适的一款，多和他聊天，真心和他交朋友。',
    examples: ['亲，您这种情况最适合的就是这款~', '谢谢亲的理解，虽然忙，但看到大家在我们这里买得满意就不觉得累啦~'],
  },
] as const;
export type TemperamentId = (typeof TEMPERAMENTS)[number]['id'];

/** The seven demand dimensions of seed 001, each with two poles and the strategy for each pole. */
export const DEMAND_DIMENSIONS = [
  {
    id: 'need',
    zh: '需求是否明确',
    poles: [
      { id: 'clear', zh: '需求明确', strategy: '多倾听他的需求，按他的要求给出准确信息，别忘了适时赞美。' },
      { id: 'confused', zh: '需求模糊', strategy: '他对商品了解不多：认真解答，站在他的角度推荐并讲清推荐理由，讲得越细他越信任你。' },
    ],
  },
  {
    id: 'decision',
    zh: '决策方式',
    poles: [
      { id: 'independent', zh: '自主型', strategy: '他心里已有想要的商品，不必多推荐；他看中了就给予肯定和欣赏。' },
      { id: 'swing', zh: '摇摆型', strategy: '容易被说服，可以多推荐几款，耐心真诚地介绍，最后帮他拿定主意、促成下单。' },
    ],
  },
  {
    id: 'price',
    zh: '价格敏感度',
    poles: [
      { id: 'price_sensitive', zh: '价格敏感', strategy: '介绍店铺的促销活动和优惠（多件优惠、包邮、优惠券等），优惠最能打动他。' },
      { id: 'price_insensitive', zh: '价格不敏感', strategy: '不要随意推荐便宜货，把选择权交给他，重点讲品质和服务。' },
    ],
  },
  {
    id: 'urgency',
    zh: '购买急迫度',
    poles: [
      { id: 'urgent', zh: '急需型', strategy: '对成交最有利：他选中后尽快促成下单，讲清发货和到货时间。' },
      { id: 'browsing', zh: '随意逛逛', strategy: '他只是随便看看、比比价：了解他的兴趣，给出有针对性的建议，突出商品优势，激发购买欲。' },
    ],
  },
  {
    id: 'purpose',
    zh: '购买目的',
    poles: [
      { id: 'self_use', zh: '自用', strategy: '按他自己的喜好推荐，更注重实用。' },
      { id: 'gift', zh: '送礼', strategy: '问清送给谁、什么场合，推荐有特色、适合送礼的款式。' },
    ],
  },
  {
    id: 'quality',
    zh: '品质要求',
    poles: [
      { id: 'demanding', zh: '品质要求高', strategy: '追求完美、对品质要求高：讲清材质和做工，可以推荐更高档的商品。' },
      { id: 'easygoing', zh: '品质要求随意', strategy: '对品质要求不高，合适就好：可以多推荐，配合优惠活动促成购买。' },
    ],
  },
  {
    id: 'trust',
    zh: '信任程度',
    poles: [
      { id: 'trusting', zh: '信任型', strategy: '多是买过的老顾客，不用多介绍就容易成交；表示感谢，照顾好老顾客。' },
      { id: 'suspicious', zh: '怀疑型', strategy: '第一次接触我们的商品：耐心解答疑问，讲清商品优势和保障（正品、7 天无理由退换），让他慢慢了解我们。' },
    ],
  },
] as const;
export type DimensionId = (typeof DEMAND_DIMENSIONS)[number]['id'];
export type DemandPole = (typeof DEMAND_DIMENSIONS)[number]['poles'][number]['id'];

/** The advice shown beside a buyer for a temperament or a demand pole. */
export interface Strategy {
  id: TemperamentId | DemandPole;
  kind: 'temperament' | DimensionId;
  zh: string;
  strategy: string;
  examples: readonly string[];
}

/** The seeds' advice for a temperament or a demand pole; null for an unknown id. */
export function strategyFor(id: TemperamentId | DemandPole | (string & {})): Strategy | null {
  const t = TEMPERAMENTS.find((x) => x.id === id);
  if (t) return { id: t.id, kind: 'temperament', zh: t.zh, strategy: t.strategy, examples: t.examples };
  for (const d of DEMAND_DIMENSIONS) {
    const p = d.poles.find((x) => x.id === id);
    if (p) return { id: p.id, kind: d.id, zh: p.zh, strategy: p.strategy, examples: [] };
  }
  return null;
}

/** The dimension a pole belongs to. */
export function dimensionOf(pole: DemandPole): DimensionId {
  return (DEMAND_DIMENSIONS.find((d) => d.poles.some((p) => p.id === pole)) ?? DEMAND_DIMENSIONS[0]).id;
}
