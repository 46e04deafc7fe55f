import { isScenarioId, SCENARIOS, type ScenarioId } from '@kefu/contracts';
import { z } from 'zod';
import { formatCsv, parseCsv } from './assist.csv.js';
import type { QuickReplyDto } from './assist.presenter.js';

/** Limits of the library (per shop). */
export const LIBRARY_LIMITS = { replies: 10_000, importRows: 5_000, importBytes: 4 * 1024 * 1024, textLength: 1000 } as const;

const SafeUrl = z.string().max(500).regex(/^(https?:\/\/|\/)[^\s"'<>]*$/, '仅支持 http(s) 或站内地址');
export const Scenario = z.string().refine(isScenarioId, '未知的场景').transform((s) => s as ScenarioId);
/** Shortcut as typed after `/` in the composer; a leading `/` is accepted and dropped. */
export const Shortcut = z
  .string()
  .trim()
  .regex(/^\/?[A-Za-z0-9_-]{1,20}$/, '快捷键只能是 1–20 个字母、数字、_ 或 -')
  .transform((s) => s.replace(/^\//, '').toLowerCase());
export const Card = z.object({ imageUrl: SafeUrl.optional(), productSku: z.string().trim().min(1).max(64).optional() });

const fields = {
  scenario: Scenario,
  category: z.string().trim().max(20),
  title: z.string().trim().min(1, '标题不能为空').max(40),
  shortcut: Shortcut.nullable(),
  text: z.string().trim().min(1, '内容不能为空').max(LIBRARY_LIMITS.textLength),
  keywords: z.array(z.string().trim().min(1).max(20)).max(20),
  card: Card.nullable(),
  shared: z.boolean(),
  safeForAuto: z.boolean(),
};
export const ReplyBody = z.object({
  ...fields,
  category: fields.category.default(''),
  shortcut: fields.shortcut.optional(),
  keywords: fields.keywords.default([]),
  card: fields.card.optional(),
  shared: fields.shared.default(true),
  safeForAuto: fields.safeForAuto.default(false),
});
export type ReplyInput = z.infer<typeof ReplyBody>;
export const ReplyPatch = z.object({
  scenario: fields.scenario.optional(),
  category: fields.category.optional(),
  title: fields.title.optional(),
  shortcut: fields.shortcut.optional(),
  text: fields.text.optional(),
  keywords: fields.keywords.optional(),
  card: fields.card.optional(),
  safeForAuto: fields.safeForAuto.optional(),
});

/** Columns of the CSV file, in order. */
export const CSV_COLUMNS = ['scenario', 'category', 'title', 'shortcut', 'text', 'keywords', 'safe_for_auto', 'shared', 'image_url', 'product_sku'] as const;
/** Chinese headers accepted as aliases (Excel users type these). */
const HEADER_ALIASES: Record<string, (typeof CSV_COLUMNS)[number]> = {
  场景: 'scenario', 分类: 'category', 标题: 'title', 快捷键: 'shortcut', 内容: 'text', 关键词: 'keywords', 可自动回复: 'safe_for_auto', 共享: 'shared', 图片: 'image_url', 商品编码: 'product_sku',
};

const BY_LABEL = new Map<string, ScenarioId>(SCENARIOS.map((s) => [s.zh, s.id]));
const TRUE = new Set(['1', 'true', 'yes', 'y', '是', '√']);

export interface ImportLineError {
  line: number;
  message: string;
}

function zodMessage(err: z.ZodError): string {
  const i = err.issues[0];
  return i ? `${i.path.join('.') || '内容'}: ${i.message}` : '格式不正确';
}

/** One import row → a validated reply, or the reason it was skipped. */
function validateRow(raw: Record<string, unknown>): { ok: true; value: ReplyInput } | { ok: false; message: string } {
  const res = ReplyBody.safeParse(raw);
  return res.success ? { ok: true, value: res.data } : { ok: false, message: zodMessage(res.error) };
}

const unformula = (v: string) => (/^'[=+\-@]/.test(v) ? v.slice(1) : v);

/** Reads CSV text: every good line becomes a reply; each broken line is reported with its line number. */
export function readCsvReplies(text: string): { rows: Array<{ line: number; value: ReplyInput }>; errors: ImportLineError[] } {
  const parsed = parseCsv(text);
  const errors: ImportLineError[] = [...parsed.errors];
  const rows: Array<{ line: number; value: ReplyInput }> = [];
  const [head, ...body] = parsed.records;
  if (!head) return { rows, errors: errors.length ? errors : [{ line: 1, message: '文件是空的' }] };
  const cols = head.fields.map((h) => {
    const k = h.trim().replace(/^\uFEFF/, '').toLowerCase();
    return (CSV_COLUMNS as readonly string[]).includes(k) ? (k as (typeof CSV_COLUMNS)[number]) : HEADER_ALIASES[h.trim()];
  });
  if (!cols.includes('text') || !cols.includes('title') || !cols.includes('scenario')) {
    return { rows, errors: [{ line: head.line, message: `第一行应是表头，至少包含 scenario、title、text（可用：${CSV_COLUMNS.join(', ')}）` }] };
  }
  for (const rec of body) {
    if (rec.fields.length !== head.fields.length) {
      errors.push({ line: rec.line, message: `应有 ${head.fields.length} 列，实际 ${rec.fields.length} 列` });
      continue;
    }
    const get = (c: (typeof CSV_COLUMNS)[number]) => {
      const i = cols.indexOf(c);
      return i < 0 ? '' : unformula(rec.fields[i] ?? '').trim();
    };
    const scenario = get('scenario');
    const image = get('image_url');
    const sku = get('product_sku');
    const shortcut = get('shortcut');
    const shared = get('shared');
    const r = validateRow({
      scenario: BY_LABEL.get(scenario) ?? scenario,
      category: get('category'),
      title: get('title'),
      text: get('text'),
      ...(shortcut ? { shortcut } : {}),
      keywords: get('keywords') ? get('keywords').split(/[;；|、]/).map((s) => s.trim()).filter(Boolean) : [],
      safeForAuto: TRUE.has(get('safe_for_auto').toLowerCase()),
      shared: shared === '' ? true : TRUE.has(shared.toLowerCase()),
      ...(image || sku ? { card: { ...(image ? { imageUrl: image } : {}), ...(sku ? { productSku: sku } : {}) } } : {}),
    });
    if (r.ok) rows.push({ line: rec.line, value: r.value });
    else errors.push({ line: rec.line, message: r.message });
  }
  return { rows, errors };
}

/** Reads a JSON export (`{ quickReplies: [...] }` or a bare array); "line" is the 1-based item number. */
export function readJsonReplies(text: string): { rows: Array<{ line: number; value: ReplyInput }>; errors: ImportLineError[] } {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return { rows: [], errors: [{ line: 1, message: '不是合法的 JSON' }] };
  }
  const list = Array.isArray(data) ? data : (data as { quickReplies?: unknown } | null)?.quickReplies;
  if (!Array.isArray(list)) return { rows: [], errors: [{ line: 1, message: '应为数组或 { "quickReplies": [...] }' }] };
  const rows: Array<{ line: number; value: ReplyInput }> = [];
  const errors: ImportLineError[] = [];
  list.forEach((item, i) => {
    if (typeof item !== 'object' || item === null) return errors.push({ line: i + 1, message: '应为对象' });
    const o = item as Record<string, unknown>;
    const { shortcut, card, ...rest } = o;
    const r = validateRow({ ...rest, ...(shortcut ? { shortcut } : {}), ...(card ? { card } : {}) });
    if (r.ok) rows.push({ line: i + 1, value: r.value });
    else errors.push({ line: i + 1, message: r.message });
  });
  return { rows, errors };
}

export function repliesToCsv(list: readonly QuickReplyDto[]): string {
  return formatCsv(
    CSV_COLUMNS,
    list.map((r) => [
      r.scenario, r.category, r.title, r.shortcut ?? '', r.text, r.keywords.join(';'), r.safeForAuto ? '1' : '0', r.shared ? '1' : '0', r.card?.imageUrl ?? '', r.card?.productSku ?? '',
    ]),
  );
}

export function repliesToJson(list: readonly QuickReplyDto[]): string {
  return JSON.stringify(
    {
      format: 'kefu-quick-replies',
      version: 1,
      quickReplies: list.map((r) => ({
        scenario: r.scenario, category: r.category, title: r.title, shortcut: r.shortcut, text: r.text, keywords: r.keywords, card: r.card, shared: r.shared, safeForAuto: r.safeForAuto,
      })),
    },
    null,
    2,
  );
}
