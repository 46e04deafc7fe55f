import type { Platform } from '@kefu/contracts';
import { describe, expect, it } from 'vitest';
import { lintReply } from './lint.js';
import type { CoachFlagId } from './types.js';

// The seeds are the domain: their cold phrases must be caught, their recommended scripts must pass.
// Seed 000 is in traditional script and is tested as written; seed 001 is a Spanish machine translation,
// so its scripts are rendered back into natural Chinese here; seed 002 is quoted as written.

const SAFETY: CoachFlagId[] = ['cold_tone', 'absolute_promise', 'off_platform_contact'];

describe('seed 000 §一.3 冷硬横 phrases are flagged as cold_tone', () => {
  it.each([
    ['我們從來不降價'],
    ['你找別家看看吧'],
    ['我們就是這樣的'],
    ['本店堅決不議價'],
    ['我们从来不降价'],
    ['你找别家看看吧'],
    ['我们就是这样的'],
    ['本店坚决不议价'],
  ])('%s', (phrase) => {
    const flags = lintReply({ buyer: '能便宜点吗', reply: phrase, platform: 'taobao' }).filter((f) => f.id === 'cold_tone');
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ start: 0, end: phrase.length });
    expect(flags[0]!.suggestion).toBeTruthy();
  });
  it('flags the emoticons seed 000 says to avoid (无奈, 皱眉, 汗)', () => {
    for (const e of ['[無奈]', '[皺眉]', '[汗]']) {
      expect(lintReply({ buyer: '', reply: `好的${e}`, platform: 'taobao' }).map((f) => f.id), e).toContain('cold_tone');
    }
  });
});

interface Script {
  seed: string;
  text: string;
  platform?: Platform;
  /** Rules the script trips on purpose, with the reason (docs/COACH.md "Seed scripts that trip a rule"). */
  trips?: CoachFlagId[];
}

