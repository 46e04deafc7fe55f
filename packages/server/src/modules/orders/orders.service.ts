import {
  DomainError,
  ORDER_STATUSES,
  transition,
  type Address,
  type Order,
  type OrderDomainEvent,
  type OrderEvent,
  type OrderItem,
  type OrderStatus,
} from '@kefu/core';
import { type Kysely, type Transaction, sql } from 'kysely';
import type { EventBus } from '../../events/bus.js';
import { AppError, notFound } from '../../http/errors.js';
import { newId } from '../../storage/ids.js';
import type { Database } from '../../storage/schema.js';
import type { OrderBusEvent } from './orders.events.js';
import { orderColumns, presentOrder, rowToOrder, type OrderRow } from './orders.presenter.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Work a hook queues to run after the order transaction committed (bus events, socket pushes). */
export type AfterCommit = Array<() => void>;

/** Runs inside the order's transaction after a change (urging plans, auto-close timers); its writes commit with the order. */
export type OrderHook = (
  trx: Transaction<Database>,
  change: { shopId: string; row: OrderRow; order: Order; events: OrderDomainEvent[]; now: number; after: AfterCommit },
) => Promise<void>;

export const ORDER_SOURCES = ['api', 'webhook', 'import', 'storefront', 'demo'] as const;
export type OrderSource = (typeof ORDER_SOURCES)[number];

/** Who the order belongs to: an existing buyer id, the shop's own buyer id, or the platform nick (会员名). */
export interface BuyerRef {
  buyerId?: string | undefined;
  buyerExternalId?: string | undefined;
  buyerNick?: string | undefined;
}

/** A full order snapshot from an API call, webhook or import row; `status` is where it is now. */
export interface OrderSnapshot extends BuyerRef {
  externalId?: string | undefined;
  items: OrderItem[];
  amount?: number | undefined;
  address?: Address | undefined;
  createdAt?: string | undefined;
  closesAt?: string | undefined;
  status?: OrderStatus | undefined;
  paidAt?: string | null | undefined;
  paidAmount?: number | undefined;
  refundAmount?: number | null | undefined;
  courier?: string | undefined;
  trackingNo?: string | undefined;
}

export interface WriteMeta {
  source: OrderSource;
  actor?: string | null;
  /** Webhook delivery id or import row key: the same key twice changes nothing. */
  idempotencyKey?: string | null;
}

export interface WriteResult {
  row: OrderRow;
  created: boolean;
  changed: boolean;
  duplicate: boolean;
  events: OrderDomainEvent[];
}

const CHAIN: readonly OrderStatus[] = ['unpaid', 'paid', 'shipped', 'delivered', 'completed'];

/**
 * The commands that move an order from its state to a reported one (imports and webhooks report states,
 * not commands). Backwards moves throw `order.invalid_transition`.
 */
export function pathTo(order: Order, target: OrderStatus, facts: Omit<OrderSnapshot, 'items'>, now: number): OrderEvent[] {
  if (order.status === target) return [];
  const out: OrderEvent[] = [];
  const paidAt = facts.paidAt ?? undefined;
  if (target === 'closed') {
    if (order.status === 'unpaid' && !paidAt) {
      // Before the automatic close time it was cancelled; the reported state is a fact either way.
      return [{ type: 'close', reason: now >= Date.parse(order.closesAt) ? 'timeout' : 'buyer_cancelled' }];
    }
    if (order.status === 'unpaid') out.push({ type: 'pay', at: paidAt, ...(facts.paidAmount !== undefined ? { paidAmount: facts.paidAmount } : {}) });
    const paid = facts.paidAmount ?? order.paidAmount ?? order.amount;
    const amount = facts.refundAmount && facts.refundAmount > 0 ? Math.min(facts.refundAmount, paid) : paid;
    if (amount <= 0) throw new DomainError('order.invalid_transition', '已付款的订单关闭需要退款金额', { from: order.status, to: target });
    if (order.refund !== 'requested' && order.refund !== 'refunding') out.push({ type: 'refund_request', amount });
    out.push({ type: 'refund_done', amount });
    return out;
  }
  const from = CHAIN.indexOf(order.status);
  const to = CHAIN.indexOf(target);
  if (from < 0 || to <= from) {
    const zh = (s: string) => ORDER_STATUSES.find((x) => x.id === s)?.zh ?? s;
    throw new DomainError('order.invalid_transition', `订单状态不能从“${zh(order.status)}”变为“${zh(target)}”`, { from: order.status, to: target });
  }
  for (let i = from + 1; i <= to; i++) {
    const s = CHAIN[i];
    if (s === 'paid') out.push({ type: 'pay', ...(paidAt ? { at: paidAt } : {}), ...(facts.paidAmount !== undefined ? { paidAmount: facts.paidAmount } : {}) });
    if (s === 'shipped') out.push({ type: 'ship', ...(facts.courier ? { courier: facts.courier } : {}), ...(facts.trackingNo ? { trackingNo: facts.trackingNo } : {}) });
    // 交易成功 straight from 已发货: the export does not say when it was delivered.
    if (s === 'delivered' && target === 'delivered') out.push({ type: 'deliver' });
    if (s === 'completed') out.push({ type: 'complete' });
  }
  return out;
}

