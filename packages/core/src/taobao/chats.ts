import { makeZone, parseTime } from '../kpi/time.js';
import type { KpiMessage, SenderKind } from '../kpi/types.js';
import type { LineError } from './csv.js';

export interface ParsedChats {
  /** Messages with `at` as epoch ms. */
  messages: KpiMessage[];
  errors: LineError[];
}

const KINDS = new Set<SenderKind>(['buyer', 'agent', 'auto', 'system']);

/**
 * Parses the `kefu report --chats` JSON lines:
 * `{"buyer":"tb_123","from":"buyer|agent|auto|system","agent":"小美","text":"…","at":"2013-09-01T10:00:00+08:00"}`.
 * A time without offset is read in `tz`. Blank lines are skipped; a bad line is reported with its number and skipped.
 */
export function parseChatJsonl(text: string, options: { tz?: string } = {}): ParsedChats {
  const zone = makeZone(options.tz ?? 'Asia/Shanghai');
  const messages: KpiMessage[] = [];
  const errors: LineError[] = [];
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    line++;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (raw === '') continue;
    const parsed = parseChatLine(raw, zone);
    if (typeof parsed === 'string') errors.push({ line, reason: parsed });
    else messages.push(parsed);
  }
  return { messages, errors };
}

function parseChatLine(raw: string, zone: ReturnType<typeof makeZone>): KpiMessage | string {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return '不是有效的 JSON';
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return '应为 JSON 对象';
  const o = v as Record<string, unknown>;
  if (typeof o.buyer !== 'string' || o.buyer.trim() === '') return '缺少 buyer（买家）';
  if (typeof o.from !== 'string' || !KINDS.has(o.from as SenderKind)) return `from 应为 buyer、agent、auto 或 system，实为 ${JSON.stringify(o.from)}`;
  if (typeof o.at !== 'string' && typeof o.at !== 'number') return '缺少 at（时间）';
  const at = parseTime(o.at, zone);
  if (Number.isNaN(at)) return `时间看不懂：${String(o.at)}`;
  if (o.agent !== undefined && o.agent !== null && typeof o.agent !== 'string') return 'agent 应为字符串';
  if (o.text !== undefined && o.text !== null && typeof o.text !== 'string') return 'text 应为字符串';
  if (o.shop !== undefined && o.shop !== null && typeof o.shop !== 'string') return 'shop 应为字符串';
  const msg: KpiMessage = { buyer: o.buyer, from: o.from as SenderKind, at };
  if (typeof o.agent === 'string' && o.agent !== '' && o.from === 'agent') msg.agent = o.agent;
  if (typeof o.text === 'string') msg.text = o.text;
  if (typeof o.shop === 'string') msg.shop = o.shop;
  return msg;
}
