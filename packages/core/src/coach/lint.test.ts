import type { Platform } from '@kefu/contracts';
import { describe, expect, it } from 'vitest';
import { countAnswers, countQuestions, lintReply } from './lint.js';
import { defaultCoachRules, extendCoachRules } from './rules.js';
import type { CoachFlagId } from './types.js';

const lint = (reply: string, buyer = '', platform: Platform = 'taobao') => lintReply({ buyer, reply, platform });
const ids = (reply: string, buyer = '', platform: Platform = 'taobao') => lint(reply, buyer, platform).map((f) => f.id);
const spans = (reply: string, id: CoachFlagId, buyer = '', platform: Platform = 'taobao') =>
  lint(reply, buyer, platform)
    .filter((f) => f.id === id)
    .map((f) => reply.slice(f.start, f.end));

describe('too_short (问答对等)', () => {
  it('flags a reply with fewer content chars than the buyer message, over the whole reply', () => {
    const f = lint('有货', '这件衣服现在还有货吗').find((x) => x.id === 'too_short');
    expect(f).toMatchObject({ start: 0, end: 2 });
    expect(f?.message).toContain('问答对等');
  });
  it('counts only letters and digits: punctuation, spaces and emoji do not pad a reply', () => {
    expect(ids('有！！！～～～ 😊😊😊😊', '有货吗亲')).toContain('too_short');
    expect(ids('亲，有货的哦，今天拍今天发~', '有货吗？？？？？？？？')).not.toContain('too_short');
  });
  it('flags several questions merged into one answer', () => {
    const buyer = '有货吗？几天能到？包邮吗？';
    const merged = '亲，这些都没问题的哦，您放心拍就好啦';
    expect(ids(merged, buyer)).toContain('too_short');
    const each = '亲，有货的哦，一般两三天就能到，全国包邮呢~';
    expect(ids(each, buyer)).not.toContain('too_short');
  });
  it('counts question clauses by marks and by question words', () => {
    expect(countQuestions('有货吗？几天能到？包邮吗？')).toBe(3);
    expect(countQuestions('这个多少钱 有没有黑色 什么时候发货')).toBe(3);
    expect(countQuestions('你好')).toBe(0);
    expect(countQuestions('我就这么说吧，几乎每件都好看')).toBe(0);
    expect(countQuestions('在吗？？？')).toBe(1);
  });
  it('does not count greetings and particles as answers', () => {
    expect(countAnswers('亲，您好~')).toBe(0);
    expect(countAnswers('亲，在的，有什么可以帮您？')).toBe(2);
  });
  it('accepts a reply at least as long as the message when there is no question', () => {
    expect(ids('好的亲，感谢您的支持，欢迎下次光临哦~', '好的谢谢')).not.toContain('too_short');
  });
  it('never flags when the buyer said nothing', () => {
    expect(ids('亲，在的~', '')).not.toContain('too_short');
  });
});

describe('not_warm', () => {
  it('flags a reply with no warm marker at all, with a rewrite', () => {
    const f = lint('今天下单明天发货。').find((x) => x.id === 'not_warm');
    expect(f).toMatchObject({ start: 0, end: 9 });
    expect(f?.suggestion).toBe('亲，今天下单明天发货哦~');
  });
  it.each(['亲，今天发货', '您好，今天发货', '请稍等', '谢谢支持', '今天发货哦', '今天发货呢', '今天发货~', '今天发货😊', '今天发货 :)', '今天发货^_^', '今天发货[微笑]', '今天發貨哦'])(
    'is warm: %s',
    (reply) => expect(ids(reply)).not.toContain('not_warm'),
  );
  it('does not count ill-willed emoticons as warm (seed 000: 无奈/皱眉/汗)', () => {
    expect(ids('今天发货[汗]')).toContain('not_warm');
    expect(ids('今天发货🙄')).toContain('not_warm');
  });
  it('does not flag an empty draft', () => {
    expect(ids('   ')).not.toContain('not_warm');
  });
});

