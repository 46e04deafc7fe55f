import { FAQ, PRODUCTS, QUICK_REPLIES, type FaqEntry, type ProductFile } from '@kefu/core';
import type { AppContext } from '../app-context.js';
import { newId } from '../storage/ids.js';
import type { DemoSeeder } from './seed-demo.js';

/** Seeds one shop's assist library from core's demo content: every quick reply, the FAQ and product files of `category`. */
export async function seedAssistShop(ctx: AppContext, shopId: string, category: ProductFile['category']): Promise<void> {
  const db = ctx.storage.db;
  const t = Date.now();
  const products = PRODUCTS.filter((p) => p.category === category);
  const skus = new Set(products.map((p) => p.sku));
  const ofShop = (f: FaqEntry) => !f.productSku || skus.has(f.productSku);
  await db.transaction().execute(async (trx) => {
    const replies = QUICK_REPLIES.map((r, i) => ({
      id: newId('qr', t + i),
      shop_id: shopId,
      scenario: r.scenario,
      category: '',
      title: r.title,
      shortcut: r.shortcut.replace(/^\//, ''),
      text: r.text,
      keywords: JSON.stringify(r.keywords ?? []),
      card: null,
      owner_agent_id: null,
      safe_for_auto: r.safeForAuto ? 1 : 0,
      uses: 0,
      position: i + 1,
      created_at: t,
      updated_at: t,
    }));
    for (let i = 0; i < replies.length; i += 100) await trx.insertInto('quick_replies').values(replies.slice(i, i + 100)).execute();
    const faq = FAQ.filter(ofShop).map((f, i) => ({
      id: newId('faq', t + i),
      shop_id: shopId,
      kind: f.kind,
      scenario: f.scenario,
      question: f.question,
      answer: f.answer,
      keywords: JSON.stringify(f.keywords),
      product_sku: f.productSku ?? null,
      created_at: t,
      updated_at: t,
    }));
    if (faq.length) await trx.insertInto('faq_entries').values(faq).execute();
    const rows = products.map((p, i) => {
      const { sku, name, price, ...file } = p;
      return { id: newId('prd', t + i), shop_id: shopId, sku, name, price, file: JSON.stringify(file), created_at: t, updated_at: t };
    });
    if (rows.length) await trx.insertInto('products').values(rows).execute();
  });
}

/** Demo: the outdoor shop gets the shoes, the fashion shop the clothing; both get the full quick-reply library. */
export const seedAssist: DemoSeeder = async (ctx, shops) => {
  await seedAssistShop(ctx, shops.outdoorShopId, 'outdoor_shoes');
  await seedAssistShop(ctx, shops.fashionShopId, 'womens_clothing');
};
