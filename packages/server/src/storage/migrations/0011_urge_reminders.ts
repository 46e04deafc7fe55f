import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * One row per payment reminder sent (docs/URGING.md): which order, which step, which script, when. The dashboard's
 * 催付成功率 for a date range reads them (KPIS.md: unpaid orders paid within 72 h after a reminder / unpaid orders
 * reminded, per script), where `urge_script_stats` only keeps all-time counters for the script choice.
 * Filled from the reminder plans sent so far.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('urge_reminders')
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('step', 'integer', (c) => c.notNull())
    .addColumn('shop_id', 'text', (c) => c.notNull())
    .addColumn('script_id', 'text', (c) => c.notNull())
    .addColumn('sent_at', ctx.bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('urge_reminders_pk', ['order_id', 'step'])
    .execute();
  await db.schema.createIndex('urge_reminders_shop_sent').on('urge_reminders').columns(['shop_id', 'sent_at']).execute();

  const plans = await sql<{ shop_id: string; plan: string }>`SELECT shop_id, plan FROM urge_plans`.execute(db);
  const rows: Array<{ order_id: string; step: number; shop_id: string; script_id: string; sent_at: number }> = [];
  for (const p of plans.rows) {
    let plan: { orderId?: unknown; reminders?: unknown };
    try {
      plan = JSON.parse(p.plan) as typeof plan;
    } catch {
      continue;
    }
    if (typeof plan.orderId !== 'string' || !Array.isArray(plan.reminders)) continue;
    for (const r of plan.reminders as Array<{ step?: unknown; status?: unknown; scriptId?: unknown; sentAt?: unknown }>) {
      const at = typeof r.sentAt === 'string' ? Date.parse(r.sentAt) : NaN;
      if (r.status !== 'sent' || typeof r.step !== 'number' || typeof r.scriptId !== 'string' || Number.isNaN(at)) continue;
      rows.push({ order_id: plan.orderId, step: r.step, shop_id: p.shop_id, script_id: r.scriptId, sent_at: at });
    }
  }
  for (let i = 0; i < rows.length; i += 200) {
    await (db as Kysely<{ urge_reminders: (typeof rows)[number] }>).insertInto('urge_reminders').values(rows.slice(i, i + 200)).execute();
  }
}
