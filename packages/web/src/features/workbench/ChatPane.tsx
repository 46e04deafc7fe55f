import { CloseCircleOutlined, LoginOutlined, SwapOutlined } from '@ant-design/icons';
import type { ConversationDto } from '@kefu/contracts';
import { Button, Popconfirm, Space, Spin, Tag, Tooltip, Typography } from 'antd';
import { forwardRef, memo, useDeferredValue, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { QuickReplyItem } from './api.js';
import { useAuth } from '../../auth/AuthContext.js';
import { CoachBar } from '../coach/CoachBar.js';
import { Composer, type ComposerHandle } from './Composer.js';
import { MessageBubble, PendingBubble } from './MessageBubble.js';
import { lastBuyerText, lastAgentTextSeq, seqIndex } from './logic.js';
import type { PendingMessage, SendKind, Thread } from './store.js';
import { useUntil } from './time.js';

/**
 * Bubbles rendered when a conversation opens (several screens' worth); older loaded ones are revealed STEP at a time
 * on scroll up, without a request. Switching conversations costs WINDOW bubbles however long the history is.
 */
const WINDOW = 40;
const STEP = 60;
/** Bubbles painted in the switch itself; the rest of the window follows in a deferred render right after. */
const FIRST = 16;

const STATUS_COLOR: Record<ConversationDto['status'], string> = { open: 'processing', waiting: 'warning', assigned: 'success', closed: 'default' };

interface Props {
  conversation: ConversationDto;
  thread: Thread | undefined;
  pending: PendingMessage[];
  agentId: string;
  agentName(id?: string): string;
  draft: string;
  onDraft(v: string): void;
  mode: SendKind;
  onMode(m: SendKind): void;
  onSend(text: string, kind: SendKind): void;
  onTyping(): void;
  onRetry(clientId: string): void;
  onDiscard(clientId: string): void;
  onLoadEarlier(): void;
  onAccept(): void;
  onTransfer(): void;
  onClose(): void;
  quickReplies: QuickReplyItem[];
  fill(text: string): string;
  maxLength: number;
}

/**
 * Middle pane: header with actions, history with infinite scroll up, and the composer. Memoised: give it stable
 * callbacks, and it re-renders only when its conversation, thread, pending sends or draft change.
 */
export const ChatPane = memo(forwardRef<ComposerHandle, Props>(function ChatPane(p, composerRef) {
  const { t } = useTranslation();
  const c = p.conversation;
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const prevHeight = useRef<number | null>(null);
  const messages = p.thread?.messages ?? [];
  // Window over a long loaded history: switching to a conversation scrolled far back renders its newest WINDOW
  // bubbles, not thousands. The window is anchored by seq so live messages append without shifting the view.
  const [win, setWin] = useState<{ id: string; fromSeq: number } | null>(null);
  // Leaving a conversation forgets its window: coming back shows the newest bubbles again.
  if (win && win.id !== c.id) setWin(null);
  // A switch paints the newest FIRST bubbles (a screenful and more); React renders the whole window just after.
  const settled = useDeferredValue(c.id) === c.id;
  const size = settled ? WINDOW : FIRST;
  const defaultFrom = messages.length > size ? messages[messages.length - size]!.seq : 0;
  const fromSeq = win && win.id === c.id ? win.fromSeq : defaultFrom;
  const from = fromSeq > 0 ? seqIndex(messages, fromSeq) : 0;
  const firstShown = from < messages.length ? from : 0;
  const shown = firstShown > 0 ? messages.slice(firstShown) : messages;
  const hidden = shown.length < messages.length;
  const firstSeq = shown[0]?.seq;
  const lastSeq = messages[messages.length - 1]?.seq;
  const mine = c.assignedAgentId === p.agentId;
  const typing = useUntil(p.thread?.buyerTypingUntil ?? 0);
  const { shop } = useAuth();
  const coachCheck = useRef<((text: string) => boolean) | null>(null);
  const buyerText = lastBuyerText(messages);
  // What the conversation already offered changes with the agent's text messages and with a new session (a closed
  // conversation reopened), not with each buyer message: the coach reloads it on those only.
  const coachSeq = c.status === 'closed' ? 0 : lastAgentTextSeq(messages);

  // Keep the viewport on the same message when an older page is prepended.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (prevHeight.current !== null) {
      el.scrollTop += el.scrollHeight - prevHeight.current;
      prevHeight.current = null;
    }
  }, [firstSeq]);

  // Follow new messages when the agent is at the bottom (and stay there when the window grows above).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [lastSeq, p.pending.length, typing, c.id, firstSeq]);

  useEffect(() => {
    stick.current = true;
  }, [c.id]);

  /** Older bubbles: reveal already loaded ones first, then ask the server for the next page. */
  function earlier() {
    const el = scroller.current;
    if (hidden) {
      if (el) prevHeight.current = el.scrollHeight;
      const i = Math.max(0, messages.length - shown.length - STEP);
      setWin({ id: c.id, fromSeq: messages[i]?.seq ?? 0 });
      return;
    }
    if (p.thread?.loaded && p.thread.hasMore && !p.thread.loadingEarlier) {
      if (el) prevHeight.current = el.scrollHeight;
      // Keep everything loaded so far on screen once the agent reads further back.
      setWin({ id: c.id, fromSeq: 0 });
      p.onLoadEarlier();
    }
  }

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    // Reading back: freeze the window so a live message does not drop the top bubble under the agent's eyes.
    if (!stick.current && (!win || win.id !== c.id)) setWin({ id: c.id, fromSeq: firstSeq ?? 0 });
    if (el.scrollTop < 60) earlier();
  }

  return (
    <div style={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0, background: '#fafafa' }}>
      <div style={{ height: 52, flex: '0 0 52px', display: 'flex', alignItems: 'center', gap: 8, padding: '0 12px', background: '#fff', borderBottom: '1px solid #f0f0f0' }}>
        <Typography.Text strong ellipsis style={{ fontSize: 15, minWidth: 0 }} data-testid="chat-title">
          {c.buyer.nickname}
        </Typography.Text>
        <Tag color={STATUS_COLOR[c.status]} style={{ flex: '0 0 auto' }}>
          {t(`workbench.status.${c.status}`)}
        </Tag>
        {c.scenario && <Tag style={{ flex: '0 0 auto' }}>{t(`scenarios.${c.scenario}`, { defaultValue: c.scenario })}</Tag>}
        <div style={{ flex: 1 }} />
        <Space size={4} wrap={false}>
          {c.status !== 'closed' && !mine && (
            <Button type="primary" size="small" icon={<LoginOutlined />} onClick={p.onAccept} data-testid="accept-conversation">
              {t('workbench.accept')}
            </Button>
          )}
          {c.status !== 'closed' && (
            <Tooltip title="Alt+T">
              <Button size="small" icon={<SwapOutlined />} onClick={p.onTransfer} data-testid="transfer-conversation">
                {t('workbench.transfer')}
              </Button>
            </Tooltip>
          )}
          {c.status !== 'closed' && (
            <Popconfirm title={t('workbench.closeConfirm')} onConfirm={p.onClose} okText={t('common.confirm')} cancelText={t('common.cancel')}>
              <Button size="small" danger icon={<CloseCircleOutlined />} data-testid="close-conversation">
                {t('workbench.close')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      </div>
      <div ref={scroller} onScroll={onScroll} style={{ flex: 1, overflowY: 'auto', padding: '4px 16px 8px', contain: 'strict' }} data-testid="message-list" aria-live="polite">
        {!p.thread?.loaded ? (
          <div style={{ textAlign: 'center', padding: 32 }}>
            <Spin />
          </div>
        ) : (
          <div style={{ textAlign: 'center', padding: '8px 0' }}>
            {p.thread.loadingEarlier ? (
              <Spin size="small" />
            ) : hidden || p.thread.hasMore ? (
              <Button type="link" size="small" onClick={earlier}>
                {t('workbench.loadEarlier')}
              </Button>
            ) : (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('workbench.noEarlier')}</Typography.Text>
            )}
          </div>
        )}
        {shown.map((m) => (
          <MessageBubble key={m.seq} m={m} buyerName={c.buyer.nickname} agentName={p.agentName} />
        ))}
        {p.pending.map((x) => (
          <PendingBubble key={x.clientId} p={x} onRetry={() => p.onRetry(x.clientId)} onDiscard={() => p.onDiscard(x.clientId)} />
        ))}
        {typing && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="buyer-typing">
            {t('workbench.buyerTyping')}
          </Typography.Text>
        )}
      </div>
      <Composer
        ref={composerRef}
        value={p.draft}
        onChange={p.onDraft}
        mode={p.mode}
        onMode={p.onMode}
        onSend={p.onSend}
        onTyping={p.onTyping}
        disabled={false}
        quickReplies={p.quickReplies}
        fill={p.fill}
        maxLength={p.maxLength}
        beforeSend={(text) => p.mode === 'note' || (coachCheck.current?.(text) ?? true)}
      />
      <CoachBar
        shopId={c.shopId}
        platform={shop?.platform ?? 'web'}
        conversationId={c.id}
        lastSeq={coachSeq}
        buyerText={buyerText}
        draft={p.draft}
        mode={p.mode}
        onDraft={p.onDraft}
        checkRef={coachCheck}
        onEndPolitely={(reply) => {
          p.onSend(reply, 'text');
          setTimeout(p.onClose, 800);
        }}
      />
    </div>
  );
}));