const SCRIPTS: Script[] = [
  // Seed 000 better versions.
  { seed: '000', text: '惹眼的主要原因还是亲太漂亮了，穿哪件都会惹眼的' },
  { seed: '000', text: '您是专家了，有时间多教教我啊' },
  { seed: '000', text: '您是资深专家了，您肯定理解不同档次产品的差异…' },
  { seed: '000', text: '您是爽快人，我也喜欢爽快做生意，这样吧，给您包个邮，再送您一张VIP会员卡…' },
  { seed: '000', text: '亲，谢谢理解，虽然辛苦，但看到买家在我们这里满意购物就不觉得累了…' },
  { seed: '000', text: '您可以去当地专柜验货，但不要说网上买的，他们一般都嫉恨网络销售' },
  // 最适合 is an extreme word (ad_law_extreme) though not a safety issue: documented.
  { seed: '000', text: '亲，您这种肤质最适合的就是这款…', trips: ['ad_law_extreme'] },
  // Seed 000 recommends 保证正品 for analytical buyers; seed 001 §4.6 says not to promise 保证: we side with 001.
  { seed: '000', text: '亲，保证正品。我们产品描述里有鉴定证书…', trips: ['absolute_promise'] },
  // Seed 001 scripts (size, bargaining, postage, authenticity, quality, urging, guarantees, after-sales, §6).
  { seed: '001', text: '亲，我们的尺码是标准尺码，您平时穿多大码就拍多大码哦~' },
  { seed: '001', text: '亲，我们的尺码都是标准码，因为每个人的脚型和穿着习惯不同，如果您脚背较高或者脚偏宽，建议您拍大一码哦~' },
  { seed: '001', text: '亲，这款宝贝是宽版的，如果您的脚偏瘦，建议您拍小一码哦。' },
  { seed: '001', text: '建议您买稍微宽松一点的，可以给袜子留点空间，也可以加个鞋垫，相邻尺码之间差别不会太大的。' },
  { seed: '001', text: '亲，我们现在的活动已经是很大的优惠了，只为赚个人气，不议价哦，您就别砍了，伤不起呀~！' },
  { seed: '001', text: '您好亲，我们现在是为了扩大品牌知名度，低价销售只为赚人气，谢绝议价哦~！请您见谅~！' },
  { seed: '001', text: '亲，我们的宝贝现在已经是特别大的折扣了，相信您看到实物会非常满意的。' },
  { seed: '001', text: '亲，运费也是快递公司收取的，我们已经尽力和快递公司谈了更合理的价格，只按这个价格收取，不能再低了，请您理解。' },
  { seed: '001', text: '亲，我们现在的价格已经很低了，再承担运费真的承受不起了！~' },
  { seed: '001', text: '亲，一件就已经超重了，两件一起拍的话超重更多，不好意思，运费不能减哦~！' },
  { seed: '001', text: '亲，请放心，我们是淘宝商城的品牌旗舰店，店内所有商品都是正品，假一赔十，您可以放心购买~！' },
  { seed: '001', text: '我们工厂的生产线主要生产内销和外贸出口的运动鞋，质量要求和监管程序都是一样的，您可以放心购买喜欢的鞋款。线上线下同时销售，没有发现质量问题。如果使用过程中出现质量问题，我们负责到底，包退包换，并承担来回快递费用。' },
  { seed: '001', text: '亲，不同品牌的鞋子用的工艺和材料不同，价格当然没有可比性，一分钱一分货，物有所值哦~！' },
  { seed: '001', text: '亲，我们现在正在做活动，活动订单量很大，很容易断码，如果您喜欢我们的宝贝，建议您尽快拍下付款，以免断码造成不必要的麻烦哦。' },
  { seed: '001', text: '亲，我们的活动马上就要结束了，建议您尽快拍下，不要错过我们的优惠哦~' },
  { seed: '001', text: '亲，今天的发货时间马上就到了，建议您尽快付款，我们今天就能为您安排发货哦。' },
  { seed: '001', text: '亲，看到您在我们店里拍下了宝贝，还没有付款，不知道是不是遇到什么问题了呢？现在活动力度很大，如果您喜欢，建议您尽快付款，我们好尽快为您安排发货，订单长时间未付款系统会自动关闭交易哦。' },
  { seed: '001', text: '亲，目前我们暂时没有您需要的宝贝，您可以收藏我们的店铺，随时关注我们上新的宝贝哦，期待与您的下次合作~' },
  { seed: '001', text: '亲，我们支持7天无理由退换货，您可以放心购买！' },
  { seed: '001', text: '亲，我们是正品行货，有正品保障，您可以放心购买！' },
  { seed: '001', text: '亲，您的订单我们确实已经发出了，我们会一直关注物流信息，联系快递客服帮忙追踪，尽快安排派送。' },
  { seed: '001', text: '亲，给您带来麻烦非常抱歉，请您把有质量问题的地方拍照发过来，主要两张：一张拍鞋子的正面（用圈标出有问题的位置），一张拍问题部位的细节。' },
  { seed: '001', text: '亲，收到您寄回的宝贝后，我们会第一时间为您换货哦~~！' },
  { seed: '001', text: '亲，尺码问题不属于质量问题，产生的邮费需要亲自己承担哦。' },
  { seed: '001', text: '亲，我们售后客服也对在本店购买过的顾客做过尺码调查，大部分顾客都是参照我们的尺码表选择的哦~' },
  { seed: '001', text: '亲，由于网络延迟，我们这边没法接收文件哦，您可以把需要的宝贝一件一件加入购物车，然后一起结算，我们会按照主订单为您发货的，请您放心。' },
  // Seed 002 scripts (Tmall shop), as written.
  { seed: '002', text: '欢迎光临，售前客服寒袖，竭诚为您服务。', platform: 'tmall' },
  { seed: '002', text: '欢迎光临宏浪旗舰店，我是xx专业客服寒袖，很高兴为您服务！', platform: 'tmall' },
  { seed: '002', text: '售前客服寒袖很高兴为您服务，现在本店正在搞活动，很优惠的哦！', platform: 'tmall' },
  { seed: '002', text: '欢迎光临宏浪旗舰店，我是您的客服代表寒袖，非常高兴为您服务，请问有什么需要帮助的呢', platform: 'tmall' },
  { seed: '002', text: '亲，您好！我是宏浪旗舰店客服代表：寒袖。您稍等，我帮您核实一下宝贝的情况，马上回复您！', platform: 'tmall' },
  // Seed 002 ① promises 肯定/保证/绝对 and says 最大 and 驰名商标: flagged on purpose (seed 001 §4.6, Ad Law art. 9, Trademark Law art. 14).
  {
    seed: '002',
    text: '亲，我们宏浪是中国驰名商标哦，无论是产品的真伪还是质量方面，我们肯定能给您最大的保证的。您绝对可以放心哦！',
    platform: 'tmall',
    trips: ['absolute_promise', 'ad_law_extreme'],
  },
  // Seed 002 ② says 最优惠 (ad_law_extreme); its 不能 comes with a reason (由于…所以), so it is not cold.
  {
    seed: '002',
    text: '亲，我们也非常愿意让您用最优惠的价格购买到我们的商品，由于商城店铺规定了不能后台修改成交价格，所以我们就把价格直接设定为我们的优惠后的价格了。还希望您能理解哦。',
    platform: 'tmall',
    trips: ['ad_law_extreme'],
  },
  {
    seed: '002',
    text: '亲，我们进驻商城以后，淘宝对于我们的宝贝价格规范很严格的哦，不再像集市店那样可以随便修改了，所以大家现在都是在直接标销售价格哦，我们也怕流失像亲这样的好顾客嘛。呵呵，您可以放心啦。',
    platform: 'tmall',
  },
];

describe('recommended seed scripts pass the safety rules', () => {
  it.each(SCRIPTS.map((s) => [`${s.seed}: ${s.text.slice(0, 24)}`, s] as const))('%s', (_name, s) => {
    const flags = lintReply({ buyer: '', reply: s.text, platform: s.platform ?? 'taobao' });
    const got = new Set(flags.map((f) => f.id));
    for (const id of SAFETY) if (!s.trips?.includes(id)) expect(got.has(id), `${id} on ${s.text}`).toBe(false);
    for (const id of s.trips ?? []) expect(got.has(id), `expected ${id} on ${s.text}`).toBe(true);
    // Warm and on-platform: none of the recommended scripts is cold in tone or names a competitor.
    expect(got.has('platform_forbidden')).toBe(false);
  });
});

describe('seed 001 §6: off-platform replies are caught', () => {
  it.each(['亲，我的QQ是123456789，你加我发视频吧', '亲，加我微信发给我看看', '亲，你打我电话13912345678'])('%s', (reply) => {
    expect(lintReply({ buyer: '不知道怎么上传，给我你的QQ，我直接把视频发你', reply, platform: 'jd' }).map((f) => f.id)).toContain(
      'off_platform_contact',
    );
  });
  it('names of 天猫, 淘宝, 拍拍 in a JD chat are flagged', () => {
    const flags = lintReply({ buyer: '', reply: '亲，我们天猫、淘宝、拍拍都有店铺哦', platform: 'jd' });
    expect(flags.filter((f) => f.id === 'platform_forbidden')).toHaveLength(3);
  });
});
