import { describe, expect, it } from 'vitest';
import { CLASSIFY_MAX_CHARS, normalizeText } from './normalize.js';

describe('normalizeText', () => {
  it('maps traditional to simplified characters', () => {
    expect(normalizeText('這個是什麼材質的')).toBe('这个是什么材质的');
    expect(normalizeText('運費多少 能開發票嗎')).toBe('运费多少 能开发票吗');
  });

  it('leaves simplified text alone', () => {
    expect(normalizeText('这个是什么材质的')).toBe('这个是什么材质的');
  });

  it('converts full-width to half-width and lowercases', () => {
    expect(normalizeText('ＨＥＬＬＯ　在吗？')).toBe('hello 在吗?');
  });

  it('collapses runs of three or more equal characters to two', () => {
    expect(normalizeText('亲亲亲亲在吗？？？')).toBe('亲亲在吗??');
    expect(normalizeText('亲亲在吗')).toBe('亲亲在吗');
  });

  it('maps masks, emoticon codes and widget order cards to placeholders', () => {
    expect(normalizeText('订单[订单x]什么时候发货#E-s[数字x]')).toBe('订单<order>什么时候发货<emoji>');
    expect(normalizeText('[订单编号:[订单x]，订单金额:[金额x]，下单时间:[日期x] [时间x]] 你好')).toBe('<order> 你好');
    expect(normalizeText('咨询订单号:[订单x]    商品ID:[数字x]')).toBe('<order>');
    expect(normalizeText('地址改成[地址x] 电话[电话x]')).toBe('地址改成<addr> 电话<phone>');
  });

  it('turns emoji, emoticons and URLs into tokens', () => {
    expect(normalizeText('谢谢😊')).toBe('谢谢<emoji>');
    expect(normalizeText('好的^_^')).toBe('好的<emoji>');
    expect(normalizeText('看看 https://t.cn/AbC9')).toBe('看看 <url>');
  });

  it('replaces numbers with <num> but keeps unit letters', () => {
    expect(normalizeText('平时穿38拍几码')).toBe('平时穿<num>拍几码');
    expect(normalizeText('220V的吗')).toBe('<num>v的吗');
  });

  it('expands whole-word pinyin abbreviations only', () => {
    expect(normalizeText('by吗')).toBe('包邮吗');
    expect(normalizeText('是zp吗')).toBe('是正品吗');
    expect(normalizeText('加个vx')).toBe('加个微信');
    expect(normalizeText('能开fp吗')).toBe('能开发票吗');
    expect(normalizeText('baby')).toBe('baby');
    expect(normalizeText('hhhh')).toBe('哈哈');
    expect(normalizeText('88')).toBe('拜拜');
    expect(normalizeText('88元')).toBe('<num>元');
  });

  it('fixes frequent typos and homophones', () => {
    expect(normalizeText('包由吗')).toBe('包邮吗');
    expect(normalizeText('发或了吗')).toBe('发货了吗');
    expect(normalizeText('退欵')).toBe('退款');
    expect(normalizeText('v信多少')).toBe('微信多少');
    expect(normalizeText('在么')).toBe('在吗');
    expect(normalizeText('怎么')).toBe('怎么');
  });

  it('maps 12315 to a complaint word', () => {
    expect(normalizeText('打12315')).toBe('打投诉热线');
    expect(normalizeText('123')).toBe('<num>');
  });

  it('never throws and empties garbage', () => {
    expect(normalizeText('')).toBe('');
    expect(normalizeText('   \t ')).toBe('');
    expect(normalizeText('\u0000\u0001\u0002\ufffd')).toBe('');
    expect(normalizeText(undefined as unknown as string)).toBe('');
  });

  it('caps the length', () => {
    const out = normalizeText('包'.repeat(10_000) + '邮');
    expect(out.length).toBeLessThanOrEqual(CLASSIFY_MAX_CHARS);
    expect(out).not.toContain('邮');
    expect(normalizeText('我想问'.repeat(5000)).length).toBeLessThanOrEqual(CLASSIFY_MAX_CHARS);
  });
});
