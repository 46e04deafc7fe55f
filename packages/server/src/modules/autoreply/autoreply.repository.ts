import { AutoReplySettings } from '@kefu/contracts';
import type { Kysely } from 'kysely';
import { newToken } from '../../storage/ids.js';
import type { Database } from '../../storage/schema.js';
import { DEFAULT_AUTO_REPLY } from './autoreply.defaults.js';

/** Per-shop chat settings: auto replies and the widget signing secret (one row per shop, created on first use). */
export class ChatSettingsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private async row(shopId: string) {
    const found = await this.db.selectFrom('shop_chat_settings').selectAll().where('shop_id', '=', shopId).executeTakeFirst();
    if (found) return found;
    const row = { shop_id: shopId, widget_secret: `whsec_${newToken(24)}`, auto_reply: JSON.stringify(DEFAULT_AUTO_REPLY), updated_at: Date.now() };
    await this.db.insertInto('shop_chat_settings').values(row).onConflict((oc) => oc.column('shop_id').doNothing()).execute();
    return this.db.selectFrom('shop_chat_settings').selectAll().where('shop_id', '=', shopId).executeTakeFirstOrThrow();
  }

  async autoReply(shopId: string): Promise<AutoReplySettings> {
    const r = await this.row(shopId);
    const parsed = AutoReplySettings.safeParse(JSON.parse(r.auto_reply));
    return parsed.success ? parsed.data : DEFAULT_AUTO_REPLY;
  }

  async setAutoReply(shopId: string, settings: AutoReplySettings): Promise<void> {
    await this.row(shopId);
    await this.db
      .updateTable('shop_chat_settings')
      .set({ auto_reply: JSON.stringify(settings), updated_at: Date.now() })
      .where('shop_id', '=', shopId)
      .execute();
  }

  async widgetSecret(shopId: string): Promise<string> {
    return (await this.row(shopId)).widget_secret;
  }

  async rotateWidgetSecret(shopId: string): Promise<string> {
    await this.row(shopId);
    const secret = `whsec_${newToken(24)}`;
    await this.db.updateTable('shop_chat_settings').set({ widget_secret: secret, updated_at: Date.now() }).where('shop_id', '=', shopId).execute();
    return secret;
  }

  /** Auto-close timeouts of every shop that has settings (others use the default). */
  async autoCloseMinutesByShop(): Promise<Map<string, number>> {
    const rows = await this.db.selectFrom('shop_chat_settings').select(['shop_id', 'auto_reply']).execute();
    const out = new Map<string, number>();
    for (const r of rows) {
      const parsed = AutoReplySettings.safeParse(JSON.parse(r.auto_reply));
      out.set(r.shop_id, parsed.success ? parsed.data.autoCloseMinutes : DEFAULT_AUTO_REPLY.autoCloseMinutes);
    }
    return out;
  }
}
