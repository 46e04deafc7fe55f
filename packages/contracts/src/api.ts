import { z } from 'zod';
import { PLATFORMS, ROLES } from './platforms.js';

/** Weekly business hours in the shop's time zone: per weekday (0 = Sunday) a list of HH:MM ranges. */
export const BusinessHoursSchema = z
  .object({
    days: z
      .array(z.array(z.object({ start: z.string().regex(/^\d{2}:\d{2}$/), end: z.string().regex(/^\d{2}:\d{2}$/) })).max(4))
      .length(7),
  })
  .describe('weekly business hours; empty day = closed');
export type BusinessHours = z.infer<typeof BusinessHoursSchema>;

export const ALL_DAY: BusinessHours = { days: Array.from({ length: 7 }, () => [{ start: '00:00', end: '24:00' }]) };

export const LoginBody = z.object({
  email: z.string().trim().toLowerCase().email().max(200),
  password: z.string().min(1).max(200),
});

export const ChangePasswordBody = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(10, '新密码至少 10 位').max(200),
});

/**
 * A shop's first-response target in seconds (首次响应目标): the workbench and the live board turn a buyer's wait red
 * past it, and 质检 scores first responses against it (stored with the coach's review targets).
 */
export const RESPONSE_TARGET_SEC = { default: 30, min: 5, max: 3600 } as const;
export const ResponseTargetSec = z.number().int().min(RESPONSE_TARGET_SEC.min).max(RESPONSE_TARGET_SEC.max);

export const ShopBody = z.object({
  name: z.string().trim().min(1).max(60),
  platform: z.enum(PLATFORMS),
  timeZone: z.string().max(64).default('Asia/Shanghai'),
  businessHours: BusinessHoursSchema.optional(),
  responseTargetSec: ResponseTargetSec.optional(),
});

export const ShopPatch = ShopBody.partial();

export const InviteAgentBody = z.object({
  email: z.string().trim().toLowerCase().email().max(200),
  displayName: z.string().trim().min(1).max(40),
  role: z.enum(ROLES),
  shopIds: z.array(z.string().max(40)).max(100).default([]),
  password: z.string().min(10).max(200).optional(),
});

export const AgentPatch = z.object({
  displayName: z.string().trim().min(1).max(40).optional(),
  role: z.enum(ROLES).optional(),
  shopIds: z.array(z.string().max(40)).max(100).optional(),
  disabled: z.boolean().optional(),
});

export interface ShopDto {
  id: string;
  name: string;
  platform: (typeof PLATFORMS)[number];
  timeZone: string;
  businessHours: BusinessHours;
  /** First-response target in seconds (RESPONSE_TARGET_SEC.default when the shop never set one). */
  responseTargetSec: number;
  publicKey: string;
  createdAt: string;
}

export interface AgentDto {
  id: string;
  email: string;
  displayName: string;
  role: (typeof ROLES)[number];
  shopIds: string[];
  disabled: boolean;
  createdAt: string;
}

export interface MeDto {
  agent: AgentDto;
  organization: { id: string; name: string };
  shops: ShopDto[];
  csrfToken: string;
}
