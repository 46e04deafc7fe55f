import { BulbOutlined, EditOutlined, SendOutlined } from '@ant-design/icons';
import type { MessageDto, ScenarioId, SuggestionsFrame } from '@kefu/contracts';
import { Button, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RealtimeStore } from '../workbench/store.js';
import { quickRepliesApi } from './api.js';

interface Props {
  shopId: string;
  conversationId: string;
  /** The open thread (newest last); suggestions follow its latest buyer text. */
  messages: readonly MessageDto[] | undefined;
  disabled?: boolean;
  /** Sends the text as the agent's reply. */
  onSend(text: string): void;
  /** Puts the text into the composer for editing. */
  onEdit(text: string): void;
  /** Esc: back to the composer. */
  onEscape?(): void;
  /** The frames the server pushes on the agent socket (the workbench store); without it, or when none comes, REST. */
  pushed?: PushedSuggestions;
}

/** Where pushed `suggestions` frames are read from: the workbench store. */
export type PushedSuggestions = Pick<RealtimeStore, 'suggestionsFor' | 'onEvent'>;

/** How long to wait for the pushed frame of a new buyer message before asking over REST. */
const PUSH_WAIT_MS = 800;

/** The latest buyer text message not yet answered by an agent, if any. */
export function pendingBuyerMessage(messages: readonly MessageDto[] | undefined): MessageDto | null {
  if (!messages) return null;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.sender === 'agent' && m.kind !== 'note') return null;
    if (m.sender === 'buyer') return m.kind === 'text' ? m : null;
  }
  return null;
}

/**
 * Suggested replies for the buyer's latest message, ranked by the server for its scenario.
 * Keys: Alt+1…5 selects a suggestion, Enter sends it (two keystrokes), → or E puts it in the composer,
 * ↑/↓ move, Esc returns to the composer. A suggestion with an unfilled variable is never sent directly.
 */
