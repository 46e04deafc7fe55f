import type { Kysely } from 'kysely';
import type { Database, ShopsTable } from '../../storage/schema.js';

export type ShopRow = ShopsTable;

/** Shops of an organisation. */
export class ShopsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  listInOrg(orgId: string): Promise<ShopRow[]> {
    return this.db.selectFrom('shops').selectAll().where('org_id', '=', orgId).orderBy('created_at').execute();
  }

  findInOrg(orgId: string, id: string): Promise<ShopRow | undefined> {
    return this.db.selectFrom('shops').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  /** The widget finds its shop by the public key pasted into the storefront (not a secret). */
  findByPublicKey(publicKey: string): Promise<ShopRow | undefined> {
    return this.db.selectFrom('shops').selectAll().where('public_key', '=', publicKey).executeTakeFirst();
  }

  async insert(row: ShopRow): Promise<void> {
    await this.db.insertInto('shops').values(row).execute();
  }

  async update(orgId: string, id: string, patch: Partial<Omit<ShopRow, 'id' | 'org_id' | 'created_at'>>): Promise<void> {
    await this.db.updateTable('shops').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
  }
}
