import { describe, expect, it } from 'vitest';
import { normalizeText } from './normalize.js';
import { applyScenarioRules, SCENARIO_KEYWORD_RULES } from './rules.js';

const fired = (text: string) => applyScenarioRules(normalizeText(text)).ids;

/** Per rule: messages it must catch and near-misses it must leave alone. */
const CASES: Record<string, { pos: string[]; neg: string[] }> = {
  'off_platform.contact': {
    pos: ['加个微信吧', '你QQ多少', '加v聊', '留个你的电话', '你电话多少', '薇信号多少'],
    neg: ['可以微信支付吗', '快递员电话打不通', 'qq音乐会员'.replace('qq', '扣'), '这个手机支持5G吗'],
  },
  'off_platform.link': {
    pos: ['帮我看看这个链接为什么拍不了', 'https://t.cn/abc', '扫这个码', '发个二维码', '点这个链接'],
    neg: ['这个链接怎么找不到了', '没看到赠品链接啊', '扫地机器人好用吗'],
  },
  'off_platform.file': {
    pos: ['我发个文件你看一下', '传个压缩包给你'],
    neg: ['有说明书吗', '发个实拍图看看'],
  },
  'off_platform.transfer': {
    pos: ['私下交易吧', '支付宝直接转你行吗', '我转你红包', '不走平台了'],
    neg: ['转人工', '快递转运中心'],
  },
  'complaint.threat': {
    pos: ['我要投诉', '给你差评', '打12315', '我要申请平台介入', '你们就是骗子'],
    neg: ['好评返现多少', '评价怎么写', '太慢了吧'],
  },
  'return_shipping.postage': {
    pos: ['退货运费谁出', '换货邮费谁出', '有运费险吗', '寄回去的运费能报销吗'],
    neg: ['包邮吗', '运费多少', '新疆要补运费吗'],
  },
  'invoice.keyword': {
    pos: ['能开发票吗', '可以开票吗', '税号发你', '能开收据吗'],
    neg: ['发货了吗', '能开机吗'],
  },
  'authenticity.keyword': {
    pos: ['是正品吗', '能专柜验货吗', '不会是假货吧', '是国行吗'],
    neg: ['是新品吗', '有货吗'],
  },
};

describe('scenario keyword rules', () => {
  it('has test cases for every rule', () => {
    expect(Object.keys(CASES).sort()).toEqual(SCENARIO_KEYWORD_RULES.map((r) => r.id).sort());
  });

  for (const [id, { pos, neg }] of Object.entries(CASES)) {
    it(`${id} fires on its keywords`, () => {
      for (const t of pos) expect(fired(t), t).toContain(id);
    });
    it(`${id} stays quiet on near-misses`, () => {
      for (const t of neg) expect(fired(t), t).not.toContain(id);
    });
  }

  it('sums the boost per scenario', () => {
    const { boosts } = applyScenarioRules(normalizeText('加微信 发个链接'));
    expect(boosts.get('off_platform')).toBe(8);
    expect(applyScenarioRules(normalizeText('在吗')).boosts.size).toBe(0);
  });
});
