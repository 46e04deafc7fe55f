import type { AgentStatus } from '@kefu/contracts';
import { createContext, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { ApiError } from '../../api/client.js';
import { useAuth } from '../../auth/AuthContext.js';
import { conversationsApi, type ConversationFilter } from './api.js';
import { isWaitingForMe } from './logic.js';
import { playChime, showDesktop, soundEnabled } from './notify.js';
import { AgentSocket } from './socket.js';
import { openThread as openStoreThread, RealtimeStore, type HistoryApi, type SendKind, type Snapshot } from './store.js';

/** Pages of 50 loaded per live list: up to 2,000 open conversations. */
const MAX_LIST_PAGES = 40;

const PAGE = 50;

interface RealtimeApi {
  /** Read state with `useStoreSelector(store, …)` / `useRealtimeSnapshot()`: the context itself changes rarely. */
  store: RealtimeStore;
  /** false when the server has no conversation API (older server). */
  available: boolean;
  waitingCount: number;
  refreshLists(filters?: ConversationFilter[]): Promise<void>;
  openThread(conversationId: string): Promise<void>;
  loadEarlier(conversationId: string): Promise<void>;
  send(conversationId: string, text: string, kind: SendKind): void;
  typing(conversationId: string, on: boolean): void;
  /** Opens a conversation in the chat pane (`snapshot.selectedId`). */
  select(id: string | null): void;
  /** Header status switch: updates the server's routing presence. */
  changePresence(s: AgentStatus): void;
}

const Ctx = createContext<RealtimeApi | null>(null);

/**
 * A slice of the store's snapshot; the component re-renders only when that slice changes (by identity), so select
 * fields or entries (`s.threads[id]`), never freshly built objects.
 */
export function useStoreSelector<T>(store: RealtimeStore, select: (s: Snapshot) => T): T {
  return useSyncExternalStore(store.subscribe, () => select(store.getSnapshot()));
}

/** The whole snapshot: re-renders on every store change. */
export function useRealtimeSnapshot(): Snapshot {
  const { store } = useRealtime();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** One agent socket for the whole signed-in app, so the title badge and alerts work on every page. */
export function RealtimeProvider({ children }: { children: ReactNode }) {
  const { me, shop, status, statusChosen, setStatus, refresh } = useAuth();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const socketRef = useRef<AgentSocket | null>(null);
  const store = useMemo(() => new RealtimeStore((f) => socketRef.current?.send(f) ?? false), []);
  const presence = useStoreSelector(store, (s) => s.presence);
  const conversations = useStoreSelector(store, (s) => s.conversations);
  const [available, setAvailable] = useState(true);
  const shopId = shop?.id ?? null;
  const agentId = me?.agent.id ?? '';
  const shopRef = useRef(shopId);
  shopRef.current = shopId;
  // The header's status, read by the socket's hello on every (re)connect.
  const statusRef = useRef(status);
  statusRef.current = status;
  const chosenRef = useRef(statusChosen);
  chosenRef.current = statusChosen;

  const refreshLists = useMemo(
    () =>
      async (filters: ConversationFilter[] = ['mine', 'waiting', 'all']) => {
        const sid = shopRef.current;
        if (!sid) return;
        try {
          // Open conversations are followed page by page (a busy shop has hundreds open at once);
          // closed ones only need their first page, older ones are searched.
          const loadAll = async (f: ConversationFilter) => {
            let cursor: string | undefined;
            for (let page = 0; page < (f === 'closed' ? 1 : MAX_LIST_PAGES); page++) {
              const res = await conversationsApi.list(sid, f, cursor);
              store.upsertConversations(res.conversations);
              if (!res.nextCursor) break;
              cursor = res.nextCursor;
            }
          };
          await Promise.all(filters.map(loadAll));
          setAvailable(true);
        } catch (err) {
          if (err instanceof ApiError && err.status === 404 && err.code === 'resource.not_found' && /没有这个接口/.test(err.message)) setAvailable(false);
        }
      },
    [store],
  );

  useEffect(() => {
    const sock = new AgentSocket({
      resume: () => store.resumeMap(),
      status: () => (chosenRef.current ? statusRef.current : undefined),
      onFrame: (f) => store.apply(f),
      onState: (s) => store.setConnection(s),
      onReady: () => {
        store.resendPending();
        void refreshLists();
      },
      onSessionEnded: () => void refresh().catch(() => undefined),
    });
    socketRef.current = sock;
    sock.start();
    return () => {
      sock.stop();
      socketRef.current = null;
      store.dispose();
    };
  }, [store, refreshLists, refresh]);

  useEffect(() => {
    void refreshLists();
  }, [shopId, refreshLists]);

  // Presence: the header switch is the agent's intent; the server's presence frames (e.g. set offline
  // after the tab closed) update the header; a stored choice goes to the server in every hello.
  useEffect(() => {
    if (presence && presence !== statusRef.current) setStatus(presence);
  }, [presence, setStatus]);
  const changePresence = useMemo(
    () => (s: AgentStatus) => {
      setStatus(s);
      store.setPresence(s);
      void conversationsApi.setPresence({ status: s }).catch(() => undefined);
    },
    [setStatus, store],
  );

  // Alerts for buyers while the tab is hidden; unknown conversations trigger a list refresh.
  useEffect(() => {
    let refetch: ReturnType<typeof setTimeout> | null = null;
    const off = store.onEvent((e) => {
      if (e.type === 'unknown-conversation') {
        refetch ??= setTimeout(() => {
          refetch = null;
          void refreshLists();
        }, 300);
        return;
      }
      if (e.type !== 'buyer-message' && e.type !== 'conversation-created') return;
      const conv = e.conversation;
      if (!conv || !isWaitingForMe(conv, agentId)) return;
      if (!document.hidden) return;
      if (soundEnabled()) playChime();
      const body = e.type === 'buyer-message' ? (e.message.text ?? '') : t('workbench.notify.newConversation');
      showDesktop(conv.buyer.nickname, body, conv.id, () => {
        store.select(conv.id);
        navigate('/workbench');
      });
    });
    return () => {
      off();
      if (refetch) clearTimeout(refetch);
    };
  }, [store, agentId, t, navigate, refreshLists]);

  const waitingCount = useMemo(
    () => Object.values(conversations).filter((c) => (me?.shops ?? []).some((s) => s.id === c.shopId) && isWaitingForMe(c, agentId)).length,
    [conversations, agentId, me?.shops],
  );

  // Title badge: "(3) Kefu 客服工作台".
  useEffect(() => {
    const base = t('app.name');
    document.title = waitingCount > 0 ? `${t('workbench.notify.titleBadge', { count: waitingCount })}${base}` : base;
  }, [waitingCount, t]);

  // The actions are created once per store: components that take them as props (every conversation row gets
  // `select`) do not re-render when the waiting count or availability changes.
  const actions = useMemo<Omit<RealtimeApi, 'available' | 'waitingCount'>>(() => {
    const history = (sid: string): HistoryApi => ({
      newest: (id) => conversationsApi.messages(sid, id, undefined, PAGE),
      after: (id, seq) => conversationsApi.messagesAfter(sid, id, seq),
    });
    return {
      store,
      refreshLists,
      select: (id) => store.select(id),
      changePresence,
      async openThread(id) {
        const sid = shopRef.current;
        if (!sid) store.markRead(id);
        else await openStoreThread(store, history(sid), id);
      },
      async loadEarlier(id) {
        const sid = shopRef.current;
        const th = store.getSnapshot().threads[id];
        if (!sid || !th || th.loadingEarlier || !th.hasMore) return;
        const first = th.messages[0];
        if (!first || first.seq <= 1) {
          store.addPage(id, [], { initial: false, hasMore: false });
          return;
        }
        store.setLoadingEarlier(id, true);
        try {
          const page = await conversationsApi.messages(sid, id, first.seq, PAGE);
          store.addPage(id, page.messages, { initial: false, hasMore: page.hasMore });
        } catch (err) {
          store.setLoadingEarlier(id, false);
          throw err;
        }
      },
      send(id, text, kind) {
        store.send(id, text, kind);
      },
      typing(id, on) {
        socketRef.current?.send({ type: 'typing', conversationId: id, on });
      },
    };
  }, [store, refreshLists, changePresence]);
  const value = useMemo<RealtimeApi>(() => ({ ...actions, available, waitingCount }), [actions, available, waitingCount]);

  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useRealtime(): RealtimeApi {
  const v = useContext(Ctx);
  if (!v) throw new Error('useRealtime outside RealtimeProvider');
  return v;
}
