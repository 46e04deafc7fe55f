import type { Kysely } from 'kysely';

/**
 * A buyer's latest order (the `{订单号}` `{快递}` `{物流单号}` variables of a suggestion, the buyer panel's order list) is
 * read as `where shop_id = ? and buyer_id = ? order by created_at desc`. With only (shop_id, buyer_id) and
 * (shop_id, created_at) to choose from, SQLite walked the shop's orders newest first and filtered on the buyer: for a
 * buyer with no order, every order of the shop — 54 µs per lookup with the demo shop's 310 orders, growing with the
 * shop, on the event loop for each buyer whose suggested reply names an order variable. This index serves the filter
 * and the order together; it replaces (shop_id, buyer_id), its prefix.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('orders_shop_buyer_created').on('orders').columns(['shop_id', 'buyer_id', 'created_at']).execute();
  await db.schema.dropIndex('orders_shop_buyer').execute();
}
