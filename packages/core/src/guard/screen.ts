import type { Platform } from '@kefu/contracts';
import { foldText } from '../coach/text.js';
import { findLinksIn, type GuardLink } from './links.js';

/** Kinds of risk in a buyer message. */
export type GuardRiskKind = 'phishing' | 'off_platform' | 'qr_code' | 'file_lure' | 'insult' | 'harsh';

export interface GuardRisk {
  kind: GuardRiskKind;
  start: number;
  end: number;
  /** The matched text as written. */
  text: string;
}

/** Result of screening one buyer message (seed 001 §6, seed 004). */
export interface GuardResult {
  links: GuardLink[];
  risks: GuardRisk[];
  /** The buyer asks to move off the platform (加微信, QQ, 私下转账 …): scenario `off_platform`. */
  offPlatform: boolean;
  /** `insult`: personal insults or threats; `harsh`: rude words about the shop or goods. */
  abuse: 'none' | 'harsh' | 'insult';
  /** After one calm, polite attempt the agent may end the chat (seed 004: polite, calm, rational; not endless endurance). */
  mayEndChat: boolean;
  level: 'safe' | 'caution' | 'danger';
  /** Warnings for the agent, in Chinese. */
  agentWarnings: string[];
  /** A safe, polite reply the agent can send, when a risk calls for one. */
  suggestedReply?: string;
}

interface Pattern {
  kind: GuardRiskKind;
  re: RegExp;
}

// Patterns run on folded text (lower-case, half-width, simplified), so offsets equal the original's.
const L = '(?<![a-z])';
const R = '(?![a-z])';
const PATTERNS: Pattern[] = [
  { kind: 'off_platform', re: new RegExp(`加(?:我|个|一下|下)?(?:微信|薇信|威信|v信|${L}vx${R}|${L}wx${R}|${L}v${R}|${L}qq${R}|扣扣|好友)`, 'g') },
  { kind: 'off_platform', re: new RegExp(`(?:你|您)(?:的|们的|们)?(?:私人)?(?:微信|${L}qq${R}|扣扣|电话|手机号|手机|联系方式|邮箱|${L}vx${R}|${L}wx${R})`, 'g') },
  { kind: 'off_platform', re: new RegExp(`(?:微信|${L}qq|${L}vx|${L}wx)号|${L}wxid|私下|私聊|线下(?:交易|付款|转账|支付|联系)|转账|打款|不走平台|绕过平台|平台外|支付宝转|直接付给你|给你转钱`, 'g') },
  { kind: 'qr_code', re: /二维码|扫码|扫一扫|扫一下/g },
  {
    kind: 'phishing',
    re: /小二|严重违规|店铺违规|违规行为|违规通知|(?:店铺|账号|账户)(?:已|已经)?(?:被)?冻结|封店|扣分|请(?:及时|尽快|马上)?登(?:录|陆)|登(?:录|陆)(?:一下)?(?:链接|网址|这个)|验证码|输入密码|账号异常|账户异常|官方客服|官方通知|理赔链接|退款链接|点(?:开|击|一下)链接|打开链接/g,
  },
  { kind: 'file_lure', re: /(?:发|传)(?:给)?你(?:个|一个)?(?:文件|表格|清单|压缩包|文档|附件)|(?:文件|表格|清单|压缩包|文档|附件)(?:直接)?(?:发|传)(?:给)?你|接收(?:一下)?(?:文件|附件)|下载(?:一下)?(?:附件|文件)/g },
  {
    kind: 'insult',
    re: new RegExp(
      `傻逼|傻b|傻比|煞笔|沙比|${L}sb${R}|${L}(?:cnm|nmsl|wcnm|rnm|tmd|nmb)${R}|脑残|智障|白痴|蠢货|蠢猪|废物|去死(?!皮)|死全家|全家死|滚蛋|滚开|给我滚|你滚|滚吧|妈的|他妈|你妈|尼玛|草泥马|操你|日你|贱人|贱货|畜生|狗东西|王八蛋|混蛋|神经病|你有病|有病吧|弄死你|砍死你|杀了你|打死你`,
      'g',
    ),
  },
  { kind: 'harsh', re: /垃圾|骗子|黑店|坑爹|坑人|无良|奸商|卧槽|我靠|恶心/g },
];

/** Seed 001 §6 lures that, with a disarmed link, mean phishing even without official words. */
const LINK_LURE = /拍不了|拍不下|付不了|付不上|买不了|下不了单|帮我看看|帮我看一下|帮忙看看|看看这个|点一下|点开|打开/;

