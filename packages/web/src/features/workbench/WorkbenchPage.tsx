import { BellOutlined, MenuUnfoldOutlined, QuestionCircleOutlined, SoundOutlined } from '@ant-design/icons';
import type { ConversationDto, MessageDto } from '@kefu/contracts';
import { App, Badge, Button, Drawer, Empty, Grid, Result, Switch, Tooltip, Typography } from 'antd';
import { memo, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.js';
import { agentsApi } from '../../api/endpoints.js';
import { useAuth, useMe } from '../../auth/AuthContext.js';
import { conversationsApi, fetchQuickReplies, type QuickReplyItem } from './api.js';
import { ChatPane } from './ChatPane.js';
import type { ComposerHandle } from './Composer.js';
import { ConversationList } from './ConversationList.js';
import { inFilter, LIST_FILTERS, sortConversations, type ListFilter } from './logic.js';
import { desktopPermission, requestDesktopPermission, setSoundEnabled, soundEnabled } from './notify.js';
import { useRealtime, useRealtimeSnapshot } from './RealtimeProvider.js';
import { SuggestionsPanel } from '../quick-replies/SuggestionsPanel.js';
import { ShortcutHelp } from './ShortcutHelp.js';
import { SidePanel } from './SidePanel.js';
import { PER_MESSAGE_FIELDS, sameConversation, type SendKind } from './store.js';
import { targetSecOf } from './time.js';
import { TransferDialog } from './TransferDialog.js';
import { fillReply, useReplyVariables } from './variables.js';

const MAX_TEXT = 2000;
const TYPING_THROTTLE_MS = 3000;

// Memoised here (their own files are not): with the stable callbacks below they skip the re-renders that frames
// for other conversations cause.
const SuggestionsPane = memo(SuggestionsPanel);
// The side pane shows who the buyer is and their orders: fields that change with every message (lastSeq, unread,
// the wait) do not re-render it; any other change of the conversation, or of another prop, does.
const SidePane = memo(SidePanel, (a, b) => {
  for (const k of Object.keys(a) as Array<keyof typeof a>) {
    if (k === 'conversation') {
      const ca = a.conversation;
      const cb = b.conversation;
      if (ca !== cb && (!ca || !cb || !sameConversation(ca, cb, PER_MESSAGE_FIELDS))) return false;
    } else if (a[k] !== b[k]) return false;
  }
  return Object.keys(a).length === Object.keys(b).length;
});

function isEditable(el: EventTarget | null): boolean {
  const e = el as HTMLElement | null;
  return !!e && (e.tagName === 'INPUT' || e.tagName === 'TEXTAREA' || e.isContentEditable);
}

/** 接待台: conversation list, chat and buyer/quick-reply panes (issue 4). */
export function WorkbenchPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { shop } = useAuth();
  const { message } = App.useApp();
  const rt = useRealtime();
  const screens = Grid.useBreakpoint();
  const wide = screens.xl !== false && screens.xl !== undefined ? true : false;
  const [filter, setFilter] = useState<ListFilter>('mine');
  const [search, setSearch] = useState('');
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [mode, setMode] = useState<SendKind>('text');
  const [transferOpen, setTransferOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const [sideOpen, setSideOpen] = useState(false);
  const [sound, setSound] = useState(soundEnabled);
  const [perm, setPerm] = useState(desktopPermission);
  const [quick, setQuick] = useState<QuickReplyItem[]>([]);
  const [quickError, setQuickError] = useState<string | null>(null);
  const [names, setNames] = useState<Record<string, string>>({ [me.agent.id]: me.agent.displayName });
  const composer = useRef<ComposerHandle>(null);
  const typingAt = useRef(0);
  const typingOff = useRef<ReturnType<typeof setTimeout> | null>(null);
  const shopId = shop?.id ?? '';
  const agentId = me.agent.id;
  const snap = useRealtimeSnapshot();
  const { selectedId } = snap;
  const { select, send, loadEarlier, typing } = rt;

  // Quick replies of the current shop (empty until the library is on the server).
  useEffect(() => {
    if (!shopId) return;
    let live = true;
    setQuickError(null);
    fetchQuickReplies(shopId)
      .then((q) => live && setQuick(q))
      .catch((err: unknown) => live && (setQuick([]), setQuickError(errorMessage(err))));
    return () => {
      live = false;
    };
  }, [shopId]);

  // Colleague names for message headers (presence list works for every role; the agents list for managers).
  useEffect(() => {
    if (!shopId) return;
    conversationsApi
      .presence(shopId)
      .then((list) => setNames((n) => ({ ...n, ...Object.fromEntries(list.map((a) => [a.agentId, a.displayName])) })))
      .catch(() => {
        if (me.agent.role !== 'agent') agentsApi.list().then((list) => setNames((n) => ({ ...n, ...Object.fromEntries(list.map((a) => [a.id, a.displayName])) }))).catch(() => undefined);
      });
  }, [shopId, me.agent.role]);

  const shopConvs = useMemo(() => Object.values(snap.conversations).filter((c) => c.shopId === shopId), [snap.conversations, shopId]);
  const counts = useMemo(() => {
    const out = { mine: 0, queued: 0, all: 0, closed: 0 } as Record<ListFilter, number>;
    for (const c of shopConvs) for (const f of LIST_FILTERS) if (inFilter(c, f, agentId)) out[f] += 1;
    return out;
  }, [shopConvs, agentId]);
  const items = useMemo(() => {
    const s = search.trim().toLowerCase();
    return sortConversations(shopConvs.filter((c) => inFilter(c, filter, agentId) && (!s || c.buyer.nickname.toLowerCase().includes(s))));
  }, [shopConvs, filter, agentId, search]);

  useEffect(() => {
    if (filter === 'closed') void rt.refreshLists(['closed']);
  }, [filter, rt.refreshLists]);

  const selected: ConversationDto | null = selectedId ? (snap.conversations[selectedId] ?? null) : null;
  const thread = selectedId ? snap.threads[selectedId] : undefined;

  useEffect(() => {
    if (!selectedId) return;
    rt.openThread(selectedId).catch((err: unknown) => void message.error(errorMessage(err)));
    // Open once per selection; the store keeps the thread live afterwards.
  }, [selectedId]);

  // While the desk is on screen, messages into the open conversation are read as they arrive (in the store, within
  // the update that shows them); the effect below covers the rest (tab shown again, thread just loaded).
  useEffect(() => {
    rt.store.setReading(() => !document.hidden);
    return () => rt.store.setReading(null);
  }, [rt.store]);

  // Reading the open conversation clears its unread count.
  const lastSeq = selected?.lastSeq ?? 0;
  useEffect(() => {
    if (!selectedId || !thread?.loaded || document.hidden) return;
    if ((snap.conversations[selectedId]?.unread ?? 0) > 0) rt.store.markRead(selectedId);
  }, [selectedId, lastSeq, thread?.loaded, rt.store, snap.conversations]);

  const lastMessage = useCallback((id: string): MessageDto | undefined => {
    const th = snap.threads[id];
    return th?.messages[th.messages.length - 1];
  }, [snap.threads]);

  const agentName = useCallback((id?: string) => (id ? (names[id] ?? t('menu.settingsAgents')) : t('workbench.auto')), [names, t]);
  // Quick replies fill {商品}, {订单号}, {物流单号} … from the server; placeholders without a value stay for the agent.
  const serverVars = useReplyVariables(shopId, selectedId, lastSeq);
  const fill = useCallback(
    (text: string) => fillReply(text, { buyer: selected?.buyer.nickname ?? '', shop: shop?.name ?? '', agent: me.agent.displayName }, serverVars),
    [selected?.buyer.nickname, shop?.name, me.agent.displayName, serverVars],
  );

  const accept = useCallback(
    async (id: string) => {
      try {
        const out = await conversationsApi.claim(shopId, id);
        rt.store.upsertConversations([out.conversation]);
      } catch (err) {
        void message.error(errorMessage(err));
      }
    },
    [shopId, agentId, rt.store, message],
  );

  const takeNext = useCallback(async () => {
    const next = sortConversations(shopConvs.filter((c) => inFilter(c, 'queued', agentId)))[0];
    if (!next) return;
    select(next.id);
    setFilter('mine');
    if (next.assignedAgentId !== agentId) await accept(next.id);
  }, [shopConvs, agentId, select, accept]);

  const closeSelected = useCallback(async () => {
    if (!selectedId) return;
    try {
      const out = await conversationsApi.close(shopId, selectedId);
      rt.store.upsertConversations([out.conversation]);
      void message.success(t('workbench.closed'));
    } catch (err) {
      void message.error(errorMessage(err));
    }
  }, [selectedId, shopId, rt.store, message, t]);

  const move = useCallback(
    (delta: number) => {
      if (items.length === 0) return;
      const i = items.findIndex((c) => c.id === selectedId);
      const next = items[i < 0 ? 0 : (i + delta + items.length) % items.length];
      if (next) select(next.id);
    },
    [items, selectedId, select],
  );

  // Global shortcuts (matched on e.code so Option-combinations work on macOS keyboards).
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.altKey && !e.ctrlKey && !e.metaKey) {
        const map: Record<string, () => void> = {
          ArrowUp: () => move(-1),
          ArrowDown: () => move(1),
          KeyN: () => void takeNext(),
          Slash: () => composer.current?.openPicker(),
          KeyI: () => setMode((m) => (m === 'note' ? 'text' : 'note')),
          KeyT: () => selected && selected.status !== 'closed' && setTransferOpen(true),
          KeyC: () => selected && selected.status !== 'closed' && void closeSelected(),
        };
        const fn = map[e.code];
        if (fn) {
          // Captured before focused widgets (a Segmented would otherwise take Alt+↑/↓ as its own arrows).
          e.preventDefault();
          e.stopPropagation();
          fn();
        }
        return;
      }
      if (e.key === '?' && !isEditable(e.target)) {
        e.preventDefault();
        setHelpOpen(true);
      } else if (e.key === 'Escape' && !isEditable(e.target) && selected) {
        composer.current?.focus();
      }
    }
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [move, takeNext, selected, closeSelected]);

  const onTyping = useCallback(() => {
    if (!selectedId || mode === 'note') return;
    const tNow = Date.now();
    if (tNow - typingAt.current > TYPING_THROTTLE_MS) {
      typingAt.current = tNow;
      typing(selectedId, true);
    }
    if (typingOff.current) clearTimeout(typingOff.current);
    const id = selectedId;
    typingOff.current = setTimeout(() => {
      typingAt.current = 0;
      typing(id, false);
    }, TYPING_THROTTLE_MS + 1000);
  }, [selectedId, mode, typing]);

  // Callbacks of the chat, suggestion and side panes: stable while the same conversation is open (they close over its
  // id, not over the conversation object that each frame replaces), so those panes re-render only for their own data.
  const pending = useMemo(() => snap.pending.filter((p) => p.conversationId === selectedId), [snap.pending, selectedId]);
  const onDraft = useCallback((v: string) => selectedId && setDrafts((d) => ({ ...d, [selectedId]: v })), [selectedId]);
  const onSend = useCallback((text: string, kind: SendKind) => selectedId && send(selectedId, text, kind), [selectedId, send]);
  const onRetry = useCallback((id: string) => rt.store.retry(id), [rt.store]);
  const onDiscard = useCallback((id: string) => rt.store.discard(id), [rt.store]);
  const onLoadEarlier = useCallback(
    () => selectedId && void loadEarlier(selectedId).catch((err: unknown) => void message.error(errorMessage(err))),
    [selectedId, loadEarlier, message],
  );
  const onAccept = useCallback(() => selectedId && void accept(selectedId), [selectedId, accept]);
  const onTransfer = useCallback(() => setTransferOpen(true), []);
  const onClose = useCallback(() => void closeSelected(), [closeSelected]);
  const onSuggestionSend = useCallback((text: string) => (selectedId && send(selectedId, text, 'text'), composer.current?.focus()), [selectedId, send]);
  const onSuggestionEdit = useCallback((text: string) => (selectedId && setDrafts((d) => ({ ...d, [selectedId]: text })), composer.current?.focus()), [selectedId]);
  const focusComposer = useCallback(() => composer.current?.focus(), []);
  const onInsert = useCallback((text: string) => composer.current?.insert(text), []);

  // The side pane follows a switch one render later (React's deferred value): the chat shows the new conversation
  // first, the buyer's profile right after, without holding up that paint.
  const sideId = useDeferredValue(selectedId);
  const sideConversation = sideId === selectedId ? selected : sideId ? (snap.conversations[sideId] ?? null) : null;
  const side = <SidePane conversation={sideConversation} quickReplies={quick} quickError={quickError} onInsert={onInsert} shopName={shop?.name ?? ''} />;

  if (!rt.available) {
    return <Result status="info" title={t('workbench.unavailable')} subTitle={t('workbench.unavailableHint')} />;
  }

  const conn = snap.connection;
  return (
    <div style={{ display: 'flex', height: '100%', minHeight: 0, background: '#fff' }} data-testid="workbench">
      <div style={{ width: wide ? 300 : 280, flex: '0 0 auto', borderInlineEnd: '1px solid #f0f0f0', display: 'flex', flexDirection: 'column', minHeight: 0 }}>
        <div style={{ display: 'flex', alignItems: 'center', gap: 4, padding: '8px 12px 0' }}>
          <Badge status={conn === 'open' ? 'success' : conn === 'connecting' ? 'processing' : 'error'} />
          <Typography.Text type="secondary" style={{ fontSize: 12, flex: 1, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }} data-testid="connection-state">
            {t(`workbench.connection.${conn === 'open' ? 'online' : conn === 'connecting' ? 'connecting' : 'offline'}`)}
          </Typography.Text>
          <Tooltip title={t('workbench.sound')}>
            <Switch size="small" checked={sound} checkedChildren={<SoundOutlined />} unCheckedChildren={<SoundOutlined />} onChange={(v) => (setSound(v), setSoundEnabled(v))} />
          </Tooltip>
          {perm === 'default' && (
            <Tooltip title={t('workbench.enableNotify')}>
              <Button size="small" type="text" icon={<BellOutlined />} onClick={() => void requestDesktopPermission().then(setPerm)} aria-label={t('workbench.enableNotify')} />
            </Tooltip>
          )}
          <Tooltip title={`${t('workbench.shortcuts.help')} (?)`}>
            <Button size="small" type="text" icon={<QuestionCircleOutlined />} onClick={() => setHelpOpen(true)} aria-label={t('workbench.shortcuts.help')} data-testid="shortcut-help" />
          </Tooltip>
          {!wide && <Button size="small" type="text" icon={<MenuUnfoldOutlined />} onClick={() => setSideOpen(true)} aria-label={t('workbench.buyer.title')} />}
        </div>
        <ConversationList
          filter={filter}
          onFilter={setFilter}
          counts={counts}
          items={items}
          selectedId={selectedId}
          onSelect={select}
          search={search}
          onSearch={setSearch}
          lastMessage={lastMessage}
          targetSec={targetSecOf(shop)}
        />
      </div>
      <div style={{ flex: 1, minWidth: 0, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
        {selected ? (
          <>
          <div style={{ flex: 1, minHeight: 0 }}>
          <ChatPane
            ref={composer}
            conversation={selected}
            thread={thread}
            pending={pending}
            agentId={agentId}
            agentName={agentName}
            draft={drafts[selected.id] ?? ''}
            onDraft={onDraft}
            mode={mode}
            onMode={setMode}
            onSend={onSend}
            onTyping={onTyping}
            onRetry={onRetry}
            onDiscard={onDiscard}
            onLoadEarlier={onLoadEarlier}
            onAccept={onAccept}
            onTransfer={onTransfer}
            onClose={onClose}
            quickReplies={quick}
            fill={fill}
            maxLength={MAX_TEXT}
          />
          </div>
          <SuggestionsPane
            shopId={shopId}
            conversationId={selected.id}
            messages={thread?.messages}
            disabled={selected.status === 'closed'}
            onSend={onSuggestionSend}
            onEdit={onSuggestionEdit}
            onEscape={focusComposer}
            pushed={rt.store}
          />
          </>
        ) : (
          <div style={{ height: '100%', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#fafafa' }}>
            <Empty description={t('workbench.pickConversation')} />
          </div>
        )}
      </div>
      {wide ? (
        <div style={{ width: 300, flex: '0 0 auto', borderInlineStart: '1px solid #f0f0f0', minHeight: 0 }}>{side}</div>
      ) : (
        <Drawer open={sideOpen} onClose={() => setSideOpen(false)} size={320} styles={{ body: { padding: 0 } }} title={null} closable={false}>
          {side}
        </Drawer>
      )}
      <TransferDialog
        open={transferOpen}
        shopId={shopId}
        conversationId={selected?.id ?? null}
        selfId={agentId}
        onClose={() => setTransferOpen(false)}
        onDone={() => {
          setTransferOpen(false);
          void message.success(t('workbench.transferred'));
          void rt.refreshLists();
        }}
      />
      <ShortcutHelp open={helpOpen} onClose={() => setHelpOpen(false)} />
    </div>
  );
}
