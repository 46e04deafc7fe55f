import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  computeKpis,
  dataSpan,
  formatDuration,
  formatMoney,
  formatRate,
  isValidTimeZone,
  kpiReportToJson,
  parseChatJsonl,
  parseDay,
  parseTaobaoOrders,
  type BusinessHours,
  type KpiReport,
} from '@kefu/core';
import { intFlag, parseArgs } from '../args.js';
import { UsageError, type CliCommand } from '../types.js';

const usage = `usage: kefu report --orders FILE --chats FILE [--from D] [--to D] [--tz Z] [--window-hours H] [--json]

Computes the customer-service KPIs (docs/KPIS.md) from files, without server or database.
  --orders FILE          Taobao/Tmall 订单报表 export (ExportOrderList*.csv), UTF-8 or GBK
  --chats FILE           chat JSON lines {"buyer","from":"buyer|agent|auto|system","agent","text","at"}
  --from D, --to D       inclusive period, YYYY-MM-DD in --tz (default: the span of the data)
  --tz Z                 shop time zone (default Asia/Shanghai)
  --window-hours H       attribution window in hours (default 72)
  --credit-on W          payment|order: which time puts a paid order into the period (default payment)
  --business-hours S     opening hours, e.g. 09:00-23:00 or 1-5@09:00-18:00,6-0@10:00-16:00 (default all day)
  --json                 print one JSON object instead of the Chinese table
Bad lines are reported on stderr as file:line: reason and skipped; the exit code is then 1.`;

/** `kefu report`: KPIs from an order export and a chat log. */
export const command: CliCommand = {
  name: 'report',
  summary: 'KPI report (询单转化、响应时间、客单价…) from an order export and chat lines',
  usage,
  async run(argv, io) {
    const { flags, positionals } = parseArgs(argv, {
      values: ['orders', 'chats', 'from', 'to', 'tz', 'window-hours', 'credit-on', 'business-hours'],
      booleans: ['json'],
    });
    if (flags.help) {
      io.stdout.write(usage + '\n');
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const ordersPath = flags.orders;
    const chatsPath = flags.chats;
    if (typeof ordersPath !== 'string') throw new UsageError('--orders FILE is required');
    if (typeof chatsPath !== 'string') throw new UsageError('--chats FILE is required');
    const tz = typeof flags.tz === 'string' ? flags.tz : 'Asia/Shanghai';
    if (!isValidTimeZone(tz)) throw new UsageError(`--tz: unknown time zone ${tz}`);
    const windowHours = intFlag(flags, 'window-hours', 72, 0, 24 * 366);
    for (const f of ['from', 'to'] as const) {
      const v = flags[f];
      if (typeof v === 'string' && parseDay(v) === null) throw new UsageError(`--${f} must be a date YYYY-MM-DD`);
    }
    const creditOn = flags['credit-on'] ?? 'payment';
    if (creditOn !== 'payment' && creditOn !== 'order') throw new UsageError('--credit-on must be payment or order');
    const businessHours = typeof flags['business-hours'] === 'string' ? parseBusinessHours(flags['business-hours']) : undefined;

    const files: Array<[string, Uint8Array]> = [];
    for (const p of [ordersPath, chatsPath]) {
      try {
        files.push([p, await readFile(resolve(io.cwd, p))]);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'error';
        io.stderr.write(`kefu report: ${p}: 无法读取文件（${code}）\n`);
        return 1;
      }
    }
    const orders = parseTaobaoOrders(files[0]![1], { tz });
    const chats = parseChatJsonl(new TextDecoder('utf-8').decode(files[1]![1]), { tz });
    let skipped = 0;
    for (const [path, errors] of [
      [ordersPath, orders.errors],
      [chatsPath, chats.errors],
    ] as const) {
      for (const e of errors) io.stderr.write(`${path}:${e.line}: ${e.reason}\n`);
      skipped += errors.length;
    }

    const input = { messages: chats.messages, orders: orders.orders };
    const span = dataSpan(input, tz);
    let from = typeof flags.from === 'string' ? flags.from : span?.from;
    let to = typeof flags.to === 'string' ? flags.to : span?.to;
    if (from === undefined && to === undefined) {
      io.stderr.write('kefu report: 文件里没有可统计的询单或订单，请用 --from/--to 指定时段\n');
      return 1;
    }
    from ??= to!;
    to ??= from;
    if (to < from) {
      if (typeof flags.from === 'string' && typeof flags.to === 'string') throw new UsageError('--from is after --to');
      if (typeof flags.from === 'string') to = from;
      else from = to;
    }
    const report = computeKpis(input, { from, to, tz, attributionWindowHours: windowHours, creditOn, businessHours });
    io.stdout.write(flags.json ? JSON.stringify(kpiReportToJson(report)) + '\n' : renderTable(report));
    if (skipped > 0) {
      io.stderr.write(`kefu report: 共跳过 ${skipped} 条有问题的记录（订单 ${orders.errors.length} 条，聊天 ${chats.errors.length} 条），其余照常统计\n`);
      return 1;
    }
    return 0;
  },
};

/** `09:00-23:00` (every day) or `1-5@09:00-18:00,6-0@10:00-16:00`; days 0 = Sunday … 6 = Saturday. */
export function parseBusinessHours(spec: string): BusinessHours {
  const slots: Array<{ days: number[]; open: string; close: string }> = [];
  for (const part of spec.split(',')) {
    const m = /^\s*(?:([0-6])(?:-([0-6]))?@)?(\d{1,2}:\d{2})-(\d{1,2}:\d{2})\s*$/.exec(part);
    if (!m) throw new UsageError(`--business-hours: cannot read "${part}" (e.g. 09:00-23:00 or 1-5@09:00-18:00)`);
    const days: number[] = [];
    if (m[1] === undefined) days.push(0, 1, 2, 3, 4, 5, 6);
    else {
      const a = Number(m[1]);
      const b = m[2] === undefined ? a : Number(m[2]);
      for (let d = a; ; d = (d + 1) % 7) {
        days.push(d);
        if (d === b) break;
      }
    }
    const [hOpen, mOpen] = m[3]!.split(':').map(Number) as [number, number];
    const [hClose, mClose] = m[4]!.split(':').map(Number) as [number, number];
    const open = hOpen * 60 + mOpen;
    const close = hClose * 60 + mClose;
    if (mOpen > 59 || mClose > 59 || open >= close || close > 24 * 60) {
      throw new UsageError(`--business-hours: "${part}" must open before it closes, within 00:00-24:00`);
    }
    slots.push({ days, open: m[3]!, close: m[4]! });
  }
  return slots;
}

/** Display width: CJK and full-width characters take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || c >= 0x20000 ? 2 : 1;
  }
  return w;
}

function pad(s: string, w: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, w - width(s)));
  return right ? fill + s : s + fill;
}

/** Aligned columns: the first column left-aligned, the others right-aligned. */
function table(rows: string[][], indent = '  '): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, width(c))));
  return rows.map((r) => indent + r.map((c, i) => pad(c, widths[i]!, i > 0)).join('  ').trimEnd()).join('\n') + '\n';
}

