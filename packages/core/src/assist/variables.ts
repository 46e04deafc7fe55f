/** Variables a quick reply may contain, written `{名称}` in the text. */
export const VARIABLES = [
  { name: '买家称呼', label: '买家称呼（昵称，没有时用“亲”）', example: '亲' },
  { name: '店铺', label: '店铺名称', example: '青禾户外旗舰店' },
  { name: '客服', label: '客服昵称', example: '小禾' },
  { name: '商品', label: '商品名称', example: '高帮防水登山鞋' },
  { name: '颜色', label: '商品颜色', example: '岩石灰' },
  { name: '尺码', label: '尺码', example: '40' },
  { name: '订单号', label: '订单编号', example: '2045873312094' },
  { name: '快递', label: '快递公司', example: '中通快递' },
  { name: '物流单号', label: '物流运单号', example: '73512846590231' },
  { name: '收货地址', label: '收货地址', example: '浙江省杭州市西湖区文三路 100 号' },
  { name: '金额', label: '金额（元）', example: '10' },
  { name: '优惠券', label: '优惠券（面额或名称）', example: '满 199 减 20 元优惠券' },
  { name: '活动', label: '当前店铺活动', example: '换季满减活动' },
  { name: '截止时间', label: '活动、付款或发货截止时间', example: '今天 16:00' },
  { name: '营业时间', label: '客服在线时间', example: '每天 9:00-23:00' },
] as const;

export type VariableName = (typeof VARIABLES)[number]['name'];

const KNOWN = new Set<string>(VARIABLES.map((v) => v.name));
const PLACEHOLDER_RE = /\{([^{}\s]{1,16})\}/g;

export function isVariableName(name: string): name is VariableName {
  return KNOWN.has(name);
}

/** Variable names used in a text, in order of first appearance (known or not). */
export function extractVariables(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER_RE)) {
    const name = m[1]!;
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

export interface FillResult {
  text: string;
  /** Placeholders left in the text: known variables without a value, and unknown names. */
  missing: string[];
  /** The subset of `missing` that is not a known variable (likely a typo in the library). */
  unknown: string[];
}

/**
 * Replaces `{名称}` placeholders with the given values in one pass (a value is never expanded again).
 * Placeholders without a non-blank value, and unknown names, stay visible and are reported.
 */
export function fillVariables(text: string, vars: Partial<Record<VariableName, string>>): FillResult {
  const missing: string[] = [];
  const unknown: string[] = [];
  const values = vars as Partial<Record<string, string>>;
  const filled = text.replace(PLACEHOLDER_RE, (whole, name: string) => {
    if (!KNOWN.has(name)) {
      if (!missing.includes(name)) missing.push(name);
      if (!unknown.includes(name)) unknown.push(name);
      return whole;
    }
    const value = values[name];
    if (value === undefined || value.trim() === '') {
      if (!missing.includes(name)) missing.push(name);
      return whole;
    }
    return value;
  });
  return { text: filled, missing, unknown };
}
