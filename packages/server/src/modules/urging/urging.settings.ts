import { randomBytes } from 'node:crypto';
import {
  DEFAULT_GROUP_THRESHOLDS,
  DEFAULT_URGING_SETTINGS,
  validateUrgingSettings,
  type GroupThresholds,
  type UrgingSettings,
} from '@kefu/core';
import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../../http/errors.js';
import type { Database } from '../../storage/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export type UrgingChannel = 'chat' | 'sms';

/** A shop's 催付 settings: the core schedule plus switches and channels. */
export interface ShopUrgingSettings extends UrgingSettings {
  enabled: boolean;
  channels: UrgingChannel[];
  /** Today's shipping cut-off for the `{截止时间}` of the same-day script (seed 001 回复4). */
  dispatchCutoff: string;
  /** SMS sign shown as 【…】 (defaults to the shop name). */
  smsSign?: string;
}

export interface CommerceSettings {
  urging: ShopUrgingSettings;
  groups: GroupThresholds;
  webhookSecret: string;
}

function parse<T>(text: string): Partial<T> {
  try {
    return JSON.parse(text) as Partial<T>;
  } catch {
    return {};
  }
}

/** Per-shop commerce settings; the row (and the webhook secret) is created on first read. */
export class CommerceSettingsRepository {
  constructor(private readonly db: Kysely<Database>, private readonly now: () => number = Date.now) {}

  async get(shopId: string, db: Db = this.db): Promise<CommerceSettings> {
    let row = await db.selectFrom('shop_commerce_settings').selectAll().where('shop_id', '=', shopId).executeTakeFirst();
    if (!row) {
      await db
        .insertInto('shop_commerce_settings')
        .values({ shop_id: shopId, urging: '{}', groups: '{}', webhook_secret: `whsec_${randomBytes(24).toString('base64url')}`, updated_at: this.now() })
        .onConflict((oc) => oc.column('shop_id').doNothing())
        .execute();
      row = await db.selectFrom('shop_commerce_settings').selectAll().where('shop_id', '=', shopId).executeTakeFirstOrThrow();
    }
    const shop = await db.selectFrom('shops').select(['time_zone']).where('id', '=', shopId).executeTakeFirst();
    const u = parse<ShopUrgingSettings>(row.urging);
    return {
      urging: { ...DEFAULT_URGING_SETTINGS, tz: shop?.time_zone ?? DEFAULT_URGING_SETTINGS.tz, enabled: true, channels: ['chat', 'sms'], dispatchCutoff: '16:00', ...u },
      groups: { ...DEFAULT_GROUP_THRESHOLDS, ...parse<GroupThresholds>(row.groups) },
      webhookSecret: row.webhook_secret,
    };
  }

  async putUrging(shopId: string, patch: Partial<ShopUrgingSettings>): Promise<ShopUrgingSettings> {
    const cur = await this.get(shopId);
    const next = { ...cur.urging, ...patch };
    validateUrgingSettings(next);
    if (!/^\d{2}:\d{2}$/.test(next.dispatchCutoff)) throw new AppError('request.invalid', 'dispatchCutoff 应为 HH:MM 格式');
    await this.db.updateTable('shop_commerce_settings').set({ urging: JSON.stringify(next), updated_at: this.now() }).where('shop_id', '=', shopId).execute();
    return next;
  }

  async putGroups(shopId: string, patch: Partial<GroupThresholds>): Promise<GroupThresholds> {
    const cur = await this.get(shopId);
    const next = { ...cur.groups, ...patch };
    for (const [k, v] of Object.entries(next)) if (!(Number.isFinite(v) && v > 0)) throw new AppError('request.invalid', `${k} 必须大于 0`);
    await this.db.updateTable('shop_commerce_settings').set({ groups: JSON.stringify(next), updated_at: this.now() }).where('shop_id', '=', shopId).execute();
    return next;
  }

  async rotateWebhookSecret(shopId: string): Promise<string> {
    await this.get(shopId);
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    await this.db.updateTable('shop_commerce_settings').set({ webhook_secret: secret, updated_at: this.now() }).where('shop_id', '=', shopId).execute();
    return secret;
  }
}
