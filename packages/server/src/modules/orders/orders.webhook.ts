import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-kefu-signature';
export const TIMESTAMP_HEADER = 'x-kefu-timestamp';
export const DELIVERY_HEADER = 'x-kefu-delivery';
/** A signed request older or newer than this is refused (limits replays of a captured request). */
export const WEBHOOK_TOLERANCE_MS = 5 * 60_000;

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${rawBody}`): what the shop's system sends. */
export function signWebhook(secret: string, timestamp: string | number, rawBody: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

/** Constant-time check of the signature and the timestamp window; false on anything malformed. */
export function verifyWebhook(secret: string, headers: { signature?: string | undefined; timestamp?: string | undefined }, rawBody: string, now: number): boolean {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp || !/^\d{9,13}$/.test(timestamp)) return false;
  // Seconds (10 digits) or milliseconds (13).
  const ts = timestamp.length >= 13 ? Number(timestamp) : Number(timestamp) * 1000;
  if (Math.abs(now - ts) > WEBHOOK_TOLERANCE_MS) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, rawBody));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
