import {
  AFTER_PAYMENT_REPLIES,
  PRESET_SEGMENTS,
  applyProfileEdits,
  buyerStatsFromOrders,
  deriveGroup,
  estimateProfile,
  groupLabel,
  maskName,
  maskPhone,
  matchesSegment,
  normalizeTags,
  profileStrategies,
  refreshProfile,
  type BuyerGroup,
  type DemandPole,
  type DimensionId,
  type ProfileEdits,
  type ProfileEstimate,
  type SegmentRule,
  type TemperamentId,
} from '@kefu/core';
import type { Kysely } from 'kysely';
import type { AuthContext } from '../../http/auth.js';
import { AppError, notFound } from '../../http/errors.js';
import type { Database } from '../../storage/schema.js';
import { addressText, presentOrder, type OrderDto, type OrderRow } from '../orders/orders.presenter.js';
import { fillTemplate, type UrgingService } from '../urging/urging.service.js';
import type { CommerceSettingsRepository } from '../urging/urging.settings.js';

/** One row of the buyer list: personal data masked. */
export interface BuyerListItem {
  id: string;
  nickname: string;
  group: BuyerGroup;
  groupLabel: string;
  groupOverride: BuyerGroup | null;
  tags: string[];
  phone: string | null;
  realName: string | null;
  paidOrders: number;
  paidAmount: number;
  lastPaidAt: string | null;
  orderCount: number;
  temperament: TemperamentId | null;
  lastSeenAt: number;
}

export interface BuyerDetailDto extends BuyerListItem {
  notes: string;
  /** Full only for owners and supervisors (else masked; see reveal). */
  phoneFull: string | null;
  realNameFull: string | null;
  profile: ProfileEstimate;
  profileStored: boolean;
  strategies: ReturnType<typeof profileStrategies>;
  orders: Array<OrderDto & { urging: { status: string; nextDueAt: number | null; sent: number } | null }>;
  /** After-payment quick replies filled with the latest paid order (confirm address and courier, review, favourite). */
  afterPayment: { orderId: string; replies: Array<{ id: string; kind: string; text: string }> } | null;
}

export interface BuyerPatch {
  groupOverride?: BuyerGroup | null;
  tags?: string[];
  notes?: string;
  phone?: string | null;
  realName?: string | null;
  temperament?: TemperamentId | null;
  demands?: Partial<Record<DimensionId, DemandPole | null>>;
}

const canSeeFull = (auth: AuthContext) => auth.agent.role === 'owner' || auth.agent.role === 'supervisor';

