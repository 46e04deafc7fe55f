import { describe, expect, it } from 'vitest';
import { VARIABLES, extractVariables, fillVariables, isVariableName } from './variables.js';

describe('fillVariables', () => {
  it('fills known variables', () => {
    const r = fillVariables('{买家称呼}您好，欢迎光临{店铺}，我是{客服}', { 买家称呼: '亲', 店铺: '青禾户外旗舰店', 客服: '小禾' });
    expect(r).toEqual({ text: '亲您好，欢迎光临青禾户外旗舰店，我是小禾', missing: [], unknown: [] });
  });

  it('fills every occurrence of a repeated variable', () => {
    expect(fillVariables('{商品}有货，{商品}包邮', { 商品: '卫衣' }).text).toBe('卫衣有货，卫衣包邮');
  });

  it('leaves missing known variables visible and reports them once', () => {
    const r = fillVariables('单号{物流单号}，快递{快递}，再说一次{物流单号}', { 快递: '中通快递' });
    expect(r.text).toBe('单号{物流单号}，快递中通快递，再说一次{物流单号}');
    expect(r.missing).toEqual(['物流单号']);
    expect(r.unknown).toEqual([]);
  });

  it('treats a blank value as missing', () => {
    expect(fillVariables('{尺码}码', { 尺码: '  ' })).toEqual({ text: '{尺码}码', missing: ['尺码'], unknown: [] });
  });

  it('leaves unknown placeholders visible and reports them as missing and unknown', () => {
    const r = fillVariables('亲，{收件人}您好', { 买家称呼: '亲' });
    expect(r.text).toBe('亲，{收件人}您好');
    expect(r.missing).toEqual(['收件人']);
    expect(r.unknown).toEqual(['收件人']);
  });

  it('does not expand placeholders inside values', () => {
    expect(fillVariables('{商品}', { 商品: '{店铺}' }).text).toBe('{店铺}');
  });

  it('leaves braces that are not placeholders alone', () => {
    expect(fillVariables('表情 {} 和 { 空格 }', {})).toEqual({ text: '表情 {} 和 { 空格 }', missing: [], unknown: [] });
  });
});

describe('VARIABLES', () => {
  it('lists unique names each with a Chinese label and example', () => {
    const names = VARIABLES.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    for (const v of VARIABLES) {
      expect(v.label).toMatch(/[\u4e00-\u9fff]/);
      expect(v.example.length).toBeGreaterThan(0);
    }
    for (const needed of ['买家称呼', '店铺', '客服', '商品', '订单号', '物流单号', '金额', '尺码', '优惠券', '营业时间']) expect(names).toContain(needed);
  });

  it('isVariableName and extractVariables', () => {
    expect(isVariableName('订单号')).toBe(true);
    expect(isVariableName('订单')).toBe(false);
    expect(extractVariables('{商品}{尺码}{商品}{未知}')).toEqual(['商品', '尺码', '未知']);
  });
});
