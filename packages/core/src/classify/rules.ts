import type { ScenarioId } from '@kefu/contracts';

/** A keyword rule: where it matches the normalised text it adds `boost` to its scenario's model logit. */
export interface ScenarioKeywordRule {
  id: string;
  scenario: ScenarioId;
  pattern: RegExp;
  boost: number;
}

/**
 * Rules for cases where a keyword is surer than the n-gram model (off-platform risk, complaints,
 * return postage, invoices, genuineness). They run on `normalizeText` output and only shift logits,
 * so a strong opposite model score can still win (e.g. "不要放发票" stays a note on the order).
 */
export const SCENARIO_KEYWORD_RULES: readonly ScenarioKeywordRule[] = [
  {
    id: 'off_platform.contact',
    scenario: 'off_platform',
    pattern: /微信(?!支付|付)|(?<![a-z])qq(?![a-z])|加(个|我)?好友|私聊|(?:留|给|发|告诉)(?:我|一下|个)*(?:你的?)?(?:电话|手机号?)|(?:你|你的|你们)(?:电话|手机号?)(?:号码?)?(?:多少|是)|打(?:我|你)的?电话/,
    boost: 4,
  },
  {
    id: 'off_platform.link',
    scenario: 'off_platform',
    pattern: /<url>|二维码|扫(?:我的?|这个|一下|个)?码|(?:发|点|看看?|打开)(?:你|我)?(?:个|这个|一下|下)?链接|链接.{0,6}(?:看看|点开|打开|为什么)/,
    boost: 4,
  },
  {
    id: 'off_platform.file',
    scenario: 'off_platform',
    pattern: /文件|压缩包|文档|安装包|\.(?:exe|apk|zip|rar)/,
    boost: 3,
  },
  {
    id: 'off_platform.transfer',
    scenario: 'off_platform',
    pattern: /私下|直接转(?:给)?你|转账|红包|不走平台|(?:支付宝|微信)转/,
    boost: 4,
  },
  {
    id: 'complaint.threat',
    scenario: 'complaint',
    pattern: /差评|投诉|消协|工商局?|举报|曝光|骗子|黑店|维权|(?:平台|小二)介入|报警|欺诈|虚假宣传/,
    boost: 4,
  },
  {
    id: 'return_shipping.postage',
    scenario: 'return_shipping',
    pattern: /(?:退|换|寄回|退回|来回|拒收).{0,8}(?:运费|邮费)|(?:运费|邮费).{0,6}(?:报销|返|退给|补给|退吗)|运费险/,
    boost: 3,
  },
  {
    id: 'invoice.keyword',
    scenario: 'invoice',
    pattern: /发票|开票|专票|普票|收据|税号|抬头/,
    boost: 2.5,
  },
  {
    id: 'authenticity.keyword',
    scenario: 'authenticity',
    pattern: /正品|假货|假的|专柜|验货|验真|防伪|高仿|授权|国行|水货|行货/,
    boost: 2,
  },
];

/** Ids of the rules matching a normalised text, and the summed boost per scenario. */
export function applyScenarioRules(norm: string, rules: readonly ScenarioKeywordRule[] = SCENARIO_KEYWORD_RULES): { ids: string[]; boosts: Map<ScenarioId, number> } {
  const ids: string[] = [];
  const boosts = new Map<ScenarioId, number>();
  for (const r of rules) {
    if (r.pattern.test(norm)) {
      ids.push(r.id);
      boosts.set(r.scenario, (boosts.get(r.scenario) ?? 0) + r.boost);
    }
  }
  return { ids, boosts };
}
