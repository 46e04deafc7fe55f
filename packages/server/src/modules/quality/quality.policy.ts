import { type Platform, isPlatform } from '@kefu/contracts';
import { COACH_FLAG_IDS, type CoachFlagExt, type ConcessionLadder, CONCESSION_KINDS } from '@kefu/core';
import type { AuthContext } from '../../http/auth.js';
import { AppError } from '../../http/errors.js';

/** Flags that block sending whatever the shop chose: contact details off the platform (seed 001 §6). */
export const ALWAYS_BLOCKING = ['off_platform_contact'] as const;

/** Flag ids a shop may make blocking (the 7 contract flags and the ladder's concession_jump). */
export const BLOCKABLE_FLAGS: readonly string[] = [...COACH_FLAG_IDS, 'concession_jump'];

/** Supervisors and owners manage coach settings and review conversations. */
export function canManageQuality(auth: AuthContext): boolean {
  return auth.agent.role === 'owner' || auth.agent.role === 'supervisor';
}

export function assertManager(auth: AuthContext): void {
  if (!canManageQuality(auth)) throw new AppError('auth.forbidden', '只有主管和店主可以执行此操作');
}

/** The shop's blocking set: what it chose plus the flags that always block. */
export function blockingSet(chosen: readonly string[]): Set<string> {
  return new Set([...chosen.filter((f) => BLOCKABLE_FLAGS.includes(f)), ...ALWAYS_BLOCKING]);
}

/** The flags of a draft that stop it from being sent. */
export function blockingFlags(flags: readonly CoachFlagExt[], blocking: ReadonlySet<string>): CoachFlagExt[] {
  return flags.filter((f) => blocking.has(f.id));
}

/** Message of `message.blocked`: what was found, so the agent can fix it without the coach bar. */
export function blockedMessage(flags: readonly CoachFlagExt[], reply: string): string {
  const parts = flags.slice(0, 3).map((f) => `「${reply.slice(f.start, f.end) || '整条消息'}」${f.message}`);
  return `消息未发送：${parts.join('；')}`;
}

export function platformOf(value: string | undefined): Platform {
  return value && isPlatform(value) ? value : 'web';
}

/** Checks a ladder from untrusted JSON; returns what is wrong, empty when fine. */
export function validateLadder(l: ConcessionLadder): string[] {
  const errors: string[] = [];
  const kinds = l.steps.map((s) => s.kind);
  if (new Set(kinds).size !== kinds.length) errors.push('每种让步只能出现一次');
  for (const s of l.steps) {
    if (!(CONCESSION_KINDS as readonly string[]).includes(s.kind)) errors.push(`未知的让步类型 ${s.kind}`);
    if (s.kind === 'price_off' && s.amount !== undefined && s.amount > l.maxPriceOff) errors.push(`降价 ${s.amount} 元超过了最多让价 ${l.maxPriceOff} 元`);
  }
  const price = kinds.indexOf('price_off');
  if (price !== -1 && price !== kinds.length - 1) errors.push('直接降价必须是最后一步');
  return errors;
}
