import { describe, expect, it } from 'vitest';
import { renderSafeSegments } from './render.js';
import { screenBuyerMessage } from './screen.js';

describe('renderSafeSegments', () => {
  it('splits text, allowed links and disarmed links, and loses no character', () => {
    const text = '看这个 https://item.taobao.com/i?id=1 和 http://evil.top/login 怎么拍不了';
    const segs = renderSafeSegments(text, screenBuyerMessage({ text, platform: 'taobao' }));
    expect(segs.map((s) => s.kind)).toEqual(['text', 'link', 'text', 'disarmed-link', 'text']);
    expect(segs.map((s) => s.text).join('')).toBe(text);
    expect(segs[1]!.url).toBe('https://item.taobao.com/i?id=1');
    expect(segs[3]!.url).toBeUndefined();
  });
  it('passes HTML through as text, never as markup', () => {
    const text = '<img src=x onerror=alert(1)> <a href="http://evil.top">点我</a>';
    const segs = renderSafeSegments(text, screenBuyerMessage({ text, platform: 'jd' }));
    expect(segs.map((s) => s.text).join('')).toBe(text);
    expect(segs.some((s) => s.kind === 'link')).toBe(false);
  });
  it('ignores links whose offsets do not fit the text', () => {
    const segs = renderSafeSegments('短', { links: [{ url: 'https://jd.com', text: 'x', host: 'jd.com', start: 5, end: 9, allowed: true }] });
    expect(segs).toEqual([{ kind: 'text', text: '短' }]);
  });
  it('never makes a non-http link clickable', () => {
    const segs = renderSafeSegments('abc', { links: [{ url: 'javascript:alert(1)', text: 'abc', host: '', start: 0, end: 3, allowed: true }] });
    expect(segs).toEqual([{ kind: 'disarmed-link', text: 'abc' }]);
  });
  it('returns nothing for an empty text', () => {
    expect(renderSafeSegments('', { links: [] })).toEqual([]);
  });
});
