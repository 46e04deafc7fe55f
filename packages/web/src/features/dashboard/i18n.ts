import i18next from 'i18next';

/** Dashboard copy, loaded with the dashboard chunk (key prefix `kpi.`). */
const zhCN = {
  title: '数据看板',
  range: '时段',
  presets: { today: '今天', d7: '近 7 天', d14: '近 14 天', d30: '近 30 天' },
  refresh: '刷新',
  export: '导出 CSV',
  exportDrill: '导出明细',
  settings: '统计设置',
  shop: '店铺',
  loadFailed: '数据加载失败',
  queryMs: '汇总查询 {{ms}} 毫秒',
  rebuild: {
    running: '正在按新的统计设置重算汇总，完成前数字不完整',
    progress: '已重算 {{done}} / {{total}} 位买家',
    due: '汇总还没按当前统计设置重算完（上次重算中断了），数字可能不准',
    failed: '重算失败：{{error}}',
    start: '重新计算',
    done: '汇总已按新设置重算完成',
  },
  live: { title: '今日实时', inquirers: '今日询单', waiting: '正在等待', longest: '最长已等 {{d}}', avgResponse: '平均响应', firstResponse: '首次响应', conversion: '咨询转化率', revenue: '客服销售额', refreshed: '每 30 秒自动刷新' },
  fig: {
    inquirers: '询单人数', orderers: '下单人数', payers: '最终付款人数', inquiryConversion: '咨询转化率', paymentConversion: '付款转化率',
    inquiryToPayment: '询单→付款', silentBuyers: '静默下单', repliedInquirers: '已回复买家', replyRate: '回复率', firstResponseSec: '首次响应',
    firstHumanResponseSec: '首次人工响应', avgResponseSec: '平均响应', answeredTurns: '已回复回合', unansweredTurns: '未回复', revenue: '客服销售额',
    payingCustomers: '成交用户数', paidOrders: '成交笔数', perCustomerValue: '客单价', perOrderValue: '笔单价', refundRate: '退款率', shopRevenue: '全店销售额',
  },
  period: { title: '时段汇总', hint: '点击任意数字，查看组成它的买家、回合或订单' },
  trend: { title: '按日趋势', people: '人数', rate: '转化率', response: '响应时间（秒）', money: '销售额（元）' },
  agents: { title: '客服排行', agent: '客服', empty: '这个时段没有客服接待数据' },
  funnel: { title: '转化漏斗', replied: '已回复' },
  scenario: { title: '买家在问什么', buyerDays: '咨询人次', messages: '消息数', empty: '这个时段还没有分好类的买家消息' },
  quick: { title: '快捷短语使用与转化', reply: '短语', uses: '使用次数', buyers: '买家数', converted: '之后下单', rate: '转化率', empty: '这个时段没有使用快捷短语', missing: '快捷短语统计尚未启用' },
  urge: {
    title: '催付话术成功率', script: '话术', reminded: '催付订单', paid: '催后付款', pending: '待定', rate: '成功率', empty: '这个时段没有发出催付', missing: '催付统计尚未启用',
    hint: '按催付发出的日期；催后 {{hours}} 小时内付款算成功；待定 = 还没付款、{{hours}} 小时还没到',
  },
  drill: {
    title: '{{figure}} · 明细', agentSuffix: '（{{agent}}）', daySuffix: '（{{day}}）', total: '共 {{n}} 条', truncated: '只显示前 {{n}} 条，完整明细请导出',
    buyer: '买家', firstInquiry: '首次咨询', day: '日期', orders: '订单', paidOrders: '已付款', agents: '接待客服', firstResponse: '首次响应',
    start: '开始时间', messages: '买家消息', responseAt: '回复时间', responseSec: '响应', agent: '客服', unanswered: '未回复',
    order: '订单号', amount: '金额', createdAt: '下单时间', paidAt: '付款时间', attributed: '归属客服', refunded: '退款', silent: '静默', none: '无归属',
    remindedAt: '催付时间', paidAfter: '催后付款', yes: '是', no: '否',
  },
  set: {
    title: '统计设置', timeZone: '时区', businessHours: '营业时间（响应时间只计营业时间内）', allDay: '全天', custom: '自定义',
    weekdays: '周一至周五', weekend: '周六、周日', window: '归因窗口（小时）', windowHelp: '询单后多久内下单算转化；下单前多久内的客服消息算归属',
    creditOn: '销售额计入', payment: '按付款时间', order: '按下单时间', gap: '会话结束（营业时间内无回复的小时数）', saved: '已保存', rebuilding: '已保存，正在后台按新设置重算汇总',
  },
  unit: { sec: '秒', min: '分钟', yuan: '元', people: '人' },
};

