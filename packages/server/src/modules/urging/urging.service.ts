import {
  DEFAULT_STEP_SCRIPTS,
  URGING_SCRIPTS,
  chooseScript,
  createReminderPlan,
  createScriptStats,
  markSent,
  mulberry32,
  nextDueAt,
  onOrderEvent,
  scriptReport,
  settleOutcomes,
  takeDue,
  usedScripts,
  type ReminderOutcome,
  type ReminderPlan,
  type ScriptReportRow,
  type ScriptStats,
} from '@kefu/core';
import { type Kysely, type Transaction, sql } from 'kysely';
import type { EventBus } from '../../events/bus.js';
import { notFound } from '../../http/errors.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import { newId } from '../../storage/ids.js';
import type { Database } from '../../storage/schema.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import { rowToOrder, type OrderRow } from '../orders/orders.presenter.js';
import type { OrderHook, OrdersService } from '../orders/orders.service.js';
import { isMobile, type SmsProvider } from './sms.js';
import type { CommerceSettingsRepository, ShopUrgingSettings } from './urging.settings.js';

type Db = Kysely<Database> | Transaction<Database>;
type JobInput = { id: string; shopId: string; payload: { orderId?: string; step?: number; outboxId?: string } };

export const URGE_JOB = 'urge.remind';
export const URGE_SETTLE_JOB = 'urge.settle';
export const SMS_JOB = 'sms.send';
export const AUTOCLOSE_JOB = 'order.autoclose';
/** Emitted after a reminder went out: `{ orderId, buyerId, step, scriptId, channels }`. */
export const URGE_SENT_EVENT = 'urging.sent';

/** Sources whose unpaid orders Kefu closes itself at the close time (a platform closes its own). */
const SELF_CLOSING = new Set(['api', 'storefront', 'demo']);

export const urgeKey = (orderId: string, step?: number | string) => `urge:${orderId}:${step ?? ''}`;

/** FNV-1a: a stable 32-bit seed from the job id, so a re-run picks the same script. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function localTime(ms: number, tz: string): string {
  const parts = new Intl.DateTimeFormat('zh-CN', { timeZone: tz, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('month')}月${get('day')}日 ${get('hour')}:${get('minute')}`;
}

/** Fills `{变量}` placeholders; unknown ones are left out. */
export function fillTemplate(text: string, vars: Record<string, string>): string {
  return text.replace(/\{([^{}]+)\}/g, (_m, k: string) => vars[k] ?? '');
}

export interface PlanRecord {
  plan: ReminderPlan;
  version: number;
}

/** An order's urging state for the buyer panel. */
export interface OrderUrgingDto {
  orderId: string;
  status: ReminderPlan['status'] | 'none';
  nextDueAt: number | null;
  reminders: Array<ReminderPlan['reminders'][number] & { scriptTitle: string | null }>;
  sms: Array<{ id: string; phone: string; status: string; provider: string; createdAt: number; sentAt: number | null }>;
}

export interface ScriptRowDto extends ScriptReportRow {
  title: string;
  text: string;
}

/**
 * Payment urging (催付): an unpaid order gets a reminder plan and durable timers; each timer sends the
 * due reminder once (plan compare-and-set + idempotent message and outbox keys), picks the script with
 * Thompson sampling, and payment or close cancels the rest.
 */
