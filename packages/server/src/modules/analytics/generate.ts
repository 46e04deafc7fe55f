import type { Insertable } from 'kysely';
import type { BuyersTable, ConversationsTable, MessagesTable, OrdersTable } from '../../storage/schema.js';

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenOptions {
  shopId: string;
  /** Instant of the first day's local midnight. */
  start: number;
  days: number;
  agents: string[];
  seed: number;
  /** Mean inquiry days per buyer (default 1.3). */
  visits?: number;
  /** Messages per inquiry day, roughly (default 6). */
  perVisit?: number;
}

export interface GenChunk {
  buyers: Insertable<BuyersTable>[];
  conversations: Insertable<ConversationsTable>[];
  messages: Insertable<MessagesTable>[];
  orders: Insertable<OrdersTable>[];
}

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const SCEN = ['greeting', 'product_info', 'size', 'stock', 'bargain', 'shipping_fee', 'ship_time', 'logistics', 'return_refund', 'quality_problem'];

/**
 * Buyers `from`..`from + count - 1` of a generated shop: each with one conversation of 1–3 inquiry days
 * (buyer turns, an auto greeting now and then, agent replies after seconds to minutes, some never answered,
 * some answered only after the conversation ended), and orders created within or after the attribution
 * window, paid or not, some refunded; a few buyers order without asking (silent). Times are epoch ms.
 */
export function generateBuyers(o: GenOptions, from: number, count: number): GenChunk {
  const out: GenChunk = { buyers: [], conversations: [], messages: [], orders: [] };
  const visits = o.visits ?? 1.3;
  const perVisit = o.perVisit ?? 6;
  for (let i = from; i < from + count; i++) {
    const r = rng(o.seed * 1_000_003 + i);
    const buyerId = `b${String(i).padStart(8, '0')}`;
    const convId = `c${String(i).padStart(8, '0')}`;
    const firstDay = Math.floor(r() * o.days);
    const created = o.start + firstDay * DAY;
    out.buyers.push({ id: buyerId, shop_id: o.shopId, anon_id: null, external_id: `ext${i}`, nickname: `买家${i}`, created_at: created, last_seen_at: created, last_agent_id: null });
    const silent = r() < 0.03;
    let seq = 0;
    let lastAt = created;
    const buyerAt: number[] = [];
    if (!silent) {
      let day = firstDay;
      const nVisits = 1 + (r() < visits - 1 ? 1 : 0) + (r() < (visits - 1) / 3 ? 1 : 0);
      for (let v = 0; v < nVisits && day < o.days; v++) {
        let t = o.start + day * DAY + (8 * HOUR + Math.floor(r() * 15 * HOUR));
        const agent = o.agents[Math.floor(r() * o.agents.length)] ?? null;
        if (r() < 0.5) {
          out.messages.push(msg(o.shopId, convId, ++seq, 'buyer', null, t, SCEN[0]!));
          buyerAt.push(t);
          t += 2 * SEC;
          out.messages.push(msg(o.shopId, convId, ++seq, 'auto', null, t, null));
        }
        const turns = Math.max(1, Math.round((perVisit / 2) * (0.5 + r())));
        for (let k = 0; k < turns; k++) {
          t += Math.floor(r() * 3 * MIN) + SEC;
          const nb = 1 + Math.floor(r() * 2);
          for (let j = 0; j < nb; j++) {
            out.messages.push(msg(o.shopId, convId, ++seq, 'buyer', null, t, SCEN[Math.floor(r() * SCEN.length)]!));
            buyerAt.push(t);
            t += Math.floor(r() * 40 * SEC) + SEC;
          }
          const x = r();
          if (x < 0.06) continue; // unanswered
          if (x < 0.08) t += 30 * HOUR; // after the conversation ended
          else if (x < 0.12) t += Math.floor(r() * 2 * HOUR);
          else t += Math.floor(r() * 90 * SEC) + 3 * SEC;
          const who = r() < 0.1 ? (o.agents[Math.floor(r() * o.agents.length)] ?? null) : r() < 0.02 ? null : agent;
          out.messages.push(msg(o.shopId, convId, ++seq, 'agent', who, t, null));
          if (r() < 0.05) out.messages.push({ ...msg(o.shopId, convId, ++seq, 'agent', who, t + SEC, null), kind: 'note' });
        }
        lastAt = t;
        day += 1 + Math.floor(r() * 5);
      }
      out.conversations.push({
        id: convId, shop_id: o.shopId, buyer_id: buyerId, status: 'closed', assigned_agent_id: null, group_id: null, scenario: null,
        last_seq: seq, last_message_at: lastAt, waiting_since: null, queued_at: null, unread: 0, agent_read_seq: 0, buyer_read_seq: 0,
        session_started_at: created, created_at: created, updated_at: lastAt, closed_at: lastAt,
      });
    }
    const pOrder = silent ? 1 : 0.45;
    const nOrders = r() < pOrder ? 1 + (r() < 0.2 ? 1 : 0) : 0;
    for (let k = 0; k < nOrders; k++) {
      const base = buyerAt.length > 0 ? buyerAt[Math.floor(r() * buyerAt.length)]! : created + 10 * HOUR;
      const oc = base + Math.floor(r() * (r() < 0.85 ? 70 : 200) * HOUR) - (r() < 0.05 ? 2 * HOUR : 0);
      const paid = r() < 0.7 ? oc + Math.floor(r() * (r() < 0.9 ? 2 : 90) * HOUR) : null;
      const amount = Math.round((39 + r() * 500) * 10) / 10;
      const refunded = paid !== null && r() < 0.08;
      out.orders.push({
        id: `o${String(i).padStart(8, '0')}_${k}`, shop_id: o.shopId, external_id: `T${i}${k}`, buyer_id: buyerId, buyer_nick: `买家${i}`,
        status: paid ? 'paid' : 'pending', refund_status: refunded ? 'refunded' : 'none', amount, paid_amount: paid ? amount : null,
        refund_amount: refunded ? amount : null, item_count: 1 + Math.floor(r() * 2), items: '[]', address: null, courier: null, tracking_no: null,
        notes: '[]', source: 'bench', created_at: oc, closes_at: null, paid_at: paid, shipped_at: null, delivered_at: null, completed_at: null,
        closed_at: null, updated_at: paid ?? oc,
      });
    }
  }
  return out;
}

function msg(shopId: string, convId: string, seq: number, sender: string, agentId: string | null, at: number, scenario: string | null): Insertable<MessagesTable> {
  return {
    id: `${convId}_${seq}`, shop_id: shopId, conversation_id: convId, seq, client_id: `g${seq}`, sender, agent_id: agentId,
    kind: 'text', text: sender === 'buyer' ? '在吗，这个还有货吗' : sender === 'auto' ? '亲，欢迎光临，有什么可以帮您？' : '亲，有的哦，现在拍下今天就能发', payload: null,
    created_at: at, scenario,
  };
}