const en: typeof zhCN = {
  title: 'Dashboard',
  range: 'Period',
  presets: { today: 'Today', d7: 'Last 7 days', d14: 'Last 14 days', d30: 'Last 30 days' },
  refresh: 'Refresh',
  export: 'Export CSV',
  exportDrill: 'Export rows',
  settings: 'KPI settings',
  shop: 'Shop',
  loadFailed: 'Could not load the figures',
  queryMs: 'Rollup query {{ms}} ms',
  rebuild: {
    running: 'Rebuilding the rollups with the new KPI settings; figures are incomplete until it ends',
    progress: '{{done}} of {{total}} buyers done',
    due: 'The rollups are not rebuilt for the current KPI settings yet (the last rebuild was interrupted); figures may be off',
    failed: 'Rebuild failed: {{error}}',
    start: 'Rebuild now',
    done: 'Rollups rebuilt with the new settings',
  },
  live: { title: 'Today, live', inquirers: 'Enquirers today', waiting: 'Waiting now', longest: 'longest {{d}}', avgResponse: 'Avg response', firstResponse: 'First response', conversion: 'Enquiry conversion', revenue: 'Revenue via service', refreshed: 'Refreshes every 30 s' },
  fig: {
    inquirers: 'Enquirers', orderers: 'Orderers', payers: 'Payers', inquiryConversion: 'Enquiry conversion', paymentConversion: 'Payment conversion',
    inquiryToPayment: 'Enquiry → payment', silentBuyers: 'Silent buyers', repliedInquirers: 'Replied buyers', replyRate: 'Reply rate', firstResponseSec: 'First response',
    firstHumanResponseSec: 'First human response', avgResponseSec: 'Avg response', answeredTurns: 'Answered turns', unansweredTurns: 'Unanswered', revenue: 'Revenue via service',
    payingCustomers: 'Paying customers', paidOrders: 'Paid orders', perCustomerValue: 'Per customer', perOrderValue: 'Per order', refundRate: 'Refund rate', shopRevenue: 'Shop revenue',
  },
  period: { title: 'Period summary', hint: 'Click any number to see the buyers, turns or orders behind it' },
  trend: { title: 'Trend by day', people: 'People', rate: 'Conversion', response: 'Response (s)', money: 'Revenue (¥)' },
  agents: { title: 'Agent leaderboard', agent: 'Agent', empty: 'No agent activity in this period' },
  funnel: { title: 'Funnel', replied: 'Replied' },
  scenario: { title: 'What buyers ask about', buyerDays: 'Buyer-days', messages: 'Messages', empty: 'No classified buyer messages in this period' },
  quick: { title: 'Quick replies: use and conversion', reply: 'Reply', uses: 'Uses', buyers: 'Buyers', converted: 'Ordered after', rate: 'Conversion', empty: 'No quick replies used in this period', missing: 'Quick-reply statistics are not enabled' },
  urge: {
    title: 'Payment reminders by script', script: 'Script', reminded: 'Orders reminded', paid: 'Paid after', pending: 'Open', rate: 'Success', empty: 'No reminders sent in this period', missing: 'Reminder statistics are not enabled',
    hint: 'By the day the reminder went out; paid within {{hours}} h counts as success; open = unpaid, {{hours}} h not over yet',
  },
  drill: {
    title: '{{figure}} · details', agentSuffix: ' ({{agent}})', daySuffix: ' ({{day}})', total: '{{n}} rows', truncated: 'Showing the first {{n}}; export for all rows',
    buyer: 'Buyer', firstInquiry: 'First enquiry', day: 'Day', orders: 'Orders', paidOrders: 'Paid', agents: 'Agents', firstResponse: 'First response',
    start: 'Started', messages: 'Buyer messages', responseAt: 'Answered at', responseSec: 'Response', agent: 'Agent', unanswered: 'Unanswered',
    order: 'Order', amount: 'Amount', createdAt: 'Created', paidAt: 'Paid', attributed: 'Attributed to', refunded: 'Refunded', silent: 'Silent', none: 'none',
    remindedAt: 'Reminded at', paidAfter: 'Paid after', yes: 'yes', no: 'no',
  },
  set: {
    title: 'KPI settings', timeZone: 'Time zone', businessHours: 'Business hours (response times count open time only)', allDay: 'All day', custom: 'Custom',
    weekdays: 'Mon–Fri', weekend: 'Sat, Sun', window: 'Attribution window (hours)', windowHelp: 'Orders within this time after an enquiry count as conversion; agent messages within it before an order get the credit',
    creditOn: 'Count revenue by', payment: 'payment time', order: 'order time', gap: 'Conversation ends after (open hours without reply)', saved: 'Saved', rebuilding: 'Saved; the rollups are being rebuilt with the new settings in the background',
  },
  unit: { sec: ' s', min: ' min', yuan: '¥', people: '' },
};

let done = false;
/** Adds the `kpi.*` strings to both languages (once). */
export function registerDashboardStrings(): void {
  if (done) return;
  done = true;
  i18next.addResourceBundle('zh-CN', 'translation', { kpi: zhCN }, true, true);
  i18next.addResourceBundle('en', 'translation', { kpi: en }, true, true);
}