export function SuggestionsPanel(p: Props) {
  const { t } = useTranslation();
  const last = pendingBuyerMessage(p.messages);
  const [frame, setFrame] = useState<SuggestionsFrame | null>(null);
  const items = useRef<Array<HTMLDivElement | null>>([]);
  const lastId = last?.id ?? null;

  const pushed = p.pushed;
  useEffect(() => {
    setFrame(null);
    if (!lastId || !p.shopId) return;
    // The server pushes each buyer message's frame to the agent's socket just after the message: use it. REST only
    // when it does not come (a conversation opened later, another agent's, a reconnect) or there is no socket.
    const have = pushed?.suggestionsFor(p.conversationId);
    if (have?.messageId === lastId) {
      setFrame(have);
      return;
    }
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = pushed?.onEvent((e) => {
      if (e.type !== 'suggestions' || e.frame.conversationId !== p.conversationId || e.frame.messageId !== lastId) return;
      clearTimeout(timer);
      if (live) setFrame(e.frame);
    });
    const load = (attempt: number) =>
      quickRepliesApi
        .suggestions(p.shopId, p.conversationId)
        .then((f) => {
          if (!live) return;
          if (f && f.messageId === lastId) setFrame(f);
          else if (attempt < 3) timer = setTimeout(() => void load(attempt + 1), 300);
        })
        .catch(() => undefined);
    // An older frame of this conversation means the socket is live and this message's frame is on its way.
    if (pushed && have) timer = setTimeout(() => void load(0), PUSH_WAIT_MS);
    else void load(0);
    return () => {
      live = false;
      clearTimeout(timer);
      off?.();
    };
  }, [p.shopId, p.conversationId, lastId, pushed]);

  const list = useMemo(() => (frame && lastId ? frame.items.slice(0, 5) : []), [frame, lastId]);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (!e.altKey || e.ctrlKey || e.metaKey || list.length === 0) return;
      const n = /^Digit([1-5])$/.exec(e.code)?.[1];
      if (!n) return;
      const el = items.current[Number(n) - 1];
      if (!el) return;
      e.preventDefault();
      el.focus();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [list.length]);

  if (!last) return null;
  const send = (i: number) => {
    const s = list[i];
    if (!s || p.disabled) return;
    if (s.missing?.length) p.onEdit(s.text);
    else p.onSend(s.text);
  };

  return (
    <div style={{ borderTop: '1px solid #f0f0f0', background: '#f7fbff', padding: '6px 12px 8px' }} data-testid="suggestions" aria-label={t('assist.sgTitle')}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 6, marginBottom: 4 }}>
        <BulbOutlined style={{ color: '#1677ff' }} />
        <Typography.Text strong style={{ fontSize: 12 }}>{t('assist.sgTitle')}</Typography.Text>
        {frame && <Tag color="blue" style={{ marginInlineEnd: 0 }} data-testid="suggestions-scenario">{t(`scenarios.${frame.scenario as ScenarioId}`, { defaultValue: frame.scenario })}</Tag>}
        {frame?.autoAnswered && <Tag color="gold">{t('assist.sgAuto')}</Tag>}
        <div style={{ flex: 1 }} />
        <Typography.Text type="secondary" style={{ fontSize: 11 }}>{t('assist.sgKeys')}</Typography.Text>
      </div>
      {list.length === 0 ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('assist.sgEmpty')}</Typography.Text>
      ) : (
        <div role="listbox" style={{ display: 'flex', flexDirection: 'column', gap: 2, maxHeight: 172, overflowY: 'auto' }}>
          {list.map((s, i) => (
            <div
              key={s.id}
              ref={(el) => {
                items.current[i] = el;
              }}
              role="option"
              aria-selected={false}
              tabIndex={0}
              data-testid="suggestion"
              data-id={s.id}
              className="kefu-suggestion"
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
                  e.preventDefault();
                  send(i);
                } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                  e.preventDefault();
                  items.current[(i + (e.key === 'ArrowDown' ? 1 : list.length - 1)) % list.length]?.focus();
                } else if (e.key === 'ArrowRight' || e.key === 'e') {
                  e.preventDefault();
                  p.onEdit(s.text);
                } else if (e.key === 'Escape') {
                  e.preventDefault();
                  p.onEscape?.();
                }
              }}
              onDoubleClick={() => send(i)}
              style={{ display: 'flex', alignItems: 'flex-start', gap: 6, padding: '3px 6px', borderRadius: 6, cursor: 'default', outlineOffset: -2 }}
            >
              <Tag style={{ marginInlineEnd: 0, minWidth: 22, textAlign: 'center' }}>{i + 1}</Tag>
              <div style={{ flex: 1, minWidth: 0 }}>
                <div style={{ fontSize: 12 }}>
                  <Typography.Text strong style={{ fontSize: 12 }}>{s.title}</Typography.Text>
                  {s.kind === 'faq' && <Tag color="cyan" style={{ marginInlineStart: 6, fontSize: 11, lineHeight: '16px' }}>{t('assist.sgFaq')}</Tag>}
                  {s.shortcut && <Typography.Text type="secondary" style={{ fontSize: 11, marginInlineStart: 6 }}>/{s.shortcut}</Typography.Text>}
                  {s.missing?.length ? <Typography.Text type="warning" style={{ fontSize: 11, marginInlineStart: 6 }}>{t('assist.sgMissing', { vars: s.missing.join('、') })}</Typography.Text> : null}
                </div>
                <Tooltip title={s.reasons.join(' · ')} placement="topLeft">
                  <div style={{ fontSize: 12, color: '#595959', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>{s.text}</div>
                </Tooltip>
              </div>
              <Button size="small" type="text" icon={<EditOutlined />} onClick={() => p.onEdit(s.text)} aria-label="edit" tabIndex={-1} />
              <Button size="small" type="text" icon={<SendOutlined />} disabled={p.disabled || Boolean(s.missing?.length)} onClick={() => send(i)} aria-label="send" tabIndex={-1} />
            </div>
          ))}
        </div>
      )}
      <style>{'.kefu-suggestion:focus{background:#e6f4ff;outline:2px solid #1677ff}.kefu-suggestion:hover{background:#eef6ff}'}</style>
    </div>
  );
}