const REPLIES = {
  phishing: '亲，这个链接我这边打不开呢，您需要的宝贝可以直接在店铺里搜索，或者告诉我款式和尺码，我把链接发给您哦~',
  off_platform: '亲，为了保障您的交易安全和售后权益，我们只在平台内沟通哦~ 有任何问题直接在这里发给我，图片和视频也可以直接发，我会一直为您跟进的~',
  file_lure: '亲，由于网络原因，我们这边没法接收文件哦~ 您可以把需要的宝贝一件一件加入购物车，然后一起结算，我们会按订单为您发货的，请您放心~',
  insult: '亲，非常理解您现在的心情，我们也很想帮您把问题解决好。如果您愿意，请告诉我具体的情况，我会尽力处理；如果现在不方便沟通，我们先暂停一下，您随时可以再来找我哦。',
  harsh: '亲，给您带来不好的体验真的非常抱歉，您能跟我说说具体是哪里不满意吗？我马上帮您处理~',
};

/**
 * Screens a buyer message before the agent acts on it: links (only the platform's and the shop's own domains stay
 * clickable), off-platform requests, QR codes, phishing and file lures, insults. Pure; never throws on any string.
 */
export function screenBuyerMessage(input: { text: string; platform: Platform; shopDomains?: string[] }): GuardResult {
  const text = input.text ?? '';
  const norm = foldText(text);
  const links = findLinksIn(text, norm, input.platform, input.shopDomains ?? []);
  const risks: GuardRisk[] = [];
  for (const p of PATTERNS) {
    p.re.lastIndex = 0;
    for (let m = p.re.exec(norm); m !== null; m = p.re.exec(norm)) {
      if (m[0].length === 0) {
        p.re.lastIndex++;
        continue;
      }
      // A word inside a link (https://…/login) belongs to the link, not to the message.
      if (links.some((l) => m!.index >= l.start && m!.index < l.end)) continue;
      risks.push({ kind: p.kind, start: m.index, end: m.index + m[0].length, text: text.slice(m.index, m.index + m[0].length) });
    }
  }
  const disarmed = links.filter((l) => !l.allowed);
  // Most messages carry no risk and no foreign link: nothing to warn about (and no work below, on every buyer message).
  if (risks.length === 0 && disarmed.length === 0) return { links, risks, offPlatform: false, abuse: 'none', mayEndChat: false, level: 'safe', agentWarnings: [] };
  const kinds = new Set<GuardRiskKind>();
  for (const r of risks) kinds.add(r.kind);
  if (disarmed.length > 0 && !kinds.has('phishing') && LINK_LURE.test(norm)) {
    const l = disarmed[0]!;
    risks.push({ kind: 'phishing', start: l.start, end: l.end, text: l.text });
    kinds.add('phishing');
  }
  risks.sort((a, b) => a.start - b.start || a.end - b.end);
  const has = (k: GuardRiskKind) => kinds.has(k);

  const warnings: string[] = [];
  for (const l of disarmed) if (l.reason) warnings.push(l.reason);
  if (has('phishing')) {
    warnings.push(
      disarmed.length > 0
        ? '这很像钓鱼：买家以“拍不了”“店铺违规”等理由让你点链接。不要打开，不要在任何链接里登录或输入密码、验证码。'
        : '消息冒充平台或要你登录、给验证码：平台官方不会通过买家聊天通知违规，不要照做。',
    );
  }
  if (has('off_platform')) warnings.push('买家要求到站外联系或私下交易：不要给 QQ、微信、电话，买家可能截图投诉店铺引流（种子 001 §6）。');
  if (has('qr_code')) warnings.push('不要扫买家发来的二维码，也不要把店铺以外的二维码发给买家。');
  if (has('file_lure')) warnings.push('不要接收买家发来的文件：木马常藏在文件里（种子 001 §6）。');
  const abuse: GuardResult['abuse'] = has('insult') ? 'insult' : has('harsh') ? 'harsh' : 'none';
  if (abuse === 'insult') warnings.push('买家出现辱骂或人身攻击：保持礼貌、平静、理性，先表示理解并给出解决办法；对方继续辱骂时可以礼貌地结束会话并记录。');
  if (abuse === 'harsh') warnings.push('买家情绪激动：先道歉、认真倾听，再问清楚哪里不满意。');

  const danger = has('phishing') || has('file_lure');
  const caution = disarmed.length > 0 || has('off_platform') || has('qr_code') || abuse !== 'none';
  const first: Array<keyof typeof REPLIES> = ['phishing', 'file_lure', 'off_platform', 'insult', 'harsh'];
  const pick = first.find((k) => has(k)) ?? (has('qr_code') ? 'off_platform' : disarmed.length > 0 ? 'phishing' : undefined);
  return {
    links,
    risks,
    offPlatform: has('off_platform') || has('qr_code'),
    abuse,
    mayEndChat: abuse === 'insult',
    level: danger ? 'danger' : caution ? 'caution' : 'safe',
    agentWarnings: warnings,
    ...(pick ? { suggestedReply: REPLIES[pick] } : {}),
  };
}
