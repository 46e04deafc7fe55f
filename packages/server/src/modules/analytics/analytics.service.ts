import { randomBytes } from 'node:crypto';
import {
  drillDown,
  formatDay,
  formatDuration,
  formatMoney,
  formatRate,
  isValidTimeZone,
  makeBusinessClock,
  makeZone,
  UNKNOWN_AGENT,
  URGING_SCRIPTS,
  type KpiDrillFigure,
  type KpiDrillKey,
} from '@kefu/core';
import { sql, type Kysely } from 'kysely';
import { AppError } from '../../http/errors.js';
import type { Database } from '../../storage/schema.js';
import { engineSettings, kpiInputOf, type RollupSettings } from './rollup-facts.js';
import { periodOf, queryKpis, queryScenarios, type RollupReport } from './rollup.query.js';
import { buildKey, loadBuyers, loadSettings, rebuildingKey, RebuildStopped, REBUILDING, rebuildShop, saveSettings } from './rollup.store.js';

const DRILL_LIMIT = 2000;

export interface KpiSettingsDto {
  timeZone: string;
  businessHours: RollupSettings['businessHours'];
  attributionWindowHours: number;
  sessionGapHours: number;
  creditOn: 'payment' | 'order';
  /** False when the rollups were built with other settings, or are being rebuilt. */
  upToDate: boolean;
  /**
   * The rebuild after a settings change: running in this process (`buyers` of about `total` done), running elsewhere
   * or left unfinished by a process that stopped (`running` false: a rebuild is due, POST …/kpis/rebuild), or the
   * last one's failure. Null when the rollups are up to date.
   */
  rebuild: { running: boolean; buyers: number; total: number; startedAt: number | null; error: string | null } | null;
}

interface RebuildJob {
  token: string;
  buyers: number;
  total: number;
  startedAt: number;
  done: Promise<void>;
}

export interface DashboardDto {
  period: { from: string; to: string; tz: string };
  settings: KpiSettingsDto;
  kpis: RollupReport & { byAgent: Array<RollupReport['byAgent'][number] & { agentName: string }> };
  scenarios: Array<{ scenario: string; buyerDays: number; messages: number }>;
  /** Quick-reply usage and the buyers who ordered within the window after one (reply_usage); null when unavailable. */
  quickReplies: Array<{ replyId: string; title: string; uses: number; buyers: number; converted: number; rate: number | null }> | null;
  /**
   * 催付成功率 per reminder script for the period (KPIS.md, as core `computeKpis`'s `urgeSuccess`): orders reminded in the
   * period while unpaid (the first reminder of each script per order), how many were paid within the attribution window
   * after it, and how many are still open (unpaid, window not over yet). Null when unavailable.
   */
  urging: UrgingRow[] | null;
  queryMs: number;
}

export interface UrgingRow {
  script: string;
  /** The script's title (催付话术), or its id when it is not one of the built-in scripts. */
  title: string;
  reminded: number;
  paid: number;
  pending: number;
  rate: number | null;
}

const URGE_TITLES = new Map(URGING_SCRIPTS.map((x) => [x.id, x.title]));
/** A reminder script's title, or its id when it is not one of the built-in scripts. */
const scriptTitle = (id: string): string => URGE_TITLES.get(id) ?? id;

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

function settingsDto(s: RollupSettings & { builtWith: string | null }, job: RebuildJob | undefined, failed: string | undefined): KpiSettingsDto {
  const upToDate = s.builtWith === null || s.builtWith === buildKey(s);
  const mine = job && s.builtWith === rebuildingKey(job.token) ? job : undefined;
  return {
    timeZone: s.tz,
    businessHours: s.businessHours,
    attributionWindowHours: s.attributionWindowHours,
    sessionGapHours: s.sessionGapHours,
    creditOn: s.creditOn,
    upToDate,
    rebuild: upToDate
      ? null
      : { running: mine !== undefined, buyers: mine?.buyers ?? 0, total: mine?.total ?? 0, startedAt: mine?.startedAt ?? null, error: mine ? null : (failed ?? null) },
  };
}

