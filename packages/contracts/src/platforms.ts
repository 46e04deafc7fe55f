/** Marketplaces a shop can live on; decides platform-forbidden words and clickable link domains. */
export const PLATFORMS = ['taobao', 'tmall', 'jd', 'pdd', 'douyin', 'wechat', 'web'] as const;
export type Platform = (typeof PLATFORMS)[number];

export function isPlatform(value: string): value is Platform {
  return (PLATFORMS as readonly string[]).includes(value);
}

/** Agent roles, most powerful first. */
export const ROLES = ['owner', 'supervisor', 'agent'] as const;
export type Role = (typeof ROLES)[number];

/** Who sent a message (KPIS.md inputs). */
export const SENDER_KINDS = ['buyer', 'agent', 'auto', 'system'] as const;
export type SenderKind = (typeof SENDER_KINDS)[number];
