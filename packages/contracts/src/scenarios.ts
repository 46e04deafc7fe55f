/** Buyer-message scenario ids: a stable contract (docs: ../shared/docs/SCENARIOS.md). */
export const SCENARIOS = [
  { id: 'greeting', zh: '打招呼', stage: 'pre' },
  { id: 'product_info', zh: '商品咨询', stage: 'pre' },
  { id: 'recommend', zh: '求推荐', stage: 'pre' },
  { id: 'stock', zh: '库存', stage: 'pre' },
  { id: 'size', zh: '尺码', stage: 'pre' },
  { id: 'bargain', zh: '议价', stage: 'pre' },
  { id: 'promotion', zh: '活动优惠', stage: 'pre' },
  { id: 'shipping_fee', zh: '运费', stage: 'pre' },
  { id: 'authenticity', zh: '正品', stage: 'pre' },
  { id: 'quality', zh: '质量咨询', stage: 'pre' },
  { id: 'color_diff', zh: '色差', stage: 'pre' },
  { id: 'ship_time', zh: '发货时效', stage: 'pre' },
  { id: 'courier', zh: '快递选择', stage: 'pre' },
  { id: 'payment', zh: '付款', stage: 'order' },
  { id: 'invoice', zh: '发票', stage: 'order' },
  { id: 'order_change', zh: '改订单', stage: 'order' },
  { id: 'logistics', zh: '物流查询', stage: 'after' },
  { id: 'quality_problem', zh: '质量问题', stage: 'after' },
  { id: 'exchange', zh: '换货', stage: 'after' },
  { id: 'return_refund', zh: '退货退款', stage: 'after' },
  { id: 'return_shipping', zh: '退换运费', stage: 'after' },
  { id: 'complaint', zh: '投诉差评', stage: 'after' },
  { id: 'thanks_bye', zh: '感谢告别', stage: 'any' },
  { id: 'off_platform', zh: '站外/风险', stage: 'any' },
  { id: 'other', zh: '其他', stage: 'any' },
] as const;

export type ScenarioId = (typeof SCENARIOS)[number]['id'];
export type ScenarioStage = (typeof SCENARIOS)[number]['stage'];
export const SCENARIO_IDS = SCENARIOS.map((s) => s.id) as readonly ScenarioId[];

export function isScenarioId(value: string): value is ScenarioId {
  return (SCENARIO_IDS as readonly string[]).includes(value);
}