describe('cold_tone', () => {
  it.each(['我们从来不降价', '你找别家看看吧', '我们就是这样的', '本店坚决不议价', '爱买不买', '不知道', '自己看', '随便你', '没办法'])(
    'flags %s with a suggestion',
    (phrase) => {
      const f = lint(`${phrase}。`).find((x) => x.id === 'cold_tone');
      expect(f, phrase).toBeDefined();
      expect(`${phrase}。`.slice(f!.start, f!.end)).toBe(phrase);
      expect(f!.suggestion).toMatch(/亲/);
    },
  );
  it('suggests the seed 000 rewrite for 本店坚决不议价', () => {
    expect(lint('本店坚决不议价').find((f) => f.id === 'cold_tone')?.suggestion).toBe(
      '亲，我们家价格都是实价的呢，不过今天拍下可以帮您申请包邮/送您一张优惠券哦~',
    );
  });
  it('flags a bare 不行/不能/没有 but not one with a softener, reason or alternative', () => {
    expect(spans('不能。', 'cold_tone')).toEqual(['不能']);
    expect(spans('不行', 'cold_tone')).toEqual(['不行']);
    expect(spans('没有。', 'cold_tone')).toEqual(['没有']);
    expect(spans('亲，不能随意改价的呢，不过今天拍下可以帮您申请包邮哦~', 'cold_tone')).toEqual([]);
    expect(spans('不行哦亲', 'cold_tone')).toEqual([]);
    expect(spans('不能改价，因为商城规定了统一价格', 'cold_tone')).toEqual([]);
    expect(spans('暂时没有哦，明天补货', 'cold_tone')).toEqual([]);
    expect(spans('我们这款没有色差，实物和图片一样', 'cold_tone')).toEqual([]);
  });
  it('does not read question forms as refusals', () => {
    expect(spans('亲，能不能告诉我您的身高体重呢', 'cold_tone')).toEqual([]);
    expect(spans('有没有其他颜色喜欢的', 'cold_tone')).toEqual([]);
    expect(spans('不知道您平时穿多大码？', 'cold_tone')).toEqual([]);
    expect(spans('行不行您试了就知道', 'cold_tone')).toEqual([]);
  });
  it('keeps a hard phrase cold even with a softener (爱买不买哦)', () => {
    expect(spans('爱买不买哦', 'cold_tone')).toEqual(['爱买不买']);
  });
  it('reports the longest phrase once, not its parts', () => {
    expect(spans('本店坚决不议价', 'cold_tone')).toEqual(['本店坚决不议价']);
  });
  it('flags ill-willed emoticons and emoji', () => {
    expect(spans('好的[汗]', 'cold_tone')).toEqual(['[汗]']);
    expect(spans('好的😒', 'cold_tone')).toEqual(['😒']);
    expect(spans('好的[微笑]😊', 'cold_tone')).toEqual([]);
  });
});

describe('absolute_promise', () => {
  it.each(['绝对', '保证', '一定', '肯定', '百分之百', '100%', '永远', '绝不', '万无一失'])('flags %s', (w) => {
    expect(spans(`亲，${w}不会掉色的哦`, 'absolute_promise')).toEqual([w]);
  });
  it('does not flag hedged or negated uses', () => {
    expect(spans('亲，这个不一定哦，要看您的脚型呢', 'absolute_promise')).toEqual([]);
    expect(spans('亲，快递时效我们不能保证哦，一般三天到', 'absolute_promise')).toEqual([]);
    expect(spans('面料有一定的弹性哦', 'absolute_promise')).toEqual([]);
    expect(spans('亲，面料是100%纯棉的哦', 'absolute_promise')).toEqual([]);
    expect(spans('您是专家，您肯定理解的哦', 'absolute_promise')).toEqual([]);
  });
  it('matches full-width digits and signs', () => {
    expect(spans('亲，１００％满意哦', 'absolute_promise')).toEqual(['１００％']);
  });
});

describe('ad_law_extreme', () => {
  it.each(['最', '最好', '最低', '第一', '顶级', '国家级', '全网最低', '极品', '独一无二', '首个', '史上', '王牌', '销量冠军', '最快'])(
    'flags %s',
    (w) => expect(spans(`亲，这款是${w}，品质好哦`, 'ad_law_extreme')).toEqual([w]),
  );
  it('does not flag 最近, 最后, 最多, 最迟, 第一次, 第一时间 or advice like 最好手洗', () => {
    const reply = '亲，最近上新很多，最后一件了，最多三天到，最迟周五发，第一次买可以看看评价，第一时间给您发货，最好手洗哦';
    expect(spans(reply, 'ad_law_extreme')).toEqual([]);
  });
  it('reports 全网最低 once, not 最 or 最低 inside it', () => {
    expect(spans('全网最低价哦亲', 'ad_law_extreme')).toEqual(['全网最低']);
  });
});

describe('platform_forbidden', () => {
  it('flags other marketplaces on jd, with 其他平台 as suggestion', () => {
    const fs = lint('亲，我们天猫和淘宝也有店，拼多多没有哦', '', 'jd').filter((f) => f.id === 'platform_forbidden');
    expect(fs.map((f) => f.suggestion)).toEqual(['其他平台', '其他平台', '其他平台']);
    expect(spans('拍拍上也有哦亲', 'platform_forbidden', '', 'jd')).toEqual(['拍拍']);
  });
  it('flags the reverse on taobao/tmall and pdd, but not the shop\'s own platform', () => {
    expect(spans('亲，京东同款哦', 'platform_forbidden', '', 'taobao')).toEqual(['京东']);
    expect(spans('亲，淘宝上也有哦', 'platform_forbidden', '', 'taobao')).toEqual([]);
    expect(spans('亲，天猫旗舰店同款哦', 'platform_forbidden', '', 'tmall')).toEqual([]);
    expect(spans('亲，淘宝天猫京东都有哦', 'platform_forbidden', '', 'pdd')).toEqual(['淘宝', '天猫', '京东']);
  });
  it('checks only the reply: a buyer naming 淘宝 is fine', () => {
    expect(ids('亲，价格都是实价的哦，今天拍下可以包邮呢', '淘宝上比你们便宜', 'jd')).not.toContain('platform_forbidden');
  });
  it('has no forbidden names on web and wechat', () => {
    expect(ids('亲，淘宝京东都有卖的哦', '', 'web')).not.toContain('platform_forbidden');
    expect(ids('亲，淘宝京东都有卖的哦', '', 'wechat')).not.toContain('platform_forbidden');
  });
  it('does not flag 京东方 (a panel maker) on taobao', () => {
    expect(spans('亲，屏幕是京东方的哦', 'platform_forbidden', '', 'taobao')).toEqual([]);
  });
});

