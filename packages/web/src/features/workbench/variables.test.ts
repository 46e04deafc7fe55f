import { describe, expect, it } from 'vitest';
import { fillReply, missingPlaceholders } from './variables.js';

const local = { buyer: '爬山的阿杰', shop: '山野户外旗舰店', agent: '小美' };

describe('quick-reply variables in the composer', () => {
  it("fills the buyer's latest order and the product from the server, the shop and agent from the browser", () => {
    const text = '{买家称呼}您好，{客服}查到了：{商品}的订单{订单号}已由{快递}发出，运单号{物流单号}，实付{金额}元，寄往{收货地址}。{店铺}';
    const out = fillReply(text, local, { 买家称呼: '爬山的阿杰', 客服: '林掌柜', 商品: '高帮防水登山鞋', 订单号: 'T-2002', 快递: '中通快递', 物流单号: '7351', 金额: '379', 收货地址: '浙江省杭州市' });
    expect(out).toBe('爬山的阿杰您好，小美查到了：高帮防水登山鞋的订单T-2002已由中通快递发出，运单号7351，实付379元，寄往浙江省杭州市。山野户外旗舰店');
  });

  it('leaves placeholders without a value for the agent, and lists them with their offsets', () => {
    const out = fillReply('亲，您的订单{订单号}，运单号{物流单号}，{优惠券}已发', local, {});
    expect(out).toBe('亲，您的订单{订单号}，运单号{物流单号}，{优惠券}已发');
    expect(missingPlaceholders(out)).toEqual([
      { name: '订单号', start: 6, end: 11 },
      { name: '物流单号', start: 15, end: 21 },
      { name: '优惠券', start: 22, end: 27 },
    ]);
    expect(missingPlaceholders('没有变量')).toEqual([]);
  });

  it('keeps the legacy aliases and calls a visitor 亲', () => {
    expect(fillReply('{buyer}，{店铺名}的{agent}为您服务', local, {})).toBe('爬山的阿杰，山野户外旗舰店的小美为您服务');
    expect(fillReply('{买家称呼}好', { ...local, buyer: '访客3F2A' }, {})).toBe('亲好');
  });

  it('never expands a value again (a nickname with braces stays as written)', () => {
    expect(fillReply('{买家称呼}：{订单号}', { ...local, buyer: '{订单号}' }, { 订单号: '1' })).toBe('{订单号}：1');
  });
});