/** Dashboard queries (rollups only), drill-down (engine over the buyers behind the period), CSV and settings. */
export class AnalyticsService {
  /** Rebuilds running in this process, per shop. */
  private readonly jobs = new Map<string, RebuildJob>();
  /** The last rebuild failure per shop (cleared by the next start). */
  private readonly failures = new Map<string, string>();
  private readonly stop = { aborted: false };

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log: (err: unknown, shopId: string) => void = () => {},
  ) {}

  async settings(shopId: string): Promise<KpiSettingsDto> {
    return settingsDto(await loadSettings(this.db, shopId), this.jobs.get(shopId), this.failures.get(shopId));
  }

  /**
   * Rebuilds the shop's rollups in the background with its current settings (after a settings change, or when one was
   * left unfinished). The rollups read as not up to date until it ends; a newer one (another change, in any process)
   * supersedes it: the old one stops before its next write. Resolves once it started.
   */
  async rebuild(shopId: string): Promise<KpiSettingsDto> {
    await this.startRebuild(shopId, await loadSettings(this.db, shopId));
    return this.settings(shopId);
  }

  /** Saves `settings` under a new rebuild token (any older rebuild of the shop stops at its next write) and starts it. */
  private async startRebuild(shopId: string, settings: RollupSettings): Promise<void> {
    const token = randomBytes(9).toString('base64url');
    await saveSettings(this.db, shopId, settings, rebuildingKey(token));
    const before = this.jobs.get(shopId);
    this.failures.delete(shopId);
    const job: RebuildJob = { token, buyers: 0, total: 0, startedAt: Date.now(), done: Promise.resolve() };
    job.done = (async () => {
      // One at a time in this process: the superseded one stops at its next write, then this one starts.
      await before?.done;
      if (this.stop.aborted) return;
      const n = await this.db.selectFrom('conversations').select((eb) => eb.fn.countAll().as('n')).where('shop_id', '=', shopId).executeTakeFirst();
      job.total = Number(n?.n ?? 0);
      job.startedAt = Date.now();
      await rebuildShop(this.db, shopId, { token, signal: this.stop, onProgress: (st) => (job.buyers = st.buyers) });
    })().catch((err: unknown) => {
      if (err instanceof RebuildStopped) return;
      this.failures.set(shopId, err instanceof Error ? err.message : String(err));
      this.log(err, shopId);
    }).finally(() => {
      if (this.jobs.get(shopId) === job) this.jobs.delete(shopId);
    });
    this.jobs.set(shopId, job);
  }

  /** Stops the running rebuilds (shutdown): each stops before its next write and stays due. */
  async close(): Promise<void> {
    this.stop.aborted = true;
    await Promise.all([...this.jobs.values()].map((j) => j.done));
  }

  /** Resolves when the shop's rebuild (if one runs in this process) has ended. */
  async rebuilt(shopId: string): Promise<void> {
    for (let j = this.jobs.get(shopId); j; j = this.jobs.get(shopId)) await j.done;
  }

  /**
   * Saves settings; when a setting the rollups depend on changed, starts their rebuild in the background
   * (`rebuilding`; progress in `rebuild`). A change the rollups do not depend on (credit on payment or order: both are
   * kept) applies at once.
   */
  async updateSettings(shopId: string, patch: Partial<Omit<KpiSettingsDto, 'upToDate' | 'rebuild'>>): Promise<KpiSettingsDto & { rebuilding: boolean }> {
    const cur = await loadSettings(this.db, shopId);
    const next: RollupSettings = {
      tz: patch.timeZone ?? cur.tz,
      businessHours: patch.businessHours === undefined ? cur.businessHours : patch.businessHours,
      attributionWindowHours: patch.attributionWindowHours ?? cur.attributionWindowHours,
      sessionGapHours: patch.sessionGapHours ?? cur.sessionGapHours,
      creditOn: patch.creditOn ?? cur.creditOn,
    };
    if (!isValidTimeZone(next.tz)) throw new AppError('request.invalid', `未知时区：${next.tz}`);
    try {
      if (next.businessHours) makeBusinessClock(next.businessHours, makeZone(next.tz));
    } catch (err) {
      throw new AppError('request.invalid', err instanceof Error ? err.message : '营业时间格式不对');
    }
    // What the rollups are (being) built with: a rebuild in progress builds the settings saved when it started.
    const running = cur.builtWith?.startsWith(REBUILDING) ?? false;
    const oldKey = running ? buildKey(cur) : (cur.builtWith ?? buildKey(cur));
    if (buildKey(next) === oldKey) {
      await saveSettings(this.db, shopId, next, cur.builtWith ?? oldKey);
      return { ...(await this.settings(shopId)), rebuilding: running };
    }
    await this.startRebuild(shopId, next);
    return { ...(await this.settings(shopId)), rebuilding: true };
  }

  /** Default period: the last 14 days up to today in the shop zone. */
  async defaultPeriod(shopId: string, now = Date.now()): Promise<{ from: string; to: string }> {
    const s = await loadSettings(this.db, shopId);
    const today = makeZone(s.tz).dayOf(now);
    return { from: formatDay(today - 13), to: formatDay(today) };
  }

  async agentNames(ids: readonly string[]): Promise<Map<string, string>> {
    const real = ids.filter((i) => i !== UNKNOWN_AGENT);
    const rows = real.length ? await this.db.selectFrom('agents').select(['id', 'display_name']).where('id', 'in', real).execute() : [];
    const m = new Map(rows.map((r) => [r.id, r.display_name]));
    m.set(UNKNOWN_AGENT, '未署名');
    return m;
  }

  async dashboard(shopId: string, from: string, to: string): Promise<DashboardDto> {
    const t0 = performance.now();
    const s = await loadSettings(this.db, shopId);
    const range = this.range(from, to, s);
    const [kpis, scenarios, quickReplies, urging] = await Promise.all([
      queryKpis(this.db, shopId, from, to, s),
      queryScenarios(this.db, shopId, from, to, s),
      this.quickReplies(shopId, range.start, range.end, s.attributionWindowHours),
      this.urging(shopId, range.start, range.end, s.attributionWindowHours),
    ]);
    const names = await this.agentNames(kpis.byAgent.map((a) => a.agent));
    return {
      period: kpis.period,
      settings: settingsDto(s, this.jobs.get(shopId), this.failures.get(shopId)),
      kpis: { ...kpis, byAgent: kpis.byAgent.map((a) => ({ ...a, agentName: names.get(a.agent) ?? a.agent })) },
      scenarios,
      quickReplies,
      urging,
      queryMs: Math.round((performance.now() - t0) * 10) / 10,
    };
  }

  /** Today so far, plus who is waiting right now. */
  async live(shopId: string, now = Date.now()): Promise<{ day: string; kpis: RollupReport; waiting: number; longestWaitSec: number | null; open: number }> {
    const s = await loadSettings(this.db, shopId);
    const day = formatDay(makeZone(s.tz).dayOf(now));
    const kpis = await queryKpis(this.db, shopId, day, day, s);
    const w = await this.db
      .selectFrom('conversations')
      .select([sql<number>`count(*)`.as('n'), sql<number | null>`min(waiting_since)`.as('oldest')])
      .where('shop_id', '=', shopId)
      .where('waiting_since', 'is not', null)
      .where('status', '!=', 'closed')
      .executeTakeFirst();
    const open = await this.db
      .selectFrom('conversations')
      .select(sql<number>`count(*)`.as('n'))
      .where('shop_id', '=', shopId)
      .where('status', 'in', ['open', 'waiting', 'assigned'])
      .executeTakeFirst();
    const oldest = w?.oldest === null || w?.oldest === undefined ? null : Number(w.oldest);
    return { day, kpis, waiting: Number(w?.n ?? 0), longestWaitSec: oldest === null ? null : Math.max(0, Math.round((now - oldest) / 1000)), open: Number(open?.n ?? 0) };
  }

  private range(from: string, to: string, s: RollupSettings): { start: number; end: number } {
    let p;
    try {
      p = periodOf(from, to, s);
    } catch (err) {
      throw new AppError('request.invalid', err instanceof Error ? err.message : '日期不对');
    }
    const zone = makeZone(s.tz);
    return { start: zone.dayStartUtc(p.a), end: zone.dayStartUtc(p.b + 1) };
  }

  /**
   * The buyers, turns or orders behind a figure: core `drillDown` over all records of the buyers who have a
   * rollup row in the period (the only buyers any figure of the period can include), so rows match the figures.
   */
  async drill(shopId: string, from: string, to: string, figure: KpiDrillFigure, key: KpiDrillKey) {
    const s = await loadSettings(this.db, shopId);
    const { a, b } = (() => {
      try {
        return periodOf(from, to, s);
      } catch (err) {
        throw new AppError('request.invalid', err instanceof Error ? err.message : '日期不对');
      }
    })();
    const buyers = new Set<string>();
    const days = await this.db.selectFrom('kpi_buyer_days').select('buyer').distinct().where('shop_id', '=', shopId).where('day', '>=', a).where('day', '<=', b).execute();
    for (const r of days) buyers.add(r.buyer);
    const orders = await this.db
      .selectFrom('kpi_orders')
      .select('buyer')
      .distinct()
      .where('shop_id', '=', shopId)
      .where((eb) => eb.or([eb.and([eb('paid_day', '>=', a), eb('paid_day', '<=', b)]), eb.and([eb('created_day', '>=', a), eb('created_day', '<=', b)])]))
      .execute();
    for (const r of orders) buyers.add(r.buyer);
    // Payment reminders of the period, with the buyers of their orders (an order may be older than the period).
    const reminders: Array<{ orderId: string; script: string; at: number }> = [];
    if (figure === 'remindedOrders') {
      const { start, end } = this.range(from, to, s);
      const rows = await this.db
        .selectFrom('urge_reminders as u')
        .innerJoin('orders as o', (j) => j.onRef('o.id', '=', 'u.order_id').onRef('o.shop_id', '=', 'u.shop_id'))
        .select(['u.order_id', 'u.script_id', 'u.sent_at', 'o.buyer_id', 'o.buyer_nick'])
        .where('u.shop_id', '=', shopId)
        .where('u.sent_at', '>=', start)
        .where('u.sent_at', '<', end)
        .execute();
      for (const r of rows) {
        reminders.push({ orderId: r.order_id, script: r.script_id, at: Number(r.sent_at) });
        buyers.add(r.buyer_id ?? `nick:${r.buyer_nick}`);
      }
    }
    const raw = await loadBuyers(this.db, shopId, [...buyers]);
    let result;
    try {
      result = drillDown({ ...kpiInputOf(raw.messages, raw.orders), reminders }, engineSettings(s, from, to), figure, key);
    } catch (err) {
      throw new AppError('request.invalid', err instanceof Error ? err.message : '参数不对');
    }
    const total = result.rows.length;
    const rows = result.rows.slice(0, DRILL_LIMIT) as unknown as Array<Record<string, unknown>>;
    const buyerIds = [...new Set(rows.map((r) => String(r.buyer)).filter((x) => !x.startsWith('nick:')))];
    const nick = new Map<string, string>();
    for (let i = 0; i < buyerIds.length; i += 500) {
      const part = await this.db.selectFrom('buyers').select(['id', 'nickname']).where('id', 'in', buyerIds.slice(i, i + 500)).execute();
      for (const p of part) nick.set(p.id, p.nickname);
    }
    const agentIds = new Set<string>();
    for (const r of rows) {
      for (const k of ['agent', 'firstHumanAgent'] as const) if (typeof r[k] === 'string') agentIds.add(r[k] as string);
      if (Array.isArray(r.agents)) for (const x of r.agents as string[]) agentIds.add(x);
    }
    const names = await this.agentNames([...agentIds]);
    const name = (id: unknown): unknown => (typeof id === 'string' ? (names.get(id) ?? id) : id);
    const out = rows.map((r) => {
      const buyer = String(r.buyer);
      const o: Record<string, unknown> = { ...r, buyerName: buyer.startsWith('nick:') ? buyer.slice(5) : (nick.get(buyer) ?? buyer) };
      if ('agent' in r) o.agentName = name(r.agent);
      if (typeof r.script === 'string') o.scriptTitle = scriptTitle(r.script);
      if ('firstHumanAgent' in r) o.firstHumanAgentName = name(r.firstHumanAgent);
      if (Array.isArray(r.agents)) o.agentNames = (r.agents as string[]).map((x) => name(x));
      return o;
    });
    return { figure, kind: result.kind, total, truncated: total > DRILL_LIMIT, rows: out };
  }

  private async quickReplies(shopId: string, start: number, end: number, windowHours: number): Promise<DashboardDto['quickReplies']> {
    try {
      const w = windowHours * 3_600_000;
      const r = await sql<Record<string, unknown>>`
        SELECT u.reply_id AS reply_id, MAX(q.title) AS title, COUNT(*) AS uses, COUNT(DISTINCT u.buyer_id) AS buyers,
          COUNT(DISTINCT CASE WHEN EXISTS (SELECT 1 FROM orders o WHERE o.shop_id = u.shop_id AND o.buyer_id = u.buyer_id
            AND o.created_at >= u.at AND o.created_at <= u.at + ${w}) THEN u.buyer_id END) AS converted
        FROM reply_usage u LEFT JOIN quick_replies q ON q.id = u.reply_id
        WHERE u.shop_id = ${shopId} AND u.at >= ${start} AND u.at < ${end}
        GROUP BY u.reply_id ORDER BY COUNT(*) DESC LIMIT 20`.execute(this.db);
      return r.rows.map((x) => {
        const buyers = Number(x.buyers);
        const converted = Number(x.converted);
        return { replyId: String(x.reply_id), title: x.title ? String(x.title) : String(x.reply_id), uses: Number(x.uses), buyers, converted, rate: ratio(converted, buyers) };
      });
    } catch {
      return null; // the quick-reply tables are not there on this database
    }
  }

  /**
   * Reminders sent in [start, end) (`urge_reminders`, by the shop-zone days of the period), the engine's way: a reminder
   * of an order already paid is not one; each script counts an order once, from its first reminder in the period; paid
   * within `windowHours` after that reminder is a success. A few rows per unpaid order: read directly, not rolled up.
   */
  async urging(shopId: string, start: number, end: number, windowHours: number, now = Date.now()): Promise<DashboardDto['urging']> {
    const win = windowHours * 3_600_000;
    try {
      const r = await sql<Record<string, unknown>>`SELECT r.script_id AS script_id, COUNT(*) AS reminded,
          SUM(CASE WHEN o.paid_at IS NOT NULL AND o.paid_at - r.first_at <= ${win} THEN 1 ELSE 0 END) AS paid,
          SUM(CASE WHEN o.paid_at IS NULL AND o.status = 'unpaid' AND r.first_at > ${now - win} THEN 1 ELSE 0 END) AS pending
        FROM (SELECT u.script_id AS script_id, u.order_id AS order_id, MIN(u.sent_at) AS first_at
            FROM urge_reminders u JOIN orders p ON p.id = u.order_id AND p.shop_id = u.shop_id
            WHERE u.shop_id = ${shopId} AND u.sent_at >= ${start} AND u.sent_at < ${end} AND (p.paid_at IS NULL OR p.paid_at > u.sent_at)
            GROUP BY u.script_id, u.order_id) r
        JOIN orders o ON o.id = r.order_id
        GROUP BY r.script_id ORDER BY r.script_id`.execute(this.db);
      return r.rows.map((x) => {
        const script = String(x.script_id);
        const reminded = Number(x.reminded);
        const paid = Number(x.paid);
        return { script, title: scriptTitle(script), reminded, paid, pending: Number(x.pending), rate: ratio(paid, reminded) };
      });
    } catch {
      return null;
    }
  }

  /** The dashboard as CSV (UTF-8 with BOM so Excel reads the Chinese): summary, by day, by agent. */
  async csv(shopId: string, from: string, to: string): Promise<string> {
    const d = await this.dashboard(shopId, from, to);
    const k = d.kpis;
    const lines: string[][] = [];
    lines.push(['指标', '数值']);
    const summary: Array<[string, string]> = [
      ['时段', `${from} 至 ${to}（${d.period.tz}）`],
      ['询单人数', String(k.inquirers)],
      ['下单人数', String(k.orderers)],
      ['最终付款人数', String(k.payers)],
      ['咨询转化率', formatRate(k.inquiryConversion)],
      ['付款转化率', formatRate(k.paymentConversion)],
      ['询单到最终付款成功率', formatRate(k.inquiryToPayment)],
      ['静默下单', String(k.silentBuyers)],
      ['回复率', formatRate(k.replyRate)],
      ['首次响应时间', formatDuration(k.firstResponseSec)],
      ['首次人工响应时间', formatDuration(k.firstHumanResponseSec)],
      ['平均响应时间', formatDuration(k.avgResponseSec)],
      ['未回复', String(k.unansweredTurns)],
      ['客服销售额', formatMoney(k.revenue)],
      ['成交用户数', String(k.payingCustomers)],
      ['成交笔数', String(k.paidOrders)],
      ['客单价', formatMoney(k.perCustomerValue)],
      ['笔单价', formatMoney(k.perOrderValue)],
      ['退款率', formatRate(k.refundRate)],
      ['全店销售额', formatMoney(k.shop.revenue)],
    ];
    lines.push(...summary);
    lines.push([]);
    lines.push(['日期', '询单人数', '下单人数', '付款人数', '咨询转化率', '询单到付款', '回复率', '首次响应', '平均响应', '未回复', '客服销售额', '成交笔数', '静默下单']);
    for (const x of k.byDay) {
      lines.push([x.day, String(x.inquirers), String(x.orderers), String(x.payers), formatRate(x.inquiryConversion), formatRate(x.inquiryToPayment), formatRate(x.replyRate),
        formatDuration(x.firstResponseSec), formatDuration(x.avgResponseSec), String(x.unansweredTurns), formatMoney(x.revenue), String(x.paidOrders), String(x.silentBuyers)]);
    }
    lines.push([]);
    lines.push(['客服', '询单人数', '下单人数', '付款人数', '询单到付款', '客服销售额', '成交笔数', '客单价', '平均响应', '首次响应', '退款率']);
    for (const x of k.byAgent) {
      lines.push([x.agentName, String(x.inquirers), String(x.orderers), String(x.payers), formatRate(x.inquiryToPayment), formatMoney(x.revenue), String(x.paidOrders),
        formatMoney(x.perCustomerValue), formatDuration(x.avgResponseSec), formatDuration(x.firstResponseSec), formatRate(x.refundRate)]);
    }
    if (d.urging && d.urging.length > 0) {
      lines.push([]);
      lines.push(['催付话术', '催付订单', '催后付款', '待定', '催付成功率']);
      for (const x of d.urging) lines.push([x.title, String(x.reminded), String(x.paid), String(x.pending), formatRate(x.rate)]);
    }
    return toCsv(lines);
  }

  /** A drill-down as CSV. */
  async drillCsv(shopId: string, from: string, to: string, figure: KpiDrillFigure, key: KpiDrillKey): Promise<string> {
    const d = await this.drill(shopId, from, to, figure, key);
    const lines: string[][] = [];
    if (d.kind === 'buyers') {
      lines.push(['买家', '首次咨询', '日期', '订单', '已付款订单', '接待客服']);
      for (const r of d.rows) lines.push([String(r.buyerName), String(r.firstInquiryAt ?? ''), String(r.day ?? ''), (r.orderIds as string[]).join(' '), (r.paidOrderIds as string[]).join(' '), ((r.agentNames as string[]) ?? []).join(' ')]);
    } else if (d.kind === 'turns') {
      lines.push(['买家', '日期', '开始', '买家消息数', '回复时间', '响应秒数', '客服']);
      for (const r of d.rows) lines.push([String(r.buyerName), String(r.day), String(r.startAt), String(r.buyerMessages), String(r.responseAt ?? ''), r.responseSec === null ? '' : String(r.responseSec), String(r.agentName ?? '')]);
    } else if (figure === 'remindedOrders') {
      lines.push(['订单', '买家', '金额', '下单时间', '催付话术', '催付时间', '付款时间', '催后付款']);
      for (const r of d.rows) {
        lines.push([String(r.id), String(r.buyerName), formatMoney(Number(r.amount)), String(r.createdAt), String(r.scriptTitle), String(r.remindedAt), String(r.paidAt ?? ''), r.paidAfterReminder ? '是' : '否']);
      }
    } else {
      lines.push(['订单', '买家', '金额', '下单时间', '付款时间', '归属客服', '退款', '静默']);
      for (const r of d.rows) lines.push([String(r.id), String(r.buyerName), formatMoney(Number(r.amount)), String(r.createdAt), String(r.paidAt ?? ''), String(r.agentName ?? ''), r.refunded ? '是' : '否', r.silent ? '是' : '否']);
    }
    return toCsv(lines);
  }
}

/** RFC 4180 CSV with CRLF and a UTF-8 BOM; cells starting with = + - @ are quoted with a leading ' (no formula injection). */
export function toCsv(lines: readonly (readonly string[])[]): string {
  const cell = (v: string): string => {
    const safe = /^[=+\-@]/.test(v) && !/^-?\d/.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return '\uFEFF' + lines.map((l) => l.map(cell).join(',')).join('\r\n') + '\r\n';
}
