import { DomainError, addressRegion, parseTaobaoOrders, type Address, type OrderStatus, type ParsedOrder } from '@kefu/core';
import type { Kysely, Transaction } from 'kysely';
import type { EventBus } from '../../events/bus.js';
import { AppError, notFound } from '../../http/errors.js';
import { newId } from '../../storage/ids.js';
import type { Database } from '../../storage/schema.js';
import { ORDER_IMPORT_EVENT } from './orders.events.js';
import type { OrderSnapshot, OrdersService } from './orders.service.js';

/** Progress and result of one import; `errors` names every line not imported. */
export interface ImportSummary {
  id: string;
  status: 'running' | 'done' | 'failed';
  fileName: string | null;
  total: number;
  processed: number;
  imported: number;
  updated: number;
  unchanged: number;
  skipped: number;
  errors: Array<{ line: number; reason: string }>;
  createdAt: number;
  finishedAt: number | null;
}

/** 订单状态 of the export → our state; unknown text falls back to whether it was paid. */
export function taobaoStatus(text: string, paidAt: string | null): OrderStatus {
  const s = text.replace(/\s/g, '');
  if (s.includes('等待买家付款')) return 'unpaid';
  if (s.includes('交易关闭')) return 'closed';
  if (s.includes('交易成功')) return 'completed';
  if (s.includes('已发货') || s.includes('等待买家确认')) return 'shipped';
  if (s.includes('已签收')) return 'delivered';
  if (s.includes('等待卖家发货') || s.includes('已付款')) return 'paid';
  return paidAt ? 'paid' : 'unpaid';
}

/** The receiver as a structured address when name, phone and a recognisable province are present. */
function receiverAddress(p: ParsedOrder): Address | undefined {
  const phone = p.mobile ?? p.phone;
  if (!p.receiverName || !phone || !p.address) return undefined;
  const region = addressRegion(p.address);
  if (!region || !region.rest) return undefined;
  const [district, ...rest] = region.rest.split(/\s+/);
  const hasDistrict = rest.length > 0 && /[区县市旗]$/.test(district ?? '');
  return {
    name: p.receiverName,
    phone,
    province: region.province,
    city: region.city || region.province,
    ...(hasDistrict ? { district } : {}),
    detail: hasDistrict ? rest.join(' ') : region.rest,
  };
}

/** One export row as an order snapshot (the export has no SKUs: one line item with the quantity). */
export function snapshotFromTaobao(p: ParsedOrder): OrderSnapshot {
  const quantity = Math.max(1, p.quantity);
  const address = receiverAddress(p);
  return {
    externalId: p.id,
    buyerNick: p.buyer,
    items: [{ sku: 'taobao-export', title: '淘宝订单商品', quantity, price: Math.round((p.amount / quantity) * 100) / 100 }],
    amount: p.amount,
    createdAt: p.createdAt,
    status: taobaoStatus(p.status, p.paidAt),
    paidAt: p.paidAt,
    ...(p.paidAt ? { paidAmount: p.amount } : {}),
    refundAmount: p.refundAmount,
    ...(p.trackingNo ? { trackingNo: p.trackingNo } : {}),
    ...(address ? { address } : {}),
  };
}

const PROGRESS_EVERY = 25;

/** Imports a Taobao/Tmall 订单报表 export: upsert by 订单编号, a line with a problem is skipped and reported. */
export class OrderImporter {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly orders: OrdersService,
    private readonly events: EventBus,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts an import in the background; poll `get` for progress. */
  async start(shopId: string, bytes: Uint8Array, opts: { fileName?: string | null; actor?: string | null; tz?: string }): Promise<ImportSummary> {
    if (bytes.length === 0) throw new AppError('import.invalid_file', '文件是空的');
    const id = await this.open(shopId, opts);
    void this.run(id, shopId, bytes, opts).catch(async (err: unknown) => {
      await this.db
        .updateTable('order_imports')
        .set({ status: 'failed', errors: JSON.stringify([{ line: 0, reason: (err as Error)?.message ?? String(err) }]), finished_at: this.now() })
        .where('id', '=', id)
        .execute()
        .catch(() => {});
    });
    return this.get(shopId, id);
  }

