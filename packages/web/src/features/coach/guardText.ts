import type { GuardLink, GuardResult, GuardRiskKind } from '@kefu/core';
import type { TFunction } from 'i18next';

/**
 * Why a buyer's link is disarmed, in the UI language. Core writes the reason in Chinese (shown as is in zh-CN);
 * English is rebuilt from the link itself: unreadable, disguised (`user@host`, punycode) or a foreign site.
 */
export function linkReason(link: GuardLink, t: TFunction, lang: string): string | undefined {
  if (link.allowed) return undefined;
  if (lang !== 'en') return link.reason;
  if (!link.host) return t('coach.guard.warn.linkUnreadable');
  let disguised = link.host.split('.').some((p) => p.startsWith('xn--'));
  try {
    const u = new URL(link.url);
    disguised ||= u.username !== '' || u.password !== '';
  } catch {
    // Not parseable here either: the host check above already holds.
  }
  return t(disguised ? 'coach.guard.warn.linkDisguised' : 'coach.guard.warn.linkForeign', { host: link.host });
}

/** The guard's warnings for the agent in the UI language, in core's order (links, then risks by kind). */
export function guardWarnings(g: GuardResult, t: TFunction, lang: string): string[] {
  if (lang !== 'en') return g.agentWarnings;
  const out: string[] = [];
  const disarmed = g.links.filter((l) => !l.allowed);
  for (const l of disarmed) {
    const r = linkReason(l, t, lang);
    if (r) out.push(r);
  }
  const has = (k: GuardRiskKind) => g.risks.some((r) => r.kind === k);
  if (has('phishing')) out.push(t(disarmed.length > 0 ? 'coach.guard.warn.phishingLink' : 'coach.guard.warn.phishing'));
  if (has('off_platform')) out.push(t('coach.guard.warn.offPlatform'));
  if (has('qr_code')) out.push(t('coach.guard.warn.qrCode'));
  if (has('file_lure')) out.push(t('coach.guard.warn.fileLure'));
  if (g.abuse === 'insult') out.push(t('coach.guard.warn.insult'));
  else if (g.abuse === 'harsh') out.push(t('coach.guard.warn.harsh'));
  return out;
}
