import type { Platform } from '@kefu/contracts';
import { foldText } from '../coach/text.js';

/** A link found in a buyer message; only `allowed` links may be rendered clickable. */
export interface GuardLink {
  /** Normalised address (scheme added when the buyer left it out). */
  url: string;
  /** The text as the buyer wrote it. */
  text: string;
  /** Lower-case host name, '' when the address could not be parsed. */
  host: string;
  start: number;
  end: number;
  allowed: boolean;
  /** Why a link is disarmed, in Chinese, for the agent. */
  reason?: string;
}

/** Domains whose links are clickable in a shop on each platform (subdomains included). */
export const PLATFORM_DOMAINS: Record<Platform, string[]> = {
  taobao: ['taobao.com', 'tmall.com', 'tb.cn', 'alicdn.com', 'taobao.hk', 'tmall.hk'],
  tmall: ['tmall.com', 'taobao.com', 'tb.cn', 'alicdn.com', 'tmall.hk', 'taobao.hk'],
  jd: ['jd.com', 'jd.hk', '3.cn', '360buyimg.com'],
  pdd: ['yangkeduo.com', 'pinduoduo.com', 'pddpic.com'],
  douyin: ['douyin.com', 'iesdouyin.com', 'jinritemai.com', 'douyinpic.com'],
  wechat: ['weixin.qq.com', 'wx.qq.com'],
  web: [],
};

/** Brand names that phishing hosts imitate (taobao-login.top). */
const BRANDS = ['taobao', 'tmall', 'alipay', 'jd', '360buy', 'jingdong', 'pinduoduo', 'yangkeduo', 'pdd', 'douyin', 'weixin', 'wechat', 'qq'];

/** Short-link services: the real target cannot be seen. */
const SHORTENERS = ['t.cn', 'dwz.cn', 'url.cn', 'suo.im', 'bit.ly', 'tinyurl.com', 'is.gd', 'goo.gl', 'ow.ly', 't.co', 'w.url.cn', 'sohu.gg', 'mrw.so', 'u.nu', 'rebrand.ly'];

const TLDS =
  'com|cn|net|org|top|xyz|vip|shop|cc|me|info|io|co|ly|link|site|online|club|ltd|icu|tk|ml|gq|cf|ga|work|live|pw|biz|ren|wang|hk|tw|so|gg|in|us|uk|ru|app|store|fun|tech|cloud|asia|mobi|tv|win|bid|loan|click|gd';
const URL_BODY = '[^\\s<>"\'`，。！？、；（）【】「」《》\\u3000-\\u303f\\u4e00-\\u9fff\\uff01-\\uff0f]';
const LINK_RE = new RegExp(
  [
    `(?:https?:\\/\\/|www\\.)${URL_BODY}+`,
    `(?<![a-z0-9@._-])(?:[0-9]{1,3}\\.){3}[0-9]{1,3}(?::[0-9]{1,5})?\\/${URL_BODY}*`,
    `(?<![a-z0-9@._-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+(?:${TLDS})(?![a-z0-9-])(?::[0-9]{1,5})?(?:\\/${URL_BODY}*)?`,
  ].join('|'),
  'g',
);

const matchesDomain = (host: string, domain: string) => host === domain || host.endsWith(`.${domain}`);

function classify(host: string, url: URL | null, allowedDomains: readonly string[]): { allowed: boolean; reason?: string } {
  if (url === null || host === '') return { allowed: false, reason: '看不出真实去向的网址，已禁用点击。' };
  if (url.username !== '' || url.password !== '') {
    return { allowed: false, reason: `网址里藏了“@”，真实网站是 ${host}，这是常见的钓鱼伪装，已禁用点击。` };
  }
  if (allowedDomains.some((d) => matchesDomain(host, d))) return { allowed: true };
  if (/^[0-9.]+$/.test(host) || host.startsWith('[')) return { allowed: false, reason: '直接用 IP 地址的网址不是平台链接，已禁用点击。' };
  if (host.split('.').some((p) => p.startsWith('xn--'))) return { allowed: false, reason: `网址 ${host} 用了伪装字符（看起来像正规网站），已禁用点击。` };
  if (SHORTENERS.some((d) => matchesDomain(host, d))) return { allowed: false, reason: '短链接看不出真实去向，已禁用点击：请买家直接在平台内发商品链接。' };
  const labels = host.split(/[.-]/);
  if (BRANDS.some((b) => labels.includes(b) || host.includes(b))) {
    return { allowed: false, reason: `网址 ${host} 冒充平台，但不是平台的域名，极可能是钓鱼网站，已禁用点击：不要在里面登录或输入密码。` };
  }
  return { allowed: false, reason: `${host} 不是本平台的网址，可能是钓鱼链接，已禁用点击：不要打开，更不要在里面登录。` };
}

/** Finds links in a text and decides which are clickable for a shop on `platform` (plus its own `shopDomains`). */
export function findLinks(text: string, platform: Platform, shopDomains: readonly string[] = []): GuardLink[] {
  return findLinksIn(text, foldText(text), platform, shopDomains);
}

/** `findLinks` with the text already folded (`foldText(text)`, same offsets): the screen folds it once for both. */
export function findLinksIn(text: string, norm: string, platform: Platform, shopDomains: readonly string[] = []): GuardLink[] {
  const out: GuardLink[] = [];
  let allowedDomains: string[] | null = null;
  LINK_RE.lastIndex = 0;
  for (let m = LINK_RE.exec(norm); m !== null; m = LINK_RE.exec(norm)) {
    allowedDomains ??= [...PLATFORM_DOMAINS[platform], ...shopDomains.map((d) => d.trim().toLowerCase().replace(/^\*?\./, '')).filter(Boolean)];
    let raw = m[0];
    raw = raw.replace(/[.,;:!?)\]}'"~]+$/, '');
    if (raw.length === 0) continue;
    const start = m.index;
    const end = start + raw.length;
    const href = /^https?:\/\//.test(raw) ? raw : `https://${raw}`;
    let url: URL | null = null;
    try {
      url = new URL(href);
    } catch {
      url = null;
    }
    const host = url?.hostname.toLowerCase() ?? '';
    const verdict = classify(host, url, allowedDomains);
    out.push({ url: url?.href ?? href, text: text.slice(start, end), host, start, end, ...verdict });
  }
  return out;
}