export interface ListOrdersQuery {
  status?: OrderStatus | undefined;
  buyerId?: string | undefined;
  search?: string | undefined;
  limit: number;
  offset: number;
}

/** Orders: create, apply state changes (with the core state machine), upsert snapshots from webhooks and imports. */
export class OrdersService {
  readonly hooks: OrderHook[] = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: EventBus,
    private readonly now: () => number = Date.now,
  ) {}

  async list(shopId: string, q: ListOrdersQuery): Promise<{ rows: OrderRow[]; total: number }> {
    let base = this.db.selectFrom('orders').where('shop_id', '=', shopId);
    if (q.status) base = base.where('status', '=', q.status);
    if (q.buyerId) base = base.where('buyer_id', '=', q.buyerId);
    if (q.search) {
      const s = `%${q.search.replace(/[%_\\]/g, '')}%`;
      base = base.where((eb) => eb.or([eb('external_id', 'like', s), eb('buyer_nick', 'like', s), eb('items', 'like', s)]));
    }
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute();
    return { rows, total: Number(total.n) };
  }

  async get(shopId: string, id: string, db: Db = this.db): Promise<OrderRow> {
    const row = await db.selectFrom('orders').selectAll().where('shop_id', '=', shopId).where((eb) => eb.or([eb('id', '=', id), eb('external_id', '=', id)])).executeTakeFirst();
    if (!row) throw notFound('订单');
    return row;
  }

  findByExternal(shopId: string, externalId: string, db: Db = this.db): Promise<OrderRow | undefined> {
    return db.selectFrom('orders').selectAll().where('shop_id', '=', shopId).where('external_id', '=', externalId).executeTakeFirst();
  }

  async history(shopId: string, orderId: string): Promise<Array<{ type: string; data: unknown; actor: string | null; at: number }>> {
    const rows = await this.db.selectFrom('order_events').select(['type', 'data', 'actor', 'at']).where('shop_id', '=', shopId).where('order_id', '=', orderId).orderBy('at').orderBy('id').execute();
    return rows.map((r) => ({ type: r.type, data: JSON.parse(r.data) as unknown, actor: r.actor, at: Number(r.at) }));
  }

  /** Finds or creates the buyer of an order (by id, the shop's own id, or the platform nick). */
  async resolveBuyer(trx: Db, shopId: string, ref: BuyerRef): Promise<{ id: string; nickname: string } | null> {
    if (ref.buyerId) {
      const b = await trx.selectFrom('buyers').select(['id', 'nickname']).where('shop_id', '=', shopId).where('id', '=', ref.buyerId).executeTakeFirst();
      if (!b) throw new AppError('request.invalid', '找不到该买家', { field: 'buyerId' });
      return b;
    }
    const t = this.now();
    if (ref.buyerExternalId) {
      const found = await trx.selectFrom('buyers').select(['id', 'nickname']).where('shop_id', '=', shopId).where('external_id', '=', ref.buyerExternalId).executeTakeFirst();
      if (found) return found;
      const row = { id: newId('buyer', t), shop_id: shopId, anon_id: null, external_id: ref.buyerExternalId, nickname: ref.buyerNick ?? ref.buyerExternalId, created_at: t, last_seen_at: t, last_agent_id: null };
      await trx.insertInto('buyers').values(row).onConflict((oc) => oc.columns(['shop_id', 'external_id']).doNothing()).execute();
      return (await trx.selectFrom('buyers').select(['id', 'nickname']).where('shop_id', '=', shopId).where('external_id', '=', ref.buyerExternalId).executeTakeFirst()) ?? null;
    }
    if (!ref.buyerNick) return null;
    const byNick = await trx.selectFrom('buyers').select(['id', 'nickname']).where('shop_id', '=', shopId).where('nickname', '=', ref.buyerNick).orderBy('created_at').limit(1).executeTakeFirst();
    if (byNick) return byNick;
    const row = { id: newId('buyer', t), shop_id: shopId, anon_id: null, external_id: null, nickname: ref.buyerNick, created_at: t, last_seen_at: t, last_agent_id: null };
    await trx.insertInto('buyers').values(row).execute();
    return { id: row.id, nickname: row.nickname };
  }

  /** Creates an order (409 when the external id exists). */
  async create(shopId: string, snap: OrderSnapshot, meta: WriteMeta): Promise<WriteResult> {
    return this.write(shopId, meta, async (trx, after) => {
      if (snap.externalId && (await this.findByExternal(shopId, snap.externalId, trx))) {
        throw new AppError('resource.conflict', `订单编号已存在：${snap.externalId}`);
      }
      return this.upsertIn(trx, shopId, snap, meta, after);
    });
  }

  /** Creates the order or moves the existing one (same external id) to the reported state. */
  async upsert(shopId: string, snap: OrderSnapshot, meta: WriteMeta): Promise<WriteResult> {
    return this.write(shopId, meta, (trx, after) => this.upsertIn(trx, shopId, snap, meta, after));
  }

  /** Applies one command (pay, ship, note, change_address …) to an order. */
  async apply(shopId: string, orderId: string, event: OrderEvent, meta: WriteMeta): Promise<WriteResult> {
    return this.write(shopId, meta, async (trx, after) => {
      const row = await this.get(shopId, orderId, trx);
      return this.applyIn(trx, shopId, row, [event], meta, after);
    });
  }

  /** Runs a write in a transaction; an idempotency key seen before returns the order unchanged. */
  async write(shopId: string, meta: WriteMeta, fn: (trx: Transaction<Database>, after: AfterCommit) => Promise<WriteResult>): Promise<WriteResult> {
    const after: AfterCommit = [];
    const dup = meta.idempotencyKey ? await this.seen(this.db, shopId, meta.idempotencyKey) : null;
    if (dup) return dup;
    let result: WriteResult;
    try {
      result = await this.db.transaction().execute((trx) => fn(trx, after));
    } catch (err) {
      // Two deliveries of the same key at once: the unique index lets one win; the other is a replay.
      if (meta.idempotencyKey && !(err instanceof AppError) && !(err instanceof DomainError)) {
        const again = await this.seen(this.db, shopId, meta.idempotencyKey);
        if (again) return again;
      }
      throw err;
    }
    for (const fnAfter of after) fnAfter();
    return result;
  }

  private async seen(db: Db, shopId: string, key: string): Promise<WriteResult | null> {
    const ev = await db.selectFrom('order_events').select(['order_id']).where('shop_id', '=', shopId).where('idempotency_key', '=', key).executeTakeFirst();
    if (!ev) return null;
    const row = await db.selectFrom('orders').selectAll().where('id', '=', ev.order_id).executeTakeFirstOrThrow();
    return { row, created: false, changed: false, duplicate: true, events: [] };
  }

  /** Upsert inside a transaction (imports call this per row). */
  async upsertIn(trx: Transaction<Database>, shopId: string, snap: OrderSnapshot, meta: WriteMeta, after: AfterCommit): Promise<WriteResult> {
    const existing = snap.externalId ? await this.findByExternal(shopId, snap.externalId, trx) : undefined;
    const t = this.now();
    if (existing) {
      const target = snap.status;
      const events = target ? pathTo(rowToOrder(existing), target, snap, t) : [];
      if (!events.length) {
        if (meta.idempotencyKey) await this.recordKey(trx, shopId, existing.id, meta, t);
        return { row: existing, created: false, changed: false, duplicate: false, events: [] };
      }
      return this.applyIn(trx, shopId, existing, events, meta, after);
    }
    const buyer = await this.resolveBuyer(trx, shopId, snap);
    if (!buyer) throw new AppError('request.invalid', '缺少买家（buyerId、buyerExternalId 或 buyerNick）', { field: 'buyerNick' });
    const id = newId('ord', t);
    const amount = snap.amount ?? Math.round(snap.items.reduce((s, it) => s + it.price * it.quantity, 0) * 100) / 100;
    const created = transition(
      null,
      {
        type: 'create',
        id,
        buyerId: buyer.id,
        shopId,
        items: snap.items,
        amount,
        ...(snap.address ? { address: snap.address } : {}),
        ...(snap.closesAt ? { closesAt: snap.closesAt } : {}),
        ...(snap.createdAt ? { at: snap.createdAt } : {}),
      },
      new Date(t),
    );
    let order = created.order;
    const events = [...created.events];
    for (const ev of snap.status ? pathTo(order, snap.status, snap, t) : []) {
      const r = transition(order, ev, new Date(t));
      order = r.order;
      events.push(...r.events);
    }
    const row: OrderRow = {
      id,
      shop_id: shopId,
      external_id: snap.externalId ?? String(t) + id.slice(-6),
      buyer_id: buyer.id,
      buyer_nick: buyer.nickname,
      source: meta.source,
      updated_at: t,
      ...orderColumns(order),
    };
    await trx.insertInto('orders').values(row).execute();
    await this.recordEvents(trx, shopId, id, events, meta, t);
    await this.afterChange(trx, shopId, row, order, events, t, after, meta.source);
    return { row, created: true, changed: true, duplicate: false, events };
  }

  /** Applies commands to a loaded row inside a transaction; the row must be current. */
  async applyIn(trx: Transaction<Database>, shopId: string, row: OrderRow, commands: OrderEvent[], meta: WriteMeta, after: AfterCommit): Promise<WriteResult> {
    const t = this.now();
    let order = rowToOrder(row);
    const events: OrderDomainEvent[] = [];
    for (const c of commands) {
      const r = transition(order, c, new Date(t));
      order = r.order;
      events.push(...r.events);
    }
    const cols = orderColumns(order);
    // Compare-and-set on updated_at: a concurrent change makes this one fail instead of overwriting it.
    const res = await trx.updateTable('orders').set({ ...cols, updated_at: t }).where('id', '=', row.id).where('updated_at', '=', row.updated_at).executeTakeFirst();
    if (Number(res.numUpdatedRows ?? 0) !== 1) throw new AppError('resource.conflict', '订单刚被修改过，请刷新后重试');
    const next: OrderRow = { ...row, ...cols, updated_at: t };
    await this.recordEvents(trx, shopId, row.id, events, meta, t);
    await this.afterChange(trx, shopId, next, order, events, t, after, next.source);
    return { row: next, created: false, changed: true, duplicate: false, events };
  }

  private async recordKey(trx: Transaction<Database>, shopId: string, orderId: string, meta: WriteMeta, t: number): Promise<void> {
    await trx.insertInto('order_events').values({ shop_id: shopId, order_id: orderId, type: 'delivery', data: '{}', actor: meta.actor ?? meta.source, idempotency_key: meta.idempotencyKey ?? null, at: t }).execute();
  }

  private async recordEvents(trx: Transaction<Database>, shopId: string, orderId: string, events: OrderDomainEvent[], meta: WriteMeta, t: number): Promise<void> {
    let first = true;
    for (const e of events) {
      await trx
        .insertInto('order_events')
        .values({
          shop_id: shopId,
          order_id: orderId,
          type: e.type,
          data: JSON.stringify(e.data ?? {}),
          actor: meta.actor ?? meta.source,
          idempotency_key: first ? (meta.idempotencyKey ?? null) : null,
          at: Date.parse(e.at) || t,
        })
        .execute();
      first = false;
    }
  }

  private async afterChange(trx: Transaction<Database>, shopId: string, row: OrderRow, order: Order, events: OrderDomainEvent[], t: number, after: AfterCommit, source: string): Promise<void> {
    for (const hook of this.hooks) await hook(trx, { shopId, row, order, events, now: t, after });
    after.push(() => {
      const dto = presentOrder(row, { masked: true });
      for (const e of events) this.events.emit<OrderBusEvent>(e.type, shopId, { event: e, order: dto, source });
    });
  }

  /** Number of orders of a shop (tests, import summaries). */
  async count(shopId: string): Promise<number> {
    const r = await this.db.selectFrom('orders').select(sql<number>`count(*)`.as('n')).where('shop_id', '=', shopId).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
