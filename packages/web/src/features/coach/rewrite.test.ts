import { describe, expect, it } from 'vitest';
import { applyRewrite, isBargaining } from './rewrite.js';

describe('applyRewrite', () => {
  it('replaces the matched word with a word suggestion', () => {
    expect(applyRewrite('亲，天猫同款哦', { id: 'platform_forbidden', start: 2, end: 4, suggestion: '其他平台' })).toBe('亲，其他平台同款哦');
  });
  it('replaces the sentence holding the span with a sentence suggestion', () => {
    const r = '有货的。加我微信细聊吧！还有别的吗';
    expect(applyRewrite(r, { id: 'off_platform_contact', start: 6, end: 8, suggestion: '亲，有问题您直接在这里留言就可以~' })).toBe('有货的。亲，有问题您直接在这里留言就可以~还有别的吗');
  });
  it('replaces the whole reply for whole-reply sentence suggestions, and refuses advice', () => {
    expect(applyRewrite('有货', { id: 'not_warm', start: 0, end: 2, suggestion: '亲，有货哦~' })).toBe('亲，有货哦~');
    expect(applyRewrite('有', { id: 'too_short', start: 0, end: 1, suggestion: '多说一点' })).toBeNull();
    expect(applyRewrite('x'.repeat(300), { id: 'not_warm', start: 0, end: 300, suggestion: '在开头加上“亲，”，句尾加上“哦~”或一个微笑表情。' })).toBeNull();
    expect(applyRewrite('有', { id: 'cold_tone', start: 0, end: 1 })).toBeNull();
  });
  it('clamps spans that no longer fit the reply (the draft changed meanwhile)', () => {
    expect(applyRewrite('天猫', { id: 'platform_forbidden', start: 0, end: 10, suggestion: '其他平台' })).toBe('其他平台');
  });
});

describe('isBargaining', () => {
  it('spots price talk and ignores the rest', () => {
    expect(isBargaining('能便宜点吗')).toBe(true);
    expect(isBargaining('包邮吗？')).toBe(true);
    expect(isBargaining('什么时候发货')).toBe(false);
  });
});
