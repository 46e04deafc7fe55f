import type { Kysely } from 'kysely';
import type { Database, ShopsTable } from '../../storage/schema.js';

/** A shop with its review targets (`shop_coach_settings.targets` JSON, null when the shop never set any). */
export type ShopRow = ShopsTable & { coach_targets?: string | null };

/** Shops of an organisation. */
export class ShopsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Shops joined with their response targets (served with the shop: the workbench's red line). */
  private withTargets() {
    return this.db
      .selectFrom('shops')
      .leftJoin('shop_coach_settings', 'shop_coach_settings.shop_id', 'shops.id')
      .selectAll('shops')
      .select('shop_coach_settings.targets as coach_targets');
  }

  listInOrg(orgId: string): Promise<ShopRow[]> {
    return this.withTargets().where('shops.org_id', '=', orgId).orderBy('shops.created_at').execute();
  }

  findInOrg(orgId: string, id: string): Promise<ShopRow | undefined> {
    return this.withTargets().where('shops.org_id', '=', orgId).where('shops.id', '=', id).executeTakeFirst();
  }

  /** The widget finds its shop by the public key pasted into the storefront (not a secret). */
  findByPublicKey(publicKey: string): Promise<ShopRow | undefined> {
    return this.db.selectFrom('shops').selectAll().where('public_key', '=', publicKey).executeTakeFirst();
  }

  async insert(row: ShopsTable): Promise<void> {
    await this.db.insertInto('shops').values(row).execute();
  }

  async update(orgId: string, id: string, patch: Partial<Omit<ShopsTable, 'id' | 'org_id' | 'created_at'>>): Promise<void> {
    await this.db.updateTable('shops').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  /**
   * Sets the first-response target, kept with the coach's review targets (one number for the workbench, the board
   * and 质检). Creates the coach row with its defaults when the shop has none; the other targets are kept.
   */
  async setResponseTarget(shopId: string, seconds: number, by: string, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const have = await trx.selectFrom('shop_coach_settings').select('targets').where('shop_id', '=', shopId).executeTakeFirst();
      let targets: Record<string, unknown> = {};
      try {
        const parsed: unknown = have?.targets ? JSON.parse(have.targets) : {};
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) targets = parsed as Record<string, unknown>;
      } catch {
        // Unreadable JSON: start again from the defaults.
      }
      const next = JSON.stringify({ ...targets, firstResponseSec: seconds });
      await trx
        .insertInto('shop_coach_settings')
        .values({ shop_id: shopId, rules_override: '{}', blocking: '[]', ladder: null, targets: next, updated_by: by, updated_at: now })
        .onConflict((oc) => oc.column('shop_id').doUpdateSet({ targets: next, updated_by: by, updated_at: now }))
        .execute();
    });
  }
}
