import { ALL_DAY, RESPONSE_TARGET_SEC, type BusinessHours, type Platform, type ShopDto } from '@kefu/contracts';
import type { ShopRow } from './shops.repository.js';

export function parseBusinessHours(text: string): BusinessHours {
  try {
    const v = JSON.parse(text) as BusinessHours;
    return Array.isArray(v?.days) && v.days.length === 7 ? v : ALL_DAY;
  } catch {
    return ALL_DAY;
  }
}

/** The first-response target from the coach's review targets JSON (`{ firstResponseSec }`), else the default. */
export function parseResponseTarget(targets: string | null | undefined): number {
  if (!targets) return RESPONSE_TARGET_SEC.default;
  try {
    const v = (JSON.parse(targets) as { firstResponseSec?: unknown } | null)?.firstResponseSec;
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : RESPONSE_TARGET_SEC.default;
  } catch {
    return RESPONSE_TARGET_SEC.default;
  }
}

export function presentShop(row: ShopRow): ShopDto {
  return {
    id: row.id,
    name: row.name,
    platform: row.platform as Platform,
    timeZone: row.time_zone,
    businessHours: parseBusinessHours(row.business_hours),
    responseTargetSec: parseResponseTarget(row.coach_targets),
    publicKey: row.public_key,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
