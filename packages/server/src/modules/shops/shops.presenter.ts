import { ALL_DAY, type BusinessHours, type Platform, type ShopDto } from '@kefu/contracts';
import type { ShopRow } from './shops.repository.js';

export function parseBusinessHours(text: string): BusinessHours {
  try {
    const v = JSON.parse(text) as BusinessHours;
    return Array.isArray(v?.days) && v.days.length === 7 ? v : ALL_DAY;
  } catch {
    return ALL_DAY;
  }
}

export function presentShop(row: ShopRow): ShopDto {
  return {
    id: row.id,
    name: row.name,
    platform: row.platform as Platform,
    timeZone: row.time_zone,
    businessHours: parseBusinessHours(row.business_hours),
    publicKey: row.public_key,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
