import { makeZone, parseTime, type Zone } from '../kpi/time.js';
import { decodeExport, parseCsv, type LineError } from './csv.js';

/** One order of a Taobao/Tmall 订单报表 export; assignable to the KPI engine's `KpiOrder`. */
export interface ParsedOrder {
  /** 订单编号, without the `="…"` wrapper. */
  id: string;
  /** 买家会员名. */
  buyer: string;
  /** 买家实际支付金额, yuan. */
  amount: number;
  /** 订单状态 ('' when the column is absent). */
  status: string;
  /** 订单创建时间, ISO 8601 with the shop zone's offset. */
  createdAt: string;
  /** 订单付款时间, ISO, or null when unpaid. */
  paidAt: string | null;
  /** 宝贝总数量 (1 when the column is absent). */
  quantity: number;
  /** 退款金额, or null when the column is absent or empty. */
  refundAmount: number | null;
  /** 收货人姓名, 联系手机, 联系电话, 收货地址, 物流单号 when present and non-empty. */
  receiverName?: string;
  mobile?: string;
  phone?: string;
  address?: string;
  trackingNo?: string;
  /** Physical line the record starts on. */
  line: number;
}

export interface ParsedOrders {
  orders: ParsedOrder[];
  errors: LineError[];
  encoding: string;
}

const REQUIRED = ['订单编号', '买家会员名', '买家实际支付金额', '订单创建时间', '订单付款时间'] as const;
const OPTIONAL = ['订单状态', '宝贝总数量', '退款金额', '收货人姓名', '联系手机', '联系电话', '收货地址', '物流单号'] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];

/** Normalizes a header name: trims ASCII/full-width blanks, a BOM and `="…"`/quote wrappers. */
export function normalizeHeader(name: string): string {
  return cleanCell(name).replace(/[\s\u3000\ufeff]+/g, '');
}

/** Cleans an exported cell: `="123"` → `123`, a leading `'` or tab (Excel text markers) dropped, blanks trimmed. */
export function cleanCell(raw: string): string {
  let v = raw.replace(/^[\s\u3000\ufeff]+|[\s\u3000]+$/g, '');
  const eq = /^="(.*)"$/s.exec(v);
  if (eq) v = eq[1]!.replace(/""/g, '"');
  else if (v.startsWith('=') && /^=\d+$/.test(v)) v = v.slice(1);
  if (v.startsWith("'") || v.startsWith('\t')) v = v.slice(1);
  return v.trim();
}

/** Reads a money cell: `12.50`, `¥12.50`, `￥1,234.5`, `12.5元`; empty → 0; NaN when unreadable. */
export function parseMoney(raw: string): number {
  const v = raw.replace(/[¥￥,，\s元]/g, '');
  if (v === '') return 0;
  if (!/^-?\d+(\.\d+)?$/.test(v)) return NaN;
  return Number(v);
}

const EMPTY_TIME = new Set(['', 'null', 'NULL', '-', '--', '0000-00-00 00:00:00']);

/**
 * Parses a Taobao/Tmall 订单报表 export (`ExportOrderList*.csv`) from raw bytes: UTF-8 (BOM or not) or GBK,
 * quoted fields with embedded newlines, trailing spaces in header names, `="…"` order ids, `'` before phone numbers,
 * Excel-resaved dates (`2013/9/10 10:05`). Times are read in `tz` (default Asia/Shanghai) and returned as ISO with offset.
 * A bad line is reported with its physical line number and skipped; a missing required column is one error on the header line.
 */
