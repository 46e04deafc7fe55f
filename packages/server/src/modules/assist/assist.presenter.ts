import type { FaqRow, ProductRow, QuickReplyRow } from './assist.repository.js';

/** JSON column → value, or `fallback` when empty or unreadable. */
export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export interface QuickReplyCard {
  imageUrl?: string;
  productSku?: string;
}

export interface QuickReplyDto {
  id: string;
  shopId: string;
  scenario: string;
  category: string;
  title: string;
  shortcut: string | null;
  text: string;
  keywords: string[];
  card: QuickReplyCard | null;
  /** true = the shop's; false = the agent's own. */
  shared: boolean;
  ownerAgentId: string | null;
  safeForAuto: boolean;
  uses: number;
  /** Suggestion counts: offered to an agent / chosen. */
  shown: number;
  picked: number;
  /** Conversations the reply was sent in, and of those how many ended in a payment within 7 days. */
  conversations: number;
  converted: number;
  conversion: number | null;
  createdAt: number;
  updatedAt: number;
}

export function presentReply(r: QuickReplyRow, usage?: { uses?: number; conversations: number; converted: number }, stats?: { shown: number; picked: number }): QuickReplyDto {
  const conversations = usage?.conversations ?? 0;
  const converted = usage?.converted ?? 0;
  return {
    id: r.id,
    shopId: r.shop_id,
    scenario: r.scenario,
    category: r.category,
    title: r.title,
    shortcut: r.shortcut,
    text: r.text,
    keywords: parseJson<string[]>(r.keywords, []),
    card: parseJson<QuickReplyCard | null>(r.card, null),
    shared: r.owner_agent_id === null,
    ownerAgentId: r.owner_agent_id,
    safeForAuto: Number(r.safe_for_auto) === 1,
    // Usage rows may come from elsewhere too (imports, demo history): the larger count is the truth.
    uses: Math.max(Number(r.uses), usage?.uses ?? 0),
    shown: stats?.shown ?? 0,
    picked: stats?.picked ?? 0,
    conversations,
    converted,
    conversion: conversations ? Math.round((converted / conversations) * 1000) / 1000 : null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function presentFaq(f: FaqRow, stats?: { shown: number; picked: number }) {
  return {
    id: f.id,
    shopId: f.shop_id,
    kind: f.kind,
    scenario: f.scenario,
    question: f.question,
    answer: f.answer,
    keywords: parseJson<string[]>(f.keywords, []),
    productSku: f.product_sku,
    shown: stats?.shown ?? 0,
    picked: stats?.picked ?? 0,
    createdAt: Number(f.created_at),
    updatedAt: Number(f.updated_at),
  };
}

export function presentProduct(p: ProductRow) {
  return { id: p.id, shopId: p.shop_id, sku: p.sku, name: p.name, price: Number(p.price), ...parseJson<Record<string, unknown>>(p.file, {}), createdAt: Number(p.created_at), updatedAt: Number(p.updated_at) };
}