  async open(shopId: string, opts: { fileName?: string | null; actor?: string | null }): Promise<string> {
    const id = newId('imp', this.now());
    await this.db
      .insertInto('order_imports')
      .values({ id, shop_id: shopId, file_name: opts.fileName ?? null, status: 'running', actor: opts.actor ?? null, created_at: this.now(), finished_at: null })
      .execute();
    return id;
  }

  /** Parses and upserts every row; resolves with the final summary. */
  async run(id: string, shopId: string, bytes: Uint8Array, opts: { tz?: string }): Promise<ImportSummary> {
    const parsed = parseTaobaoOrders(bytes, opts.tz ? { tz: opts.tz } : {});
    const errors = [...parsed.errors];
    const counts = { imported: 0, updated: 0, unchanged: 0 };
    const total = parsed.orders.length + parsed.errors.length;
    await this.progress(id, shopId, { total, processed: parsed.errors.length, ...counts, skipped: errors.length, errors });
    let processed = parsed.errors.length;
    for (const p of parsed.orders) {
      try {
        const snap = snapshotFromTaobao(p);
        const r = await this.orders.write(shopId, { source: 'import' }, async (trx, after) => {
          const res = await this.orders.upsertIn(trx, shopId, snap, { source: 'import' }, after);
          if (res.row.buyer_id) await this.rememberContact(trx, shopId, res.row.buyer_id, p, this.now());
          return res;
        });
        if (r.created) counts.imported++;
        else if (r.changed) counts.updated++;
        else counts.unchanged++;
      } catch (err) {
        if (!(err instanceof DomainError) && !(err instanceof AppError)) throw err;
        errors.push({ line: p.line, reason: err.message });
      }
      processed++;
      if (processed % PROGRESS_EVERY === 0) await this.progress(id, shopId, { total, processed, ...counts, skipped: errors.length, errors });
    }
    errors.sort((a, b) => a.line - b.line);
    await this.progress(id, shopId, { total, processed, ...counts, skipped: errors.length, errors }, true);
    return this.get(shopId, id);
  }

  /** The receiver's phone and name go to the buyer profile when it has none yet. */
  private async rememberContact(trx: Transaction<Database>, shopId: string, buyerId: string, p: ParsedOrder, t: number): Promise<void> {
    const phone = p.mobile ?? p.phone ?? null;
    if (!phone && !p.receiverName) return;
    await trx
      .insertInto('buyer_profiles')
      .values({ buyer_id: buyerId, shop_id: shopId, group_override: null, profile: null, phone, real_name: p.receiverName ?? null, updated_at: t })
      .onConflict((oc) => oc.column('buyer_id').doNothing())
      .execute();
    if (phone) await trx.updateTable('buyer_profiles').set({ phone }).where('buyer_id', '=', buyerId).where('phone', 'is', null).execute();
  }

  private async progress(
    id: string,
    shopId: string,
    p: { total: number; processed: number; imported: number; updated: number; unchanged: number; skipped: number; errors: Array<{ line: number; reason: string }> },
    done = false,
  ): Promise<void> {
    await this.db
      .updateTable('order_imports')
      .set({
        total: p.total,
        processed: p.processed,
        imported: p.imported,
        updated: p.updated,
        unchanged: p.unchanged,
        skipped: p.skipped,
        errors: JSON.stringify(p.errors.slice(0, 1000)),
        ...(done ? { status: 'done', finished_at: this.now() } : {}),
      })
      .where('id', '=', id)
      .execute();
    this.events.emit(ORDER_IMPORT_EVENT, shopId, { id, ...p, errors: undefined, done });
  }

  async get(shopId: string, id: string): Promise<ImportSummary> {
    const r = await this.db.selectFrom('order_imports').selectAll().where('shop_id', '=', shopId).where('id', '=', id).executeTakeFirst();
    if (!r) throw notFound('导入记录');
    return {
      id: r.id,
      status: r.status as ImportSummary['status'],
      fileName: r.file_name,
      total: Number(r.total),
      processed: Number(r.processed),
      imported: Number(r.imported),
      updated: Number(r.updated),
      unchanged: Number(r.unchanged),
      skipped: Number(r.skipped),
      errors: JSON.parse(r.errors) as ImportSummary['errors'],
      createdAt: Number(r.created_at),
      finishedAt: r.finished_at == null ? null : Number(r.finished_at),
    };
  }
}