describe('off_platform_contact', () => {
  it.each([
    ['亲，加我微信吧', '加我微信'],
    ['我的QQ是12345哦亲', 'qq'],
    ['亲，加vx聊哦', 'vx'],
    ['亲，加v聊哦', '加v'],
    ['亲，扫码关注我们哦', '扫码'],
    ['亲，发个邮箱给您哦', '邮箱'],
    ['亲，我们私聊哦', '私聊'],
  ])('flags %s', (reply, expected) => {
    expect(spans(reply, 'off_platform_contact').map((s) => s.toLowerCase())).toContain(expected);
  });
  it('flags mobile numbers, landlines and e-mail addresses', () => {
    expect(spans('亲，打138-1234-5678找我哦', 'off_platform_contact')).toEqual(['138-1234-5678']);
    expect(spans('亲，电话021-66668888哦', 'off_platform_contact')).toEqual(['021-66668888']);
    expect(spans('亲，发到 shop@example.com 哦', 'off_platform_contact')).toEqual(['shop@example.com']);
    expect(spans('亲，１３８１２３４５６７８哦', 'off_platform_contact')).toEqual(['１３８１２３４５６７８']);
  });
  it('does not flag order or tracking numbers, or 微信支付', () => {
    expect(spans('亲，您的订单号13812345678已经发货了哦', 'off_platform_contact')).toEqual([]);
    expect(spans('亲，快递单号 73123456789012 哦', 'off_platform_contact')).toEqual([]);
    expect(spans('亲，支持微信支付哦', 'off_platform_contact', '', 'jd')).toEqual([]);
    expect(spans('亲，我们的vip会员有积分哦', 'off_platform_contact')).toEqual([]);
  });
  it('does not flag WeChat words on a WeChat shop', () => {
    expect(spans('亲，加我微信哦', 'off_platform_contact', '', 'wechat')).toEqual(['加我']);
  });
});

describe('rules are data', () => {
  it('returns a fresh editable copy each call', () => {
    const a = defaultCoachRules('jd');
    a.cold.length = 0;
    expect(defaultCoachRules('jd').cold.length).toBeGreaterThan(10);
  });
  it('lets a shop add, remove and disable', () => {
    const rules = extendCoachRules(defaultCoachRules('taobao'), {
      add: { cold: [{ phrase: '自己想办法', suggestion: '亲，我来帮您想想办法哦~' }] },
      remove: { adLaw: ['首选'] },
      disable: ['not_warm'],
    });
    const flags = lintReply({ buyer: '', reply: '自己想办法。首选这款', platform: 'taobao' }, rules);
    expect(flags.map((f) => f.id)).toEqual(['cold_tone']);
  });
  it('each flag id appears at most once per span, sorted by start', () => {
    const flags = lint('绝对保证100%最好第一，加我微信13812345678');
    const keys = flags.map((f) => `${f.id}:${f.start}:${f.end}`);
    expect(new Set(keys).size).toBe(keys.length);
    const starts = flags.map((f) => f.start);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
  });
});

describe('ad_law_extreme context', () => {
  it('flags 最好的 as a claim even after 您, but not 您最好 as advice', () => {
    expect(spans('亲，我们给您最好的服务哦', 'ad_law_extreme')).toEqual(['最好的']);
    expect(spans('亲，您最好手洗哦', 'ad_law_extreme')).toEqual([]);
  });
});

describe('validateCoachRulesOverride', () => {
  it('accepts a well-formed override and lists what is wrong in a bad one', async () => {
    const { validateCoachRulesOverride } = await import('./rules.js');
    expect(validateCoachRulesOverride({ add: { cold: [{ phrase: '自己想办法' }], warmMarkers: ['宝'] }, remove: { adLaw: ['首选'] }, disable: ['not_warm'] })).toEqual([]);
    expect(validateCoachRulesOverride([])).toEqual(['expected a JSON object']);
    expect(validateCoachRulesOverride({ add: { cold: [{ phrase: '' }], nope: [] }, disable: ['x'], tooShortRatio: -1 })).toHaveLength(4);
  });
});