export function parseTaobaoOrders(bytes: Uint8Array, options: { tz?: string } = {}): ParsedOrders {
  const { text, encoding } = decodeExport(bytes);
  const zone = makeZone(options.tz ?? 'Asia/Shanghai');
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  const delimiter = !firstLine.includes(',') && firstLine.includes('\t') ? '\t' : ',';
  const csv = parseCsv(text, delimiter);
  const errors: LineError[] = [...csv.errors];
  const orders: ParsedOrder[] = [];
  if (!csv.header) {
    errors.push({ line: 1, reason: '文件是空的，没有表头' });
    return { orders, errors, encoding };
  }
  const index = new Map<Column, number>();
  csv.header.fields.forEach((name, i) => {
    const key = normalizeHeader(name) as Column;
    if (((REQUIRED as readonly string[]).includes(key) || (OPTIONAL as readonly string[]).includes(key)) && !index.has(key)) {
      index.set(key, i);
    }
  });
  const missing = REQUIRED.filter((c) => !index.has(c));
  if (missing.length > 0) {
    return { orders, errors: [{ line: csv.header.line, reason: `缺少列：${missing.join('、')}（不像淘宝/天猫订单报表）` }], encoding };
  }
  const seen = new Set<string>();
  for (const rec of csv.records) {
    const cell = (c: Column): string | undefined => {
      const i = index.get(c);
      return i === undefined ? undefined : cleanCell(rec.fields[i] ?? '');
    };
    const result = readOrder(cell, zone, rec.line);
    if (typeof result === 'string') {
      errors.push({ line: rec.line, reason: result });
      continue;
    }
    if (seen.has(result.id)) {
      errors.push({ line: rec.line, reason: `订单编号重复：${result.id}` });
      continue;
    }
    seen.add(result.id);
    orders.push(result);
  }
  errors.sort((a, b) => a.line - b.line);
  return { orders, errors, encoding };
}

function readOrder(cell: (c: Column) => string | undefined, zone: Zone, line: number): ParsedOrder | string {
  const id = cell('订单编号') ?? '';
  if (id === '') return '订单编号为空';
  const buyer = cell('买家会员名') ?? '';
  if (buyer === '') return '买家会员名为空';
  const amountRaw = cell('买家实际支付金额') ?? '';
  const amount = parseMoney(amountRaw);
  if (Number.isNaN(amount) || amount < 0) return `买家实际支付金额不是金额：${amountRaw}`;
  const createdRaw = cell('订单创建时间') ?? '';
  const created = parseTime(createdRaw, zone);
  if (Number.isNaN(created)) return createdRaw === '' ? '订单创建时间为空' : `订单创建时间看不懂：${createdRaw}`;
  const paidRaw = cell('订单付款时间') ?? '';
  let paidAt: string | null = null;
  if (!EMPTY_TIME.has(paidRaw)) {
    const paid = parseTime(paidRaw, zone);
    if (Number.isNaN(paid)) return `订单付款时间看不懂：${paidRaw}`;
    paidAt = zone.toIso(paid);
  }
  const qtyRaw = cell('宝贝总数量');
  let quantity = 1;
  if (qtyRaw !== undefined && qtyRaw !== '') {
    quantity = Number(qtyRaw);
    if (!Number.isInteger(quantity) || quantity < 0) return `宝贝总数量不是整数：${qtyRaw}`;
  }
  const refundRaw = cell('退款金额');
  let refundAmount: number | null = null;
  if (refundRaw !== undefined && refundRaw !== '') {
    refundAmount = parseMoney(refundRaw);
    if (Number.isNaN(refundAmount)) return `退款金额不是金额：${refundRaw}`;
  }
  const order: ParsedOrder = {
    id,
    buyer,
    amount,
    status: cell('订单状态') ?? '',
    createdAt: zone.toIso(created),
    paidAt,
    quantity,
    refundAmount,
    line,
  };
  const extras: Array<[Column, 'receiverName' | 'mobile' | 'phone' | 'address' | 'trackingNo']> = [
    ['收货人姓名', 'receiverName'],
    ['联系手机', 'mobile'],
    ['联系电话', 'phone'],
    ['收货地址', 'address'],
    ['物流单号', 'trackingNo'],
  ];
  for (const [col, field] of extras) {
    const v = cell(col);
    if (v) order[field] = v;
  }
  return order;
}