function renderTable(r: KpiReport): string {
  const s = r.settings;
  const period = r.period.from === r.period.to ? r.period.from : `${r.period.from} 至 ${r.period.to}`;
  const out: string[] = [];
  out.push(`客服 KPI 报表  ${period}（${r.period.tz}，归因窗口 ${s.attributionWindowHours} 小时${s.businessHours ? '，按营业时间计时' : ''}）\n`);
  out.push('\n询单与转化\n');
  out.push(
    table([
      ['询单人数', String(r.inquirers)],
      ['下单人数', String(r.orderers)],
      ['最终付款人数', String(r.payers)],
      ['咨询转化率', formatRate(r.inquiryConversion)],
      ['付款转化率', formatRate(r.paymentConversion)],
      ['询单到最终付款成功率', formatRate(r.inquiryToPayment)],
      ['静默下单人数（不计入转化率）', String(r.silentBuyers)],
    ]),
  );
  out.push('\n响应\n');
  out.push(
    table([
      ['回复率', formatRate(r.replyRate)],
      ['首次响应时间（含自动回复）', formatDuration(r.firstResponseSec)],
      ['首次人工响应时间', formatDuration(r.firstHumanResponseSec)],
      ['平均响应时间', formatDuration(r.avgResponseSec)],
      ['已回复轮次', String(r.answeredTurns)],
      ['未回复轮次', String(r.unansweredTurns)],
    ]),
  );
  out.push('\n客服落实金额\n');
  out.push(
    table([
      ['客服销售额', formatMoney(r.revenue)],
      ['成交用户数', String(r.payingCustomers)],
      ['成交笔数', String(r.paidOrders)],
      ['客单价', formatMoney(r.perCustomerValue)],
      ['笔单价', formatMoney(r.perOrderValue)],
      ['退款率', formatRate(r.refundRate)],
      ['全店销售额（含静默下单）', formatMoney(r.shop.revenue)],
      ['全店成交笔数', String(r.shop.paidOrders)],
    ]),
  );
  if (r.byAgent.length > 0) {
    out.push('\n按客服\n');
    out.push(
      table([
        ['客服', '询单人数', '下单人数', '付款人数', '咨询转化率', '销售额', '成交笔数', '客单价', '平均响应', '首次响应'],
        ...r.byAgent.map((a) => [
          a.agent,
          String(a.inquirers),
          String(a.orderers),
          String(a.payers),
          formatRate(a.inquiryConversion),
          formatMoney(a.revenue),
          String(a.paidOrders),
          formatMoney(a.perCustomerValue),
          formatDuration(a.avgResponseSec),
          formatDuration(a.firstResponseSec),
        ]),
      ]),
    );
  }
  if (r.byDay.length > 1) {
    out.push('\n按日\n');
    out.push(
      table([
        ['日期', '询单人数', '下单人数', '付款人数', '咨询转化率', '回复率', '平均响应', '客服销售额'],
        ...r.byDay.map((d) => [
          d.day,
          String(d.inquirers),
          String(d.orderers),
          String(d.payers),
          formatRate(d.inquiryConversion),
          formatRate(d.replyRate),
          formatDuration(d.avgResponseSec),
          formatMoney(d.revenue),
        ]),
      ]),
    );
  }
  return out.join('');
}
