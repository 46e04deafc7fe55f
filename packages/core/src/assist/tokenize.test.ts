import { describe, expect, it } from 'vitest';
import { bigrams } from './tokenize.js';

describe('bigrams', () => {
  it('makes character bigrams of Chinese text', () => {
    expect(bigrams('包邮吗')).toEqual(['包邮', '邮吗']);
  });

  it('breaks at punctuation and spaces', () => {
    expect(bigrams('在吗？包邮')).toEqual(['在吗', '包邮']);
  });

  it('keeps ASCII words whole and folds full-width and case', () => {
    expect(bigrams('穿３８码')).toEqual(['穿38', '38', '38码']);
    expect(bigrams('GTX防水')).toEqual(bigrams('gtx防水'));
    expect(bigrams('GTX防水')).toContain('gtx');
  });

  it('folds traditional characters to simplified', () => {
    expect(bigrams('運費多少')).toEqual(bigrams('运费多少'));
    expect(bigrams('會不會起球')).toContain('起球');
  });

  it('keeps a lone character so one-word messages still match', () => {
    expect(bigrams('在')).toEqual(['在']);
    expect(bigrams('？！')).toEqual([]);
  });

  it('ignores {变量} placeholders', () => {
    expect(bigrams('{买家称呼}您好')).toEqual(['您好']);
  });
});