export class UrgingService {
  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      scheduler: Scheduler;
      events: EventBus;
      settings: CommerceSettingsRepository;
      orders: OrdersService;
      chat: () => ConversationsService | null;
      sms: SmsProvider;
      now: () => number;
    },
  ) {}

  /** Registers the job handlers on a scheduler (each process registers its own). */
  registerJobs(scheduler: Scheduler): void {
    scheduler.register(URGE_JOB, (job, trx) => this.remind(job, trx));
    scheduler.register(URGE_SETTLE_JOB, (job, trx) => this.settle(job, trx));
    scheduler.register(SMS_JOB, (job, trx) => this.sendSms(job, trx));
    scheduler.register(AUTOCLOSE_JOB, (job, trx) => this.autoClose(job, trx));
  }

  /** The order hook: a new unpaid order starts a plan; payment or close ends it and cancels its timers. */
  readonly hook: OrderHook = async (trx, c) => {
    const types = new Set(c.events.map((e) => e.type));
    if (types.has('order.created') && c.order.status === 'unpaid') await this.startPlan(trx, c.shopId, c.row, c.now);
    for (const e of c.events) {
      if (e.type === 'order.paid' || e.type === 'order.closed') await this.endPlan(trx, c.shopId, c.row.id, e.type, e.at, c.now);
    }
  };

  async startPlan(trx: Transaction<Database>, shopId: string, row: OrderRow, now: number): Promise<ReminderPlan | null> {
    const s = (await this.deps.settings.get(shopId, trx)).urging;
    const order = rowToOrder(row);
    if (SELF_CLOSING.has(row.source)) {
      await this.deps.scheduler.schedule({ shopId, kind: AUTOCLOSE_JOB, dedupeKey: `order-close:${row.id}`, runAt: Date.parse(order.closesAt), payload: { orderId: row.id } }, trx);
    }
    if (!s.enabled) return null;
    const plan = createReminderPlan({ id: row.id, createdAt: order.createdAt, closesAt: order.closesAt }, s, now);
    const next = nextDueAt(plan);
    const res = await trx
      .insertInto('urge_plans')
      .values({ order_id: row.id, shop_id: shopId, plan: JSON.stringify(plan), status: plan.status, next_due_at: next ? Date.parse(next) : null, version: 0, updated_at: now })
      .onConflict((oc) => oc.column('order_id').doNothing())
      .executeTakeFirst();
    if (Number(res.numInsertedOrUpdatedRows ?? 0) === 0) return null;
    for (const r of plan.reminders) {
      await this.deps.scheduler.schedule({ shopId, kind: URGE_JOB, dedupeKey: urgeKey(row.id, r.step), runAt: Date.parse(r.dueAt), payload: { orderId: row.id, step: r.step } }, trx);
    }
    if (plan.reminders.length) {
      await this.deps.scheduler.schedule({ shopId, kind: URGE_SETTLE_JOB, dedupeKey: urgeKey(row.id, 'settle'), runAt: Date.parse(plan.closesAt), payload: { orderId: row.id } }, trx);
    }
    return plan;
  }

  /** Payment or close: cancels pending reminders at once, settles sent ones, cancels the timers. */
  async endPlan(trx: Transaction<Database>, shopId: string, orderId: string, type: 'order.paid' | 'order.closed', at: string, now: number): Promise<void> {
    // A reminder job committing at the same moment bumps the version; re-read and apply again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const rec = await this.loadPlan(trx, orderId);
      if (!rec) return;
      const ended = onOrderEvent(rec.plan, { type, at });
      const settled = settleOutcomes(ended, now);
      if (settled.plan === rec.plan) break;
      if (!(await this.savePlan(trx, shopId, rec, settled.plan, now))) continue;
      await this.recordOutcomes(trx, shopId, settled.outcomes);
      break;
    }
    await this.cancelTimers(trx, shopId, orderId, type === 'order.paid' ? 'paid' : 'closed', now);
  }

  /**
   * Cancels every pending timer of an order's plan. Not `scheduler.cancelByPrefix`: it strips `_` from the
   * prefix (LIKE wildcard), so `urge:ord_…` would match nothing; an exact prefix comparison is used instead.
   */
  async cancelTimers(db: Db, shopId: string, orderId: string, reason: string, now: number): Promise<number> {
    const prefix = urgeKey(orderId);
    const res = await db
      .updateTable('scheduled_jobs')
      .set({ status: 'cancelled', result: JSON.stringify({ reason }), finished_at: now })
      .where('shop_id', '=', shopId)
      .where(sql<boolean>`substr(dedupe_key, 1, ${prefix.length}) = ${prefix}`)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(res.numUpdatedRows ?? 0);
  }

  /** The timers of an order's plan (tests, support). */
  timers(shopId: string, orderId: string) {
    const prefix = urgeKey(orderId);
    return this.deps.db
      .selectFrom('scheduled_jobs')
      .select(['dedupe_key', 'kind', 'status', 'run_at'])
      .where('shop_id', '=', shopId)
      .where(sql<boolean>`substr(dedupe_key, 1, ${prefix.length}) = ${prefix}`)
      .orderBy('run_at')
      .execute();
  }

  async loadPlan(db: Db, orderId: string): Promise<PlanRecord | null> {
    const r = await db.selectFrom('urge_plans').select(['plan', 'version']).where('order_id', '=', orderId).executeTakeFirst();
    return r ? { plan: JSON.parse(r.plan) as ReminderPlan, version: Number(r.version) } : null;
  }

  /** Compare-and-set on the version read; false when someone else wrote first. */
  private async savePlan(trx: Transaction<Database>, shopId: string, rec: PlanRecord, plan: ReminderPlan, now: number): Promise<boolean> {
    const next = nextDueAt(plan);
    const res = await trx
      .updateTable('urge_plans')
      .set({ plan: JSON.stringify(plan), status: plan.status, next_due_at: next ? Date.parse(next) : null, version: rec.version + 1, updated_at: now })
      .where('order_id', '=', plan.orderId)
      .where('shop_id', '=', shopId)
      .where('version', '=', rec.version)
      .executeTakeFirst();
    return Number(res.numUpdatedRows ?? 0) === 1;
  }

  async loadStats(db: Db, shopId: string): Promise<ScriptStats> {
    const rows = await db.selectFrom('urge_script_stats').selectAll().where('shop_id', '=', shopId).execute();
    const ids = [...new Set([...URGING_SCRIPTS.map((s) => s.id), ...rows.map((r) => r.script_id)])];
    const stats = createScriptStats(ids);
    for (const r of rows) {
      const c = { sent: Number(r.sent), outcomes: Number(r.outcomes), paid: Number(r.paid) };
      const total = stats.total[r.script_id] ?? { sent: 0, outcomes: 0, paid: 0 };
      stats.total[r.script_id] = { sent: total.sent + c.sent, outcomes: total.outcomes + c.outcomes, paid: total.paid + c.paid };
      const key = String(r.step);
      stats.byStep[key] = { ...(stats.byStep[key] ?? {}), [r.script_id]: c };
    }
    return stats;
  }

  private async bumpStats(trx: Transaction<Database>, shopId: string, scriptId: string, step: number, d: { sent: number; outcomes: number; paid: number }): Promise<void> {
    await trx
      .insertInto('urge_script_stats')
      .values({ shop_id: shopId, script_id: scriptId, step, sent: 0, outcomes: 0, paid: 0 })
      .onConflict((oc) => oc.columns(['shop_id', 'script_id', 'step']).doNothing())
      .execute();
    await trx
      .updateTable('urge_script_stats')
      .set((eb) => ({ sent: eb('sent', '+', d.sent), outcomes: eb('outcomes', '+', d.outcomes), paid: eb('paid', '+', d.paid) }))
      .where('shop_id', '=', shopId)
      .where('script_id', '=', scriptId)
      .where('step', '=', step)
      .execute();
  }

  private async recordOutcomes(trx: Transaction<Database>, shopId: string, outcomes: ReminderOutcome[]): Promise<void> {
    for (const o of outcomes) await this.bumpStats(trx, shopId, o.scriptId, o.step, { sent: 0, outcomes: 1, paid: o.paidWithin72h ? 1 : 0 });
  }

  /** The reminder timer: sends the due reminder once, or moves it out of quiet hours, or ends an expired plan. */
  async remind(job: JobInput, trx: Transaction<Database>): Promise<void | { result?: unknown; cancel?: string }> {
    const orderId = job.payload.orderId ?? '';
    const now = this.deps.now();
    const rec = await this.loadPlan(trx, orderId);
    if (!rec) return { cancel: 'no plan' };
    const row = await trx.selectFrom('orders').selectAll().where('id', '=', orderId).where('shop_id', '=', job.shopId).executeTakeFirst();
    if (!row || row.status !== 'unpaid') return { cancel: 'order not unpaid' };
    const settings = await this.deps.settings.get(job.shopId, trx);
    const s = settings.urging;
    const { plan: taken, due } = takeDue(rec.plan, now, s);
    if (!due) {
      if (taken === rec.plan) return { cancel: 'nothing due' };
      if (!(await this.savePlan(trx, job.shopId, rec, taken, now))) return { cancel: 'plan changed' };
      if (taken.status === 'expired') {
        const settled = settleOutcomes(taken, now);
        if (settled.outcomes.length && (await this.savePlan(trx, job.shopId, { plan: taken, version: rec.version + 1 }, settled.plan, now))) {
          await this.recordOutcomes(trx, job.shopId, settled.outcomes);
        }
        return { cancel: 'expired' };
      }
      // Held up overnight: the reminder moved to the morning; a new timer for the new time.
      for (const r of taken.reminders) {
        const before = rec.plan.reminders.find((x) => x.step === r.step);
        if (r.status === 'pending' && before && before.dueAt !== r.dueAt) {
          const at = Date.parse(r.dueAt);
          await this.deps.scheduler.schedule({ shopId: job.shopId, kind: URGE_JOB, dedupeKey: `${urgeKey(orderId, r.step)}@${at}`, runAt: at, payload: { orderId, step: r.step } }, trx);
        }
      }
      return { cancel: 'moved out of quiet hours' };
    }
    const stats = await this.loadStats(trx, job.shopId);
    const candidates = DEFAULT_STEP_SCRIPTS[due.step] ?? stats.scriptIds;
    const scriptId = chooseScript(stats, mulberry32(seedOf(job.id)), { step: due.step, candidates, exclude: usedScripts(taken) });
    const sent = markSent(taken, due.step, scriptId, now);
    if (!(await this.savePlan(trx, job.shopId, rec, sent, now))) return { cancel: 'plan changed' };
    await this.bumpStats(trx, job.shopId, scriptId, due.step, { sent: 1, outcomes: 0, paid: 0 });
    await trx
      .insertInto('urge_reminders')
      .values({ order_id: orderId, step: due.step, shop_id: job.shopId, script_id: scriptId, sent_at: now })
      .onConflict((oc) => oc.columns(['order_id', 'step']).doNothing())
      .execute();

    const order = rowToOrder(row);
    const shop = await trx.selectFrom('shops').select(['name']).where('id', '=', job.shopId).executeTakeFirst();
    const script = URGING_SCRIPTS.find((x) => x.id === scriptId);
    const vars: Record<string, string> = {
      买家称呼: row.buyer_nick,
      商品: order.items[0]?.title ?? '宝贝',
      店铺: shop?.name ?? '',
      截止时间: scriptId === 'urge_4' ? s.dispatchCutoff : localTime(Date.parse(order.closesAt), s.tz),
    };
    const text = fillTemplate(script?.text ?? '亲，您拍下的宝贝还没有付款哦，喜欢的话记得尽快付款～', vars);
    const channels: string[] = [];
    const after: Array<() => void> = [];
    const chat = this.deps.chat();
    if (s.channels.includes('chat') && chat && row.buyer_id) {
      const posted = await chat.postSystemMessage(trx, job.shopId, row.buyer_id, text, { clientId: `urge_${orderId}_${due.step}`.slice(0, 64) });
      after.push(posted.emit);
      channels.push('chat');
    }
    if (s.channels.includes('sms')) {
      const profile = row.buyer_id ? await trx.selectFrom('buyer_profiles').select(['phone']).where('buyer_id', '=', row.buyer_id).executeTakeFirst() : undefined;
      const phone = order.address?.phone ?? profile?.phone ?? null;
      if (phone && isMobile(phone)) {
        const outboxId = newId('sms', now);
        const smsText = `【${s.smsSign ?? shop?.name ?? '店铺'}】${text} 回T退订`;
        const ins = await trx
          .insertInto('sms_outbox')
          .values({ id: outboxId, shop_id: job.shopId, order_id: orderId, phone, text: smsText, status: 'pending', provider: this.deps.sms.name, error: null, idempotency_key: urgeKey(orderId, due.step), created_at: now, sent_at: null })
          .onConflict((oc) => oc.columns(['shop_id', 'idempotency_key']).doNothing())
          .executeTakeFirst();
        if (Number(ins.numInsertedOrUpdatedRows ?? 0) > 0) {
          await this.deps.scheduler.schedule({ shopId: job.shopId, kind: SMS_JOB, dedupeKey: `sms:${outboxId}`, runAt: now, payload: { outboxId } }, trx);
        }
        channels.push('sms');
      }
    }
    const payload = { orderId, buyerId: row.buyer_id, step: due.step, scriptId, channels };
    // Pushed once the job's transaction has committed (the scheduler commits right after the handler returns).
    setImmediate(() => {
      for (const fn of after) fn();
      this.deps.events.emit(URGE_SENT_EVENT, job.shopId, payload);
    });
    return { result: payload };
  }

  /** At the close time: an active plan expires and its sent reminders settle as unpaid. */
  async settle(job: JobInput, trx: Transaction<Database>): Promise<void | { cancel?: string }> {
    const orderId = job.payload.orderId ?? '';
    const now = this.deps.now();
    const rec = await this.loadPlan(trx, orderId);
    if (!rec) return { cancel: 'no plan' };
    const s = (await this.deps.settings.get(job.shopId, trx)).urging;
    const expired = takeDue(rec.plan, now, s).plan;
    const settled = settleOutcomes(expired, now);
    if (settled.plan === rec.plan) return { cancel: 'nothing to settle' };
    if (!(await this.savePlan(trx, job.shopId, rec, settled.plan, now))) return { cancel: 'plan changed' };
    await this.recordOutcomes(trx, job.shopId, settled.outcomes);
  }

  private async sendSms(job: JobInput, trx: Transaction<Database>): Promise<void | { result?: unknown; cancel?: string }> {
    const row = await trx.selectFrom('sms_outbox').selectAll().where('id', '=', job.payload.outboxId ?? '').where('shop_id', '=', job.shopId).executeTakeFirst();
    if (!row || row.status !== 'pending') return { cancel: 'not pending' };
    const res = await this.deps.sms.send(row.phone, row.text, row.idempotency_key);
    await trx.updateTable('sms_outbox').set({ status: res.status, provider: this.deps.sms.name, sent_at: this.deps.now() }).where('id', '=', row.id).execute();
    return { result: res };
  }

  private async autoClose(job: JobInput, trx: Transaction<Database>): Promise<void | { cancel?: string }> {
    const row = await trx.selectFrom('orders').selectAll().where('id', '=', job.payload.orderId ?? '').where('shop_id', '=', job.shopId).executeTakeFirst();
    if (!row || row.status !== 'unpaid') return { cancel: 'not unpaid' };
    if (this.deps.now() < Number(row.closes_at ?? 0)) return { cancel: 'close time moved' };
    const after: Array<() => void> = [];
    await this.deps.orders.applyIn(trx, job.shopId, row, [{ type: 'close', reason: 'timeout' }], { source: row.source as 'api', actor: 'system' }, after);
    setImmediate(() => after.forEach((fn) => fn()));
  }

  /** Per script: sends, settled outcomes, payments, rate and 95 % Wilson interval (best first). */
  async scripts(shopId: string, step?: number): Promise<ScriptRowDto[]> {
    const stats = await this.loadStats(this.deps.db, shopId);
    return scriptReport(stats, step === undefined ? {} : { step }).map((r) => {
      const s = URGING_SCRIPTS.find((x) => x.id === r.scriptId);
      return { ...r, title: s?.title ?? r.scriptId, text: s?.text ?? '' };
    });
  }

  async orderUrging(shopId: string, orderId: string): Promise<OrderUrgingDto> {
    const order = await this.deps.db.selectFrom('orders').select(['id']).where('shop_id', '=', shopId).where((eb) => eb.or([eb('id', '=', orderId), eb('external_id', '=', orderId)])).executeTakeFirst();
    if (!order) throw notFound('订单');
    const rec = await this.loadPlan(this.deps.db, order.id);
    const sms = await this.deps.db.selectFrom('sms_outbox').selectAll().where('shop_id', '=', shopId).where('order_id', '=', order.id).orderBy('created_at').execute();
    const next = rec ? nextDueAt(rec.plan) : null;
    return {
      orderId: order.id,
      status: rec?.plan.status ?? 'none',
      nextDueAt: next ? Date.parse(next) : null,
      reminders: (rec?.plan.reminders ?? []).map((r) => ({ ...r, scriptTitle: r.scriptId ? (URGING_SCRIPTS.find((s) => s.id === r.scriptId)?.title ?? r.scriptId) : null })),
      sms: sms.map((m) => ({ id: m.id, phone: m.phone, status: m.status, provider: m.provider, createdAt: Number(m.created_at), sentAt: m.sent_at == null ? null : Number(m.sent_at) })),
    };
  }

  /** Next reminder time and status of several orders at once (buyer panel, order list). */
  async summaries(shopId: string, orderIds: string[]): Promise<Map<string, { status: string; nextDueAt: number | null; sent: number }>> {
    const out = new Map<string, { status: string; nextDueAt: number | null; sent: number }>();
    if (!orderIds.length) return out;
    const rows = await this.deps.db.selectFrom('urge_plans').select(['order_id', 'plan', 'status', 'next_due_at']).where('shop_id', '=', shopId).where('order_id', 'in', orderIds).execute();
    for (const r of rows) {
      const plan = JSON.parse(r.plan) as ReminderPlan;
      out.set(r.order_id, { status: r.status, nextDueAt: r.next_due_at == null ? null : Number(r.next_due_at), sent: plan.reminders.filter((x) => x.status === 'sent').length });
    }
    return out;
  }

  settingsOf(shopId: string): Promise<ShopUrgingSettings> {
    return this.deps.settings.get(shopId).then((s) => s.urging);
  }
}
