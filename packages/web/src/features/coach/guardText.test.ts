import { screenBuyerMessage } from '@kefu/core';
import type { TFunction } from 'i18next';
import { describe, expect, it, vi } from 'vitest';
import { guardWarnings, linkReason } from './guardText.js';
import { coachEn } from './i18n.js';

// i18n.ts registers its bundles into the app's i18next on import; the test reads the English copy directly.
vi.mock('i18next', () => ({ default: { addResourceBundle: () => undefined } }));

/** `t` over the English coach copy: a missing key comes back as the key (and fails the no-key assertion). */
const t = ((key: string, opts?: Record<string, unknown>) => {
  const v = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], coachEn);
  return typeof v === 'string' ? v.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(opts?.[k] ?? '')) : key;
}) as unknown as TFunction;

describe('guard warnings in the UI language', () => {
  it('keeps core’s Chinese warnings in zh-CN', () => {
    const g = screenBuyerMessage({ text: '加我微信吧 http://taobao-login.top/a 拍不了', platform: 'taobao' });
    expect(guardWarnings(g, t, 'zh-CN')).toEqual(g.agentWarnings);
  });

  it('gives one English warning per Chinese one, for every risk kind', () => {
    const texts = [
      '加我微信吧',
      '扫一下这个二维码',
      '你们店铺违规了，请登录处理',
      '我发你一个文件，接收一下',
      '你是不是脑残',
      '垃圾店铺，骗子',
      '拍不了，帮我看看 http://taobao-login.top/a',
      '看这个 https://t.cn/abc 还有 http://user@evil.example.com/x',
    ];
    for (const text of texts) {
      const g = screenBuyerMessage({ text, platform: 'taobao' });
      const en = guardWarnings(g, t, 'en');
      expect(en, text).toHaveLength(g.agentWarnings.length);
      expect(en.length, text).toBeGreaterThan(0);
      for (const w of en) expect(w, text).not.toMatch(/[\u4e00-\u9fff]|coach\.guard/);
    }
  });

  it('names the host of a foreign link and tells a disguised one apart', () => {
    const g = screenBuyerMessage({ text: 'http://cheap-dress.top/item http://user@evil.example.com/x', platform: 'jd' });
    const [foreign, disguised] = g.links.filter((l) => !l.allowed);
    expect(linkReason(foreign!, t, 'en')).toContain('cheap-dress.top');
    expect(linkReason(disguised!, t, 'en')).toMatch(/disguis/i);
    expect(linkReason(foreign!, t, 'zh-CN')).toBe(foreign!.reason);
  });
});
