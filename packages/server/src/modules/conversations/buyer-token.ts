import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { newToken } from '../../storage/ids.js';
import type { Database } from '../../storage/schema.js';

/** Who a buyer socket or widget request is. */
export interface BuyerPrincipal {
  shopId: string;
  buyerId: string;
}

const TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;
const KV_KEY = 'buyer_token_secret';

const b64 = (s: string) => Buffer.from(s).toString('base64url');

/**
 * Stateless buyer tokens: base64url(JSON {s: shopId, b: buyerId, e: expiry}) + "." + HMAC. The key lives
 * in the database (kv) so every process of a scaled deployment accepts every token.
 */
export class BuyerTokens {
  private key: Promise<Buffer> | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  private secret(): Promise<Buffer> {
    this.key ??= (async () => {
      await this.db
        .insertInto('kv')
        .values({ key: KV_KEY, value: newToken(32), updated_at: this.now() })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      const row = await this.db.selectFrom('kv').select('value').where('key', '=', KV_KEY).executeTakeFirstOrThrow();
      return Buffer.from(row.value, 'base64url');
    })();
    return this.key;
  }

  async sign(p: BuyerPrincipal): Promise<string> {
    const body = b64(JSON.stringify({ s: p.shopId, b: p.buyerId, e: this.now() + TOKEN_TTL_MS }));
    return `${body}.${createHmac('sha256', await this.secret()).update(body).digest('base64url')}`;
  }

  /** The principal of a valid, unexpired token; null otherwise. */
  async verify(token: string | undefined | null): Promise<BuyerPrincipal | null> {
    if (!token || token.length > 500) return null;
    const [body, sig] = token.split('.');
    if (!body || !sig) return null;
    const expected = createHmac('sha256', await this.secret()).update(body).digest();
    const given = Buffer.from(sig, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const v = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { s?: unknown; b?: unknown; e?: unknown };
      if (typeof v.s !== 'string' || typeof v.b !== 'string' || typeof v.e !== 'number' || v.e < this.now()) return null;
      return { shopId: v.s, buyerId: v.b };
    } catch {
      return null;
    }
  }
}

/** The signature a shop puts in `data-buyer-sig`: hex HMAC-SHA256 of the buyer id with the shop's widget secret. */
export function signBuyerId(widgetSecret: string, buyerId: string): string {
  return createHmac('sha256', widgetSecret).update(buyerId).digest('hex');
}

export function verifyBuyerSig(widgetSecret: string, buyerId: string, sig: string): boolean {
  const expected = Buffer.from(signBuyerId(widgetSecret, buyerId), 'hex');
  const given = Buffer.from(sig, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
