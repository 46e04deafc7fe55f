import type { AgentStatus, ConversationDto, GroupDto, MessageDto, PresenceDto } from '@kefu/contracts';
import { ApiError, api } from '../../api/client.js';

/** Conversation list filters of the REST API (the socket keeps them live client-side). */
export type ConversationFilter = 'mine' | 'waiting' | 'all' | 'closed';

const base = (shopId: string) => `/api/shops/${encodeURIComponent(shopId)}/conversations`;
const conv = (shopId: string, id: string) => `${base(shopId)}/${encodeURIComponent(id)}`;

/** Typed REST calls of the reception desk; every path lives here so a server change is a one-file edit. */
export const conversationsApi = {
  list: (shopId: string, filter: ConversationFilter, cursor?: string) =>
    api.get<{ conversations: ConversationDto[]; nextCursor?: string | null }>(base(shopId), { query: { filter, cursor, limit: 50 } }),
  get: (shopId: string, id: string) => api.get<{ conversation: ConversationDto }>(conv(shopId, id)).then((r) => r.conversation),
  /** A page of history, oldest first; `hasMore` when older messages exist. */
  messages: (shopId: string, id: string, beforeSeq?: number, limit = 50) =>
    api.get<{ messages: MessageDto[]; hasMore: boolean }>(`${conv(shopId, id)}/messages`, { query: { beforeSeq, limit } }),
  /** Messages after `afterSeq`, oldest first (catch-up of a cached thread); `hasMore` when newer ones follow. */
  messagesAfter: (shopId: string, id: string, afterSeq: number, limit = 100) =>
    api.get<{ messages: MessageDto[]; hasMore: boolean }>(`${conv(shopId, id)}/messages`, { query: { afterSeq, limit } }),
  claim: (shopId: string, id: string) => api.post<{ conversation: ConversationDto }>(`${conv(shopId, id)}/claim`),
  assign: (shopId: string, id: string, agentId: string) => api.post<{ conversation: ConversationDto }>(`${conv(shopId, id)}/assign`, { agentId }),
  transfer: (shopId: string, id: string, body: { toAgentId?: string; toGroupId?: string; note?: string }) =>
    api.post<{ conversation: ConversationDto }>(`${conv(shopId, id)}/transfer`, body),
  close: (shopId: string, id: string) => api.post<{ conversation: ConversationDto }>(`${conv(shopId, id)}/close`),
  presence: (shopId: string) => api.get<{ agents: PresenceDto[] }>(`/api/shops/${encodeURIComponent(shopId)}/presence`).then((r) => r.agents),
  groups: (shopId: string) => api.get<{ groups: GroupDto[] }>(`/api/shops/${encodeURIComponent(shopId)}/groups`).then((r) => r.groups),
  myPresence: () => api.get<{ presence: PresenceDto }>('/api/presence').then((r) => r.presence),
  setPresence: (body: { status?: AgentStatus; maxConcurrent?: number }) => api.request<{ presence: PresenceDto }>('PUT', '/api/presence', body).then((r) => r.presence),
};

/** A quick reply as the workbench shows it (tolerant of the library's final shape). */
export interface QuickReplyItem {
  id: string;
  title: string;
  text: string;
  shortcut?: string;
  scenario?: string;
}

function toItem(raw: unknown, i: number): QuickReplyItem | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const text = typeof r.text === 'string' ? r.text : typeof r.content === 'string' ? r.content : typeof r.body === 'string' ? r.body : null;
  if (!text) return null;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const shortcut = str(r.shortcut);
  const scenario = str(r.scenario) ?? str(r.scenarioId);
  return {
    id: str(r.id) ?? `qr${i}`,
    title: str(r.title) ?? str(r.name) ?? text.slice(0, 16),
    text,
    ...(shortcut ? { shortcut } : {}),
    ...(scenario ? { scenario } : {}),
  };
}

/** The shop's quick replies; an empty list when the library is not on this server yet. */
export async function fetchQuickReplies(shopId: string): Promise<QuickReplyItem[]> {
  try {
    const data = await api.get<unknown>(`/api/shops/${encodeURIComponent(shopId)}/quick-replies`, { query: { limit: 500 } });
    const list = Array.isArray(data)
      ? data
      : ((data as Record<string, unknown>).quickReplies ?? (data as Record<string, unknown>).items ?? (data as Record<string, unknown>).replies);
    return Array.isArray(list) ? list.map(toItem).filter((x): x is QuickReplyItem => x !== null) : [];
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return [];
    throw err;
  }
}
