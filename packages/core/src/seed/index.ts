import type { SuggestItem } from '../assist/suggest.js';
import { DEMO_SHOP, FAQ, PRODUCTS } from './knowledge.js';
import { AFTER_PAYMENT_REPLIES, AUTO_REPLIES, QUICK_REPLIES, URGING_SCRIPTS } from './quick-replies.js';
import type { FaqEntry, QuickReplySeed } from './types.js';

export * from './types.js';
export { DEMO_SHOP, FAQ, PRODUCTS } from './knowledge.js';
export { AFTER_PAYMENT_REPLIES, AUTO_REPLIES, QUICK_REPLIES, URGING_SCRIPTS } from './quick-replies.js';

/** Everything the server needs to seed the demo shop. */
export const DEMO_SHOP_SEED = {
  shop: DEMO_SHOP,
  quickReplies: QUICK_REPLIES,
  autoReplies: AUTO_REPLIES,
  afterPayment: AFTER_PAYMENT_REPLIES,
  urgingScripts: URGING_SCRIPTS,
  faq: FAQ,
  products: PRODUCTS,
} as const;

/** A quick reply as a suggestion candidate. */
export function quickReplyToSuggestItem(r: QuickReplySeed): SuggestItem {
  return { id: r.id, kind: 'reply', scenario: r.scenario, title: r.title, text: r.text, ...(r.keywords ? { keywords: r.keywords } : {}) };
}

/** An FAQ entry as a suggestion candidate: the question is its title, the answer its text. */
export function faqToSuggestItem(f: FaqEntry): SuggestItem {
  return {
    id: f.id,
    kind: 'faq',
    scenario: f.scenario,
    title: f.question,
    text: f.answer,
    keywords: f.keywords,
    ...(f.productSku ? { productSku: f.productSku } : {}),
  };
}

/** The demo library (quick replies then FAQ) ready for `createSuggestionIndex`. */
export function demoSuggestItems(): SuggestItem[] {
  return [...QUICK_REPLIES.map(quickReplyToSuggestItem), ...FAQ.map(faqToSuggestItem)];
}
