import { BulbOutlined, CheckCircleOutlined, StopOutlined, WarningOutlined } from '@ant-design/icons';
import type { Platform } from '@kefu/contracts';
import { type CoachFlagExt, type ConcessionKind, checkConcessionJump, lintReply, nextConcession, screenBuyerMessage } from '@kefu/core';
import { Alert, Button, Popconfirm, Space, Tag } from 'antd';
import { type MutableRefObject, memo, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { coachApi } from './api.js';
import { guardWarnings } from './guardText.js';
import './i18n.js';
import { applyRewrite, isBargaining } from './rewrite.js';
import { type ShopCoachRules, useShopCoach } from './useCoach.js';

export interface CoachBarProps {
  shopId: string;
  platform: Platform;
  conversationId: string;
  /** Changes when messages arrive (reloads what the conversation already offered). */
  lastSeq: number;
  /** The buyer's last text message. */
  buyerText: string;
  draft: string;
  mode: 'text' | 'note';
  onDraft(text: string): void;
  /** Filled with a synchronous check the composer calls on send: false = blocked, keep the draft. */
  checkRef?: MutableRefObject<((text: string) => boolean) | null>;
  /** Sends a last polite reply and ends the chat (abusive buyer, seed 004). */
  onEndPolitely?(reply: string): void;
  /** Lint on every change (bench: coach cost without the debounce). */
  debounceMs?: number;
}

/** Lints a draft with the shop's rules and the conversation's concession history (pure, synchronous). */
export function lintDraft(coach: ShopCoachRules, buyer: string, draft: string, offered: readonly ConcessionKind[]): CoachFlagExt[] {
  if (!draft.trim()) return [];
  return [...lintReply({ buyer, reply: draft, platform: coach.rules.platform }, coach.rules), ...checkConcessionJump(draft, coach.ladder, offered)].sort(
    (a, b) => a.start - b.start || a.end - b.end,
  );
}

const MAX_SHOWN = 5;

/** `localStorage['kefu.coach'] = 'off'` hides the coach in this browser (bench baseline; the server still blocks). */
function coachOff(): boolean {
  try {
    return localStorage.getItem('kefu.coach') === 'off';
  } catch {
    return false;
  }
}

/**
 * Under the reply box: the coach's flags on the draft (debounced, computed in the browser), one-click rewrites,
 * blocking state, the ladder's next concession when the buyer bargains, and the guard's warning on the buyer's
 * last message (with "end politely" for abuse).
 */
export const CoachBar = memo(function CoachBar(p: CoachBarProps) {
  const { t, i18n } = useTranslation();
  const [off] = useState(coachOff);
  const coach = useShopCoach(off ? '' : p.shopId, p.platform);
  const [offered, setOffered] = useState<ConcessionKind[]>([]);
  const [flags, setFlags] = useState<CoachFlagExt[]>([]);
  const [linted, setLinted] = useState('');
  const latest = useRef({ coach, offered, buyer: p.buyerText });
  latest.current = { coach, offered, buyer: p.buyerText };

  useEffect(() => {
    if (off) return;
    let live = true;
    coachApi.conversation(p.shopId, p.conversationId).then(
      (s) => live && setOffered(s.offered),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [off, p.shopId, p.conversationId, p.lastSeq]);

  const active = p.mode === 'text' && !off;
  useEffect(() => {
    if (!active) {
      setFlags([]);
      setLinted('');
      return;
    }
    // Longer drafts wait a little longer: typing stays fluid, the flags follow once the agent pauses.
    const wait = p.debounceMs ?? (p.draft.length > 2000 ? 400 : 150);
    const run = () => {
      setFlags(lintDraft(coach, p.buyerText, p.draft, offered));
      setLinted(p.draft);
    };
    if (wait <= 0) {
      run();
      return;
    }
    const timer = setTimeout(run, wait);
    return () => clearTimeout(timer);
  }, [active, coach, p.buyerText, p.draft, offered, p.debounceMs]);

  useEffect(() => {
    if (!p.checkRef || off) return;
    p.checkRef.current = (text: string) => {
      const { coach: c, offered: o, buyer } = latest.current;
      const now = lintDraft(c, buyer, text, o);
      setFlags(now);
      setLinted(text);
      return !now.some((f) => c.blocking.has(f.id));
    };
    return () => {
      if (p.checkRef) p.checkRef.current = null;
    };
  }, [p.checkRef, off]);

  // Callbacks through a ref: the memoized parts below re-render only when their data changes, not per keystroke.
  const cb = useRef(p);
  cb.current = p;
  const guard = useMemo(() => (p.buyerText && !off ? screenBuyerMessage({ text: p.buyerText, platform: coach.rules.platform }) : null), [off, p.buyerText, coach.rules.platform]);
  const next = useMemo(() => (isBargaining(p.buyerText) ? nextConcession(coach.ladder, offered) : undefined), [p.buyerText, coach.ladder, offered]);
  const fresh = linted === p.draft;
  const blocked = fresh && flags.some((f) => coach.blocking.has(f.id));

  const guardAlert = useMemo(
    () =>
      guard && (guard.level !== 'safe' || guard.abuse !== 'none') ? (
        <Alert
          data-testid="guard-alert"
          type={guard.level === 'danger' || guard.abuse === 'insult' ? 'error' : 'warning'}
          showIcon
          style={{ padding: '4px 10px', marginBottom: 6 }}
          title={
            <span style={{ fontSize: 12 }}>
              {guardWarnings(guard, t, i18n.language).join(' ')}
              {guard.mayEndChat && <span style={{ fontSize: 12, marginInlineStart: 6, color: '#8c8c8c' }}>{t('coach.guard.endHint')}</span>}
            </span>
          }
          action={
            <Space size={4}>
              {guard.suggestedReply && (
                <Button size="small" data-testid="guard-use-reply" onClick={() => cb.current.onDraft(guard.suggestedReply!)}>
                  {t('coach.guard.useReply')}
                </Button>
              )}
              {guard.mayEndChat && guard.suggestedReply && (
                <Popconfirm title={t('coach.guard.endConfirm')} onConfirm={() => cb.current.onEndPolitely?.(guard.suggestedReply!)}>
                  <Button size="small" danger data-testid="guard-end-politely">
                    {t('coach.guard.endPolitely')}
                  </Button>
                </Popconfirm>
              )}
            </Space>
          }
        />
      ) : null,
    [guard, t, i18n.language],
  );

  const ladderHint = useMemo(
    () =>
      next === undefined ? null : (
        <div data-testid="ladder-next" style={{ display: 'flex', alignItems: 'center', gap: 6, marginBottom: 4, color: '#595959' }}>
          <BulbOutlined style={{ color: '#faad14' }} />
          {next ? (
            <>
              <span>{t('coach.nextStep')}</span>
              <Tag color="gold" style={{ marginInlineEnd: 0 }}>
                {next.label}
              </Tag>
              <Button size="small" type="link" style={{ padding: 0, height: 'auto' }} onClick={() => cb.current.onDraft(t('coach.stepScript', { label: next.label }))}>
                {t('coach.insertStep')}
              </Button>
            </>
          ) : (
            <span>{t('coach.ladderDone')}</span>
          )}
        </div>
      ),
    [next, t],
  );

  const list = useMemo(
    () => (
      <FlagList
        flags={flags}
        text={linted}
        blocking={coach.blocking}
        onApply={(text) => {
          // The agent typed since the last lint: re-lint the current draft instead of dropping what was typed.
          if (cb.current.draft === linted) return cb.current.onDraft(text);
          const { coach: c, offered: o, buyer } = latest.current;
          setFlags(lintDraft(c, buyer, cb.current.draft, o));
          setLinted(cb.current.draft);
        }}
      />
    ),
    [flags, linted, coach.blocking],
  );

  if (off) return null;
  if (!active) return guardAlert ? <div style={{ padding: '0 12px 8px' }}>{guardAlert}</div> : null;
  return (
    <div data-testid="coach-bar" data-blocked={blocked ? 'true' : 'false'} style={{ padding: '0 12px 8px', fontSize: 12 }}>
      {guardAlert}
      {ladderHint}
      {blocked && (
        <div data-testid="coach-blocked" style={{ color: '#cf1322', marginBottom: 2 }}>
          <StopOutlined /> {t('coach.blockedHint')}
        </div>
      )}
      {list}
      {fresh && flags.length === 0 && p.draft.trim() && (
        <span data-testid="coach-clean" style={{ color: '#52c41a' }}>
          <CheckCircleOutlined /> {t('coach.clean')}
        </span>
      )}
    </div>
  );
});

const ellipsis = { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' } as const;

/** The flags of the last lint, shown against the text they were computed on (rewrites apply to that text). */
const FlagList = memo(function FlagList({ flags, text, blocking, onApply }: { flags: CoachFlagExt[]; text: string; blocking: ReadonlySet<string>; onApply(text: string): void }) {
  const { t } = useTranslation();
  return (
    <>
      {flags.slice(0, MAX_SHOWN).map((f, i) => {
        const isBlocking = blocking.has(f.id);
        const rewritten = applyRewrite(text, f);
        const span = text.slice(f.start, f.end);
        const whole = f.start === 0 && f.end === text.length;
        return (
          <div key={`${f.id}-${f.start}-${i}`} data-testid="coach-flag" data-flag-id={f.id} style={{ display: 'flex', alignItems: 'center', gap: 6, lineHeight: '22px', minWidth: 0 }}>
            <Tag color={isBlocking ? 'red' : 'orange'} icon={isBlocking ? <StopOutlined /> : <WarningOutlined />} style={{ marginInlineEnd: 0, flex: '0 0 auto' }}>
              {t(`coach.flags.${f.id}`)}
            </Tag>
            {!whole && span && (
              <code style={{ ...ellipsis, fontSize: 12, flex: '0 0 auto', maxWidth: 140, background: '#f5f5f5', border: '1px solid #e8e8e8', borderRadius: 3, padding: '0 4px' }}>{span}</code>
            )}
            <span title={f.message} style={{ ...ellipsis, color: '#8c8c8c', flex: '1 1 auto', minWidth: 0 }}>
              {f.message}
            </span>
            {rewritten !== null && (
              <Button size="small" type="link" title={f.suggestion} data-testid="coach-rewrite" style={{ padding: 0, height: 'auto', flex: '0 0 auto' }} onClick={() => onApply(rewritten)}>
                {t('coach.rewrite')}
              </Button>
            )}
          </div>
        );
      })}
      {flags.length > MAX_SHOWN && <span style={{ color: '#8c8c8c' }}>+{flags.length - MAX_SHOWN}</span>}
    </>
  );
});
