// Reply-coach latency and precision against a naive String.includes scan over the same word lists, same drafts, same run.
import type { Platform } from '@kefu/contracts';
import { defaultCoachRules, lintReply, type CoachFlagId, type CoachRules } from '@kefu/core';
import { metric, percentile, result, type Bench } from './lib.js';

type ListId = Exclude<CoachFlagId, 'too_short' | 'not_warm'>;

interface Draft {
  buyer: string;
  reply: string;
  platform: Platform;
  /** Word-list flags a careful reviewer expects (too_short/not_warm are not word lists and are not labelled). */
  expect: ListId[];
}

const d = (buyer: string, reply: string, expect: ListId[] = [], platform: Platform = 'taobao'): Draft => ({ buyer, reply, platform, expect });

/** Realistic drafts written for this bench: good replies, cold ones, risky ones, and traps for naive matching. */
export const DRAFTS: Draft[] = [
  d('在吗', '亲，在的呢，有什么可以帮您的吗？'),
  d('这个有货吗', '亲，有货的哦，今天16点前拍下当天就能发货呢~'),
  d('能便宜点吗', '本店坚决不议价', ['cold_tone']),
  d('能便宜点吗', '亲，我们家价格都是实价的呢，不过今天拍下可以帮您申请包邮哦~'),
  d('能便宜点吗', '不能。', ['cold_tone']),
  d('能便宜点吗', '亲，不能随意改价的呢，不过可以送您一张5元优惠券哦~'),
  d('包邮吗', '亲，全国包邮的哦，偏远地区除外呢'),
  d('几天能到？', '亲，一般发货后2-3天就能到，最快第二天呢', ['ad_law_extreme']),
  d('几天能到？', '亲，最迟48小时内发货，最近快递都很快的哦'),
  d('这个是正品吗', '亲，保证正品，假一赔十哦', ['absolute_promise']),
  d('这个是正品吗', '亲，我们是品牌旗舰店，店内商品都是正品，您可以放心购买~'),
  d('会掉色吗', '绝对不会掉色，百分之百纯天然', ['absolute_promise']),
  d('会掉色吗', '亲，面料是100%纯棉的，第一次洗可能会有一点浮色，属于正常现象哦'),
  d('会不会起球', '亲，这款不一定会起球的呢，正常穿着一般不会哦'),
  d('哪个好', '亲，这款是我们店销量冠军，全网最低价哦', ['ad_law_extreme']),
  d('哪个好', '亲，这款是我们家的热销款，性价比很高的哦~'),
  d('哪个好', '亲，这款是顶级面料，国家级工艺，史上最好的一款', ['ad_law_extreme']),
  d('尺码怎么选', '亲，您平时穿多大码就拍多大码哦，最好参考一下尺码表呢'),
  d('尺码怎么选', '自己看详情页', ['cold_tone']),
  d('尺码怎么选', '亲，您可以自己看一下详情页的尺码表哦，有不清楚的随时问我~'),
  d('什么时候发货', '不知道。', ['cold_tone']),
  d('什么时候发货', '亲，不知道您是哪个地区的呢？我帮您查一下发货时间哦'),
  d('快递到哪了', '你自己查物流', ['cold_tone']),
  d('快递到哪了', '亲，我这边帮您查一下物流，请稍等哦~'),
  d('有没有黑色', '没有', ['cold_tone']),
  d('有没有黑色', '亲，黑色暂时没有了呢，不过深灰色也很百搭，您看看喜欢吗~'),
  d('能不能开发票', '亲，能开发票的哦，下单后在订单里申请就可以啦'),
  d('可以退吗', '亲，支持7天无理由退换货的哦，您放心'),
  d('可以退吗', '不行', ['cold_tone']),
  d('我拍不了，加个微信吧', '加我微信：kefu123', ['off_platform_contact']),
  d('我拍不了，加个微信吧', '亲，为了您的交易安全，我们只在平台内沟通哦，您把问题截图发我就好~'),
  d('你们电话多少', '亲，打13812345678就行', ['off_platform_contact']),
  d('订单号多少', '亲，您的订单号是13812345678901，已经发货了哦'),
  d('能发视频吗', '亲，可以直接在这里发视频的哦，或者发到我的QQ也行', ['off_platform_contact']),
  d('有优惠吗', '亲，扫码关注店铺领券哦', ['off_platform_contact']),
  d('淘宝上比你们便宜', '亲，价格是实价的哦，我们的品质和售后您可以放心呢', [], 'jd'),
  d('淘宝上比你们便宜', '亲，淘宝那家不一定是正品哦', ['platform_forbidden'], 'jd'),
  d('你们天猫有店吗', '亲，我们天猫和拼多多都有店铺哦', ['platform_forbidden'], 'jd'),
  d('京东有吗', '亲，我们只在淘宝有店哦，京东是别人家的', ['platform_forbidden'], 'taobao'),
  d('屏幕是什么牌子', '亲，屏幕用的是京东方的面板哦', [], 'taobao'),
  d('能便宜点吗', '爱买不买', ['cold_tone']),
  d('能便宜点吗', '我们从来不降价，你找别家看看吧', ['cold_tone']),
  d('为什么这么贵', '我们就是这样的', ['cold_tone']),
  d('为什么这么贵', '亲，一分钱一分货呢，我们用的是头层牛皮，做工也很细致哦~'),
  d('快点发货', '没办法，仓库就这么慢', ['cold_tone']),
  d('快点发货', '亲，理解您着急的心情，我马上帮您催仓库优先发出哦~'),
  d('保证质量吗', '亲，质量我们不能保证百分百没问题，但有问题可以随时找我们售后哦', ['absolute_promise']),
  d('保证质量吗', '亲，我们一定给您最好的服务，永远不会让您失望', ['absolute_promise', 'ad_law_extreme']),
  d('多久能到', '亲，一定程度上要看快递的情况呢，一般三天左右哦'),
  d('在吗', '亲，最后一件了，第一时间给您发货哦'),
  d('你好', '亲，欢迎光临，这款是全网第一的独一无二设计哦', ['ad_law_extreme']),
  d('能改地址吗', '亲，还没发货的话可以改的哦，您把新地址发我~'),
  d('能改地址吗', '不可以。', ['cold_tone']),
  d('能改地址吗', '亲，已经发货了不可以改了呢，不过可以联系快递帮您转寄哦'),
  d('好的谢谢', '亲，不客气哦，欢迎下次光临~[微笑]'),
  d('好的谢谢', '嗯[汗]', ['cold_tone']),
  d('衣服有味道', '亲，给您带来不便非常抱歉，新衣服放通风处晾一两天味道就散了哦'),
  d('衣服有味道', '不是我们的问题', ['cold_tone']),
  d('怎么联系你们', '亲，直接在这里留言就可以，我会一直为您跟进的哦'),
  d('怎么联系你们', '亲，发邮件到 service@shop-example.com 就行', ['off_platform_contact']),
];

