import { PLATFORMS } from '@kefu/contracts';
import { describe, expect, it } from 'vitest';
import { findLinks } from './links.js';
import { screenBuyerMessage } from './screen.js';

const screen = (text: string, platform: Parameters<typeof screenBuyerMessage>[0]['platform'] = 'taobao', shopDomains?: string[]) =>
  screenBuyerMessage({ text, platform, ...(shopDomains ? { shopDomains } : {}) });
const kinds = (text: string) => screen(text).risks.map((r) => r.kind);

describe('links', () => {
  it('keeps the platform\'s own links clickable, per platform', () => {
    expect(findLinks('https://item.taobao.com/item.htm?id=1', 'taobao')[0]).toMatchObject({ allowed: true, host: 'item.taobao.com' });
    expect(findLinks('https://detail.tmall.com/item.htm?id=1', 'taobao')[0]?.allowed).toBe(true);
    expect(findLinks('https://item.jd.com/100.html', 'jd')[0]?.allowed).toBe(true);
    expect(findLinks('https://mobile.yangkeduo.com/goods.html?goods_id=1', 'pdd')[0]?.allowed).toBe(true);
    expect(findLinks('https://v.douyin.com/abc/', 'douyin')[0]?.allowed).toBe(true);
    expect(findLinks('https://item.jd.com/100.html', 'taobao')[0]?.allowed).toBe(false);
    expect(findLinks('https://item.taobao.com/x', 'jd')[0]?.allowed).toBe(false);
  });
  it('adds the shop\'s own domains', () => {
    expect(findLinks('看看 shop.example.cn/p/1', 'web', ['example.cn'])[0]?.allowed).toBe(true);
    expect(findLinks('看看 shop.example.cn/p/1', 'web')[0]?.allowed).toBe(false);
  });
  it('disarms lookalikes, @ tricks, IPs, punycode and short links with a reason', () => {
    const cases = [
      'http://item.taobao.com.vip-login.top/a',
      'https://taobao.com@evil.top/x',
      'http://taobao-login.com/',
      '192.168.1.2:8080/login',
      'http://xn--tabao-9ua.com/',
      't.cn/A6abc',
    ];
    for (const c of cases) {
      const l = findLinks(`亲看下 ${c} 谢谢`, 'taobao');
      expect(l, c).toHaveLength(1);
      expect(l[0]!.allowed, c).toBe(false);
      expect(l[0]!.reason, c).toMatch(/禁用/);
    }
  });
  it('finds bare domains and full-width dots, with offsets into the original text', () => {
    const text = '打开ｅｖｉｌ．ｔｏｐ看看';
    const l = findLinks(text, 'taobao');
    expect(l).toHaveLength(1);
    expect(text.slice(l[0]!.start, l[0]!.end)).toBe('ｅｖｉｌ．ｔｏｐ');
  });
  it('does not take e-mail addresses, prices or versions for links', () => {
    expect(findLinks('abc@qq.com 价格12.5元 v1.2.3 iphone6.5寸', 'taobao')).toEqual([]);
  });
  it('trims trailing punctuation', () => {
    expect(findLinks('看这个https://evil.top/a).', 'taobao')[0]?.text).toBe('https://evil.top/a');
  });
});

describe('screenBuyerMessage', () => {
  it('catches seed 001 phishing: 拍不了 + a foreign link', () => {
    const g = screen('我想拍你们一双鞋子，怎么都拍不了，不知道为什么，你帮我看看 http://item-taobao.vip-shop.top/a?id=1');
    expect(g.level).toBe('danger');
    expect(g.risks.map((r) => r.kind)).toContain('phishing');
    expect(g.links[0]?.allowed).toBe(false);
    expect(g.suggestedReply).toMatch(/链接/);
  });
  it('does not call a plain 拍不了 question phishing', () => {
    const g = screen('为什么拍不了啊，显示库存不足');
    expect(g.level).toBe('safe');
    expect(g.risks).toEqual([]);
  });
  it('catches a fake 小二 violation notice even without a link', () => {
    const g = screen('淘宝小二：您的店铺存在严重违规行为，请及时登录，否则将影响您的经营');
    expect(g.level).toBe('danger');
    expect(g.agentWarnings.join('')).toMatch(/平台官方/);
  });
  it('flags off-platform requests (加微信, QQ, 私下转账, 线下交易, e-mail)', () => {
    for (const t of ['加个微信吧', '你QQ多少，我发视频给你', '私下转账给你便宜点', '我们线下交易吧', '你邮箱多少，我发给你', '加v聊']) {
      const g = screen(t);
      expect(g.offPlatform, t).toBe(true);
      expect(g.risks.map((r) => r.kind), t).toContain('off_platform');
    }
    expect(screen('亲，支持微信支付吗').offPlatform).toBe(false);
    expect(screen('我的收件手机号写错了，能改吗').offPlatform).toBe(false);
    // Electronic invoices go to the buyer's e-mail on JD and Tmall: not a diversion.
    expect(screen('电子发票发到这个邮箱 a@b.com', 'jd').offPlatform).toBe(false);
  });
  it('flags QR codes', () => {
    expect(kinds('你扫一下这个二维码')).toContain('qr_code');
  });
  it('flags seed 001 file lures', () => {
    const g = screen('我看中了很多双，数量比较大，我直接把清单发给你，你帮我尽快安排发货');
    expect(g.risks.map((r) => r.kind)).toContain('file_lure');
    expect(g.suggestedReply).toMatch(/没法接收文件/);
  });
  it('separates insults (may end the chat) from harsh complaints (may not)', () => {
    const insult = screen('你是不是傻逼，听不懂人话');
    expect(insult).toMatchObject({ abuse: 'insult', mayEndChat: true });
    const harsh = screen('什么垃圾东西，穿一次就破了');
    expect(harsh).toMatchObject({ abuse: 'harsh', mayEndChat: false });
    expect(screen('请问怎么操作退货？滚筒洗衣机能洗吗？去死皮的那款有吗').abuse).toBe('none');
  });
  it('gives a safe result for an ordinary question', () => {
    expect(screen('这件有M码吗？几天能到？')).toMatchObject({ level: 'safe', risks: [], links: [], offPlatform: false, abuse: 'none', mayEndChat: false });
  });
  it('never throws on odd input and keeps offsets inside the text', () => {
    const inputs = ['', '😊'.repeat(1000), 'http://'.repeat(100), '\ud800'.repeat(10), 'a'.repeat(60_000) + '.com', 'www.'.repeat(500)];
    for (const text of inputs) {
      for (const platform of PLATFORMS) {
        const g = screenBuyerMessage({ text, platform });
        for (const x of [...g.links, ...g.risks]) {
          expect(x.start).toBeGreaterThanOrEqual(0);
          expect(x.end).toBeLessThanOrEqual(text.length);
        }
      }
    }
  });
});
