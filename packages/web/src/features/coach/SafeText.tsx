import { WarningFilled } from '@ant-design/icons';
import type { Platform } from '@kefu/contracts';
import { type GuardResult, renderSafeSegments, screenBuyerMessage } from '@kefu/core';
import { Tooltip } from 'antd';
import { memo, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/AuthContext.js';
import { linkReason } from './guardText.js';
import './i18n.js';

/**
 * A buyer's message as React text nodes: plain text, clickable links only to the shop's platform domains (new tab,
 * no referrer), other links disarmed (not clickable, warning icon with the reason). Never HTML.
 */
export const SafeText = memo(function SafeText({ text, platform, guard }: { text: string; platform?: Platform; guard?: GuardResult }) {
  const { t, i18n } = useTranslation();
  const { shop } = useAuth();
  const p = platform ?? shop?.platform ?? 'web';
  const g = useMemo(() => guard ?? screenBuyerMessage({ text, platform: p }), [guard, text, p]);
  const segments = useMemo(() => renderSafeSegments(text, g), [text, g]);
  if (g.links.length === 0) return <>{text}</>;
  const reasons = g.links.filter((l) => !l.allowed);
  let disarmed = 0;
  return (
    <>
      {segments.map((s, i) => {
        if (s.kind === 'text') return <span key={i}>{s.text}</span>;
        if (s.kind === 'link')
          return (
            <a key={i} href={s.url} target="_blank" rel="noopener noreferrer" data-testid="safe-link">
              {s.text}
            </a>
          );
        const link = reasons[disarmed++];
        const reason = link ? linkReason(link, t, i18n.language) : undefined;
        return (
          <Tooltip key={i} title={reason ? t('coach.guard.disarmed', { reason }) : t('coach.guard.disarmedDefault')}>
            <span data-testid="disarmed-link" aria-disabled="true" style={{ color: '#cf1322', background: '#fff1f0', borderRadius: 3, padding: '0 2px', cursor: 'not-allowed', textDecoration: 'underline dotted' }}>
              <WarningFilled style={{ marginInlineEnd: 2 }} />
              {s.text}
            </span>
          </Tooltip>
        );
      })}
    </>
  );
});