/** Long drafts (a pasted product description) so p99 covers the tail. */
const LONG = d(
  '介绍一下这款',
  '亲，这款外套采用三层复合面料，防风防泼水，内里是加厚抓绒，保暖又透气。'.repeat(30) + '最近很多买家回购哦~',
  [],
);

const LISTS: Record<ListId, (r: CoachRules) => string[]> = {
  cold_tone: (r) => r.cold.map((p) => p.phrase),
  absolute_promise: (r) => r.absolute.map((p) => p.phrase),
  ad_law_extreme: (r) => r.adLaw.map((p) => p.phrase),
  platform_forbidden: (r) => r.platformForbidden.map((p) => p.phrase),
  off_platform_contact: (r) => r.offPlatform.map((p) => p.phrase),
};

/** The baseline: every word of every list looked up with String.includes, no context (plus the warm-marker scan). */
function naiveScanner(rules: CoachRules): (reply: string) => Set<ListId> {
  const lists = (Object.keys(LISTS) as ListId[]).map((id) => [id, LISTS[id](rules).map((w) => w.toLowerCase())] as const);
  const warm = rules.warmMarkers;
  return (reply) => {
    const t = reply.toLowerCase();
    const found = new Set<ListId>();
    for (const [id, words] of lists) for (const w of words) if (t.includes(w)) found.add(id);
    void warm.some((w) => t.includes(w)); // lint also scans warm markers: same work in the baseline
    return found;
  };
}

const sameSet = (a: Set<string>, b: readonly string[]) => a.size === b.length && b.every((x) => a.has(x));

export const bench: Bench = {
  name: 'lint',
  async run({ quick }) {
    const reps = quick ? 20 : 400;
    const corpus: Draft[] = [];
    for (let r = 0; r < reps; r++) {
      corpus.push(...DRAFTS);
      if (r % 4 === 0) corpus.push(LONG);
    }
    const rulesFor = new Map<Platform, CoachRules>();
    const scanFor = new Map<Platform, (reply: string) => Set<ListId>>();
    for (const p of new Set(corpus.map((x) => x.platform))) {
      const rules = defaultCoachRules(p);
      rulesFor.set(p, rules);
      scanFor.set(p, naiveScanner(rules));
    }
    const lint = (x: Draft) => lintReply(x, rulesFor.get(x.platform));
    const scan = (x: Draft) => scanFor.get(x.platform)!(x.reply);
    for (let i = 0; i < Math.min(2000, corpus.length); i++) {
      lint(corpus[i]!);
      scan(corpus[i]!);
    }
    // Interleaved so both see the same machine state.
    const tl: number[] = [];
    const tb: number[] = [];
    for (const x of corpus) {
      let t0 = performance.now();
      lint(x);
      tl.push(performance.now() - t0);
      t0 = performance.now();
      scan(x);
      tb.push(performance.now() - t0);
    }
    const lintRight = DRAFTS.filter((x) => sameSet(new Set(lint(x).map((f) => f.id).filter((id) => id in LISTS)), x.expect)).length;
    const scanRight = DRAFTS.filter((x) => sameSet(scan(x), x.expect)).length;
    const scanName = 'naive includes scan of the same lists';
    return result(
      'lint',
      [
        metric('lint_p50_ms', percentile(tl, 50), 'ms', scanName, percentile(tb, 50), 'informational', () => true),
        metric('lint_p99_ms', percentile(tl, 99), 'ms', scanName, percentile(tb, 99), '< 1 ms', (m) => m.value < 1),
        metric('drafts_exact', lintRight / DRAFTS.length, 'fraction', scanName, scanRight / DRAFTS.length, '>= 0.9 and > scan', (m) => m.value >= 0.9 && m.ratio > 1),
      ],
      { notes: `${corpus.length} drafts timed (${DRAFTS.length} labelled drafts × ${reps} + a 1.1k-char draft every 4th round); drafts_exact = share of labelled drafts whose word-list flag set equals the label` },
    );
  },
};