/** Buyer profiles per shop: group from orders (with a manual override), tags, notes, temperament and demands with evidence. */
export class BuyersService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly settings: CommerceSettingsRepository,
    private readonly urging: UrgingService,
    private readonly defaultCourier: string,
    private readonly now: () => number = Date.now,
  ) {}

  private async profileRow(shopId: string, buyerId: string) {
    return this.db.selectFrom('buyer_profiles').selectAll().where('shop_id', '=', shopId).where('buyer_id', '=', buyerId).executeTakeFirst();
  }

  private async buyerRow(shopId: string, buyerId: string) {
    const b = await this.db.selectFrom('buyers').selectAll().where('shop_id', '=', shopId).where('id', '=', buyerId).executeTakeFirst();
    if (!b) throw notFound('买家');
    return b;
  }

  private item(
    b: { id: string; nickname: string; last_seen_at: number },
    p: { group_override: string | null; tags: string; phone: string | null; real_name: string | null; profile: string | null } | undefined,
    orders: Array<Pick<OrderRow, 'paid_at' | 'paid_amount' | 'refund_amount' | 'status' | 'refund_status'>>,
    thresholds: { vipPaidOrders: number; vipPaidAmount: number },
  ): BuyerListItem & { demands: DemandPole[] } {
    const stats = buyerStatsFromOrders(
      orders.map((o) => ({
        paidAt: o.paid_at == null ? null : new Date(Number(o.paid_at)).toISOString(),
        paidAmount: o.paid_amount == null ? null : Number(o.paid_amount),
        refundAmount: o.refund_amount == null ? null : Number(o.refund_amount),
        closeReason: o.status === 'closed' && o.refund_status === 'refunded' ? 'refunded' : null,
      })),
    );
    const override = (p?.group_override ?? null) as BuyerGroup | null;
    const group = deriveGroup(stats, thresholds, override);
    const profile = p?.profile ? (JSON.parse(p.profile) as ProfileEstimate) : null;
    return {
      id: b.id,
      nickname: b.nickname,
      group,
      groupLabel: groupLabel(group),
      groupOverride: override,
      tags: p ? (JSON.parse(p.tags) as string[]) : [],
      phone: p?.phone ? maskPhone(p.phone) : null,
      realName: p?.real_name ? maskName(p.real_name) : null,
      paidOrders: stats.paidOrders,
      paidAmount: stats.paidAmount,
      lastPaidAt: stats.lastPaidAt,
      orderCount: orders.length,
      temperament: profile?.temperament.value ?? null,
      lastSeenAt: Number(b.last_seen_at),
      demands: profile ? (Object.values(profile.demands).map((d) => d.value).filter(Boolean) as DemandPole[]) : [],
    };
  }

  /** The buyer list with search, group, tag and segment filters (presets of core PRESET_SEGMENTS). */
  async list(shopId: string, q: { search?: string | undefined; group?: BuyerGroup | undefined; tag?: string | undefined; segment?: string | undefined; limit: number; offset: number }) {
    const thresholds = (await this.settings.get(shopId)).groups;
    let rule: SegmentRule | null = null;
    if (q.segment) {
      const preset = PRESET_SEGMENTS.find((s) => s.id === q.segment);
      if (!preset) throw new AppError('request.invalid', `未知的客户分群：${q.segment}`);
      rule = preset.rule as SegmentRule;
    }
    const [buyers, profiles, orders] = await Promise.all([
      this.db.selectFrom('buyers').select(['id', 'nickname', 'last_seen_at']).where('shop_id', '=', shopId).orderBy('last_seen_at', 'desc').execute(),
      this.db.selectFrom('buyer_profiles').selectAll().where('shop_id', '=', shopId).execute(),
      this.db.selectFrom('orders').select(['buyer_id', 'paid_at', 'paid_amount', 'refund_amount', 'status', 'refund_status']).where('shop_id', '=', shopId).where('buyer_id', 'is not', null).execute(),
    ]);
    const byBuyer = new Map<string, typeof orders>();
    for (const o of orders) {
      const list = byBuyer.get(o.buyer_id!);
      if (list) list.push(o);
      else byBuyer.set(o.buyer_id!, [o]);
    }
    const prof = new Map(profiles.map((p) => [p.buyer_id, p]));
    const now = new Date(this.now());
    const s = q.search?.trim().toLowerCase();
    const items = buyers
      .filter((b) => {
        if (!s) return true;
        const p = prof.get(b.id);
        return b.nickname.toLowerCase().includes(s) || Boolean(p?.phone?.includes(s)) || Boolean(p?.real_name?.includes(s));
      })
      .map((b) => this.item(b, prof.get(b.id), byBuyer.get(b.id) ?? [], thresholds))
      .filter((i) => (!q.group || i.group === q.group) && (!q.tag || i.tags.includes(q.tag)))
      .filter((i) => !rule || matchesSegment({ ...i, temperament: i.temperament }, rule, now));
    return {
      buyers: items.slice(q.offset, q.offset + q.limit).map(({ demands: _d, ...rest }) => rest),
      total: items.length,
      segments: PRESET_SEGMENTS.map((p) => ({ id: p.id, zh: p.zh })),
    };
  }

  private async buyerMessages(shopId: string, buyerId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['messages.text'])
      .where('conversations.shop_id', '=', shopId)
      .where('conversations.buyer_id', '=', buyerId)
      .where('messages.sender', '=', 'buyer')
      .where('messages.kind', '=', 'text')
      .orderBy('messages.created_at', 'desc')
      .limit(300)
      .execute();
    return rows.map((r) => r.text ?? '').filter(Boolean).reverse();
  }

  async detail(auth: AuthContext, shopId: string, buyerId: string): Promise<BuyerDetailDto> {
    const b = await this.buyerRow(shopId, buyerId);
    const p = await this.profileRow(shopId, buyerId);
    const thresholds = (await this.settings.get(shopId)).groups;
    const orders = await this.db.selectFrom('orders').selectAll().where('shop_id', '=', shopId).where('buyer_id', '=', buyerId).orderBy('created_at', 'desc').execute();
    const { demands: _d, ...base } = this.item(b, p, orders, thresholds);
    const stored = p?.profile ? (JSON.parse(p.profile) as ProfileEstimate) : null;
    const profile = stored ?? estimateProfile(await this.buyerMessages(shopId, buyerId));
    const urging = await this.urging.summaries(shopId, orders.map((o) => o.id));
    const full = canSeeFull(auth);
    const latest = orders[0];
    let afterPayment: BuyerDetailDto['afterPayment'] = null;
    if (latest && latest.status === 'paid') {
      const address = latest.address ? (JSON.parse(latest.address) as Parameters<typeof addressText>[0]) : null;
      const shop = await this.db.selectFrom('shops').select(['name']).where('id', '=', shopId).executeTakeFirst();
      const vars = {
        收货地址: address ? `${address.name}，${address.phone}，${addressText(address)}` : '（订单里没有收货地址）',
        快递: latest.courier ?? this.defaultCourier,
        店铺: shop?.name ?? '',
        订单号: latest.external_id,
        买家称呼: b.nickname,
      };
      afterPayment = { orderId: latest.id, replies: AFTER_PAYMENT_REPLIES.map((r) => ({ id: r.id, kind: r.kind, text: fillTemplate(r.text, vars) })) };
    }
    return {
      ...base,
      notes: p?.notes ?? '',
      phoneFull: full ? (p?.phone ?? null) : null,
      realNameFull: full ? (p?.real_name ?? null) : null,
      temperament: profile.temperament.value,
      profile,
      profileStored: Boolean(stored),
      strategies: profileStrategies(profile),
      orders: orders.map((o) => ({ ...presentOrder(o, { masked: !full }), urging: urging.get(o.id) ?? null })),
      afterPayment,
    };
  }

  private async ensureProfile(shopId: string, buyerId: string): Promise<NonNullable<Awaited<ReturnType<BuyersService['profileRow']>>>> {
    await this.buyerRow(shopId, buyerId);
    await this.db
      .insertInto('buyer_profiles')
      .values({ buyer_id: buyerId, shop_id: shopId, group_override: null, profile: null, phone: null, real_name: null, updated_at: this.now() })
      .onConflict((oc) => oc.column('buyer_id').doNothing())
      .execute();
    return (await this.profileRow(shopId, buyerId))!;
  }

  async patch(auth: AuthContext, shopId: string, buyerId: string, body: BuyerPatch): Promise<BuyerDetailDto> {
    const p = await this.ensureProfile(shopId, buyerId);
    const set: Partial<{ group_override: string | null; tags: string; notes: string; phone: string | null; real_name: string | null; profile: string; updated_at: number }> = { updated_at: this.now() };
    if (body.groupOverride !== undefined) set.group_override = body.groupOverride;
    if (body.tags !== undefined) set.tags = JSON.stringify(normalizeTags(body.tags));
    if (body.notes !== undefined) set.notes = body.notes;
    if (body.phone !== undefined) set.phone = body.phone?.trim() || null;
    if (body.realName !== undefined) set.real_name = body.realName?.trim() || null;
    if (body.temperament !== undefined || body.demands !== undefined) {
      const current = p.profile ? (JSON.parse(p.profile) as ProfileEstimate) : estimateProfile(await this.buyerMessages(shopId, buyerId));
      const edits: ProfileEdits = {};
      if (body.temperament !== undefined) edits.temperament = body.temperament;
      if (body.demands !== undefined) edits.demands = body.demands;
      set.profile = JSON.stringify(applyProfileEdits(current, edits));
    }
    await this.db.updateTable('buyer_profiles').set(set).where('buyer_id', '=', buyerId).where('shop_id', '=', shopId).execute();
    return this.detail(auth, shopId, buyerId);
  }

  /** Re-estimates from the buyer's messages; traits an agent edited stay. */
  async estimate(auth: AuthContext, shopId: string, buyerId: string): Promise<BuyerDetailDto> {
    const p = await this.ensureProfile(shopId, buyerId);
    const fresh = estimateProfile(await this.buyerMessages(shopId, buyerId));
    const next = p.profile ? refreshProfile(JSON.parse(p.profile) as ProfileEstimate, fresh) : fresh;
    await this.db.updateTable('buyer_profiles').set({ profile: JSON.stringify(next), updated_at: this.now() }).where('buyer_id', '=', buyerId).execute();
    return this.detail(auth, shopId, buyerId);
  }

  /** Shows the full phone and name to any agent who asks; every reveal is written to the audit log. */
  async reveal(auth: AuthContext, shopId: string, buyerId: string): Promise<{ phone: string | null; realName: string | null }> {
    await this.buyerRow(shopId, buyerId);
    const p = await this.profileRow(shopId, buyerId);
    await this.db.insertInto('audit_log').values({ org_id: auth.agent.orgId, shop_id: shopId, actor_id: auth.agent.id, action: 'buyer.reveal_contact', target: buyerId, at: this.now() }).execute();
    return { phone: p?.phone ?? null, realName: p?.real_name ?? null };
  }

}

