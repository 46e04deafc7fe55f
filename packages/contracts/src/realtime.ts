import { z } from 'zod';
import type { Platform } from './platforms.js';

/**
 * Realtime conversations: DTOs and every WebSocket frame, both directions (docs/REALTIME.md).
 * Times are epoch milliseconds.
 */
export const REALTIME_PROTOCOL_VERSION = 1;

/** Limits the gateway enforces; `welcome.limits` repeats the ones a client needs. */
export const REALTIME_LIMITS = {
  maxTextLength: 2000,
  maxFrameBytes: 16 * 1024,
  /** Frames above this close the socket (ws maxPayload). */
  hardFrameBytes: 64 * 1024,
  maxBufferedBytes: 1024 * 1024,
  heartbeatMs: 25_000,
  idleTimeoutMs: 60_000,
  buyer: { burst: 20, perSec: 5 },
  agent: { burst: 60, perSec: 20 },
  abuse: { errors: 50, windowMs: 10_000 },
  maxImageBytes: 5 * 1024 * 1024,
} as const;

/** WebSocket close codes of the gateway. */
export const WS_CLOSE = { resync: 4000, sessionEnded: 4001, abuse: 4008, goingAway: 1001, tooBig: 1009 } as const;

export const MESSAGE_SENDERS = ['buyer', 'agent', 'auto', 'system'] as const;
export type MessageSender = (typeof MESSAGE_SENDERS)[number];
export const MESSAGE_KINDS = ['text', 'image', 'product', 'order', 'note'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];
export const CONVERSATION_STATUSES = ['open', 'waiting', 'assigned', 'closed'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];
export const AGENT_STATUSES = ['online', 'busy', 'away', 'offline'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const ClientId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'clientId: 1–64 个字母、数字、_ 或 -');
const Id = z.string().min(1).max(64);
const Seq = z.number().int().min(0);

/** Payload of an `image` message: a file uploaded through /api/…/uploads. */
export const ImagePayload = z.object({
  fileId: Id,
  url: z.string().regex(/^\/files\/[A-Za-z0-9_-]+$/),
  mime: z.enum(['image/png', 'image/jpeg', 'image/gif', 'image/webp']),
  width: z.number().int().positive().max(20000).optional(),
  height: z.number().int().positive().max(20000).optional(),
  size: z.number().int().positive(),
});
export type ImagePayload = z.infer<typeof ImagePayload>;

const Money = z.number().nonnegative().max(10_000_000);
const SafeUrl = z.string().max(500).regex(/^(https?:\/\/|\/)[^\s"'<>]*$/, '仅支持 http(s) 或站内地址');

/** Payload of a `product` card. */
export const ProductPayload = z.object({
  productId: z.string().min(1).max(64),
  title: z.string().min(1).max(120),
  price: Money,
  imageUrl: SafeUrl.optional(),
  url: SafeUrl.optional(),
  sku: z.string().max(120).optional(),
});
export type ProductPayload = z.infer<typeof ProductPayload>;

/** Payload of an `order` card. */
export const OrderPayload = z.object({
  orderId: z.string().min(1).max(64),
  status: z.string().min(1).max(40),
  amount: Money,
  itemCount: z.number().int().min(0).max(10000).optional(),
  title: z.string().max(120).optional(),
  createdAt: z.number().int().optional(),
});
export type OrderPayload = z.infer<typeof OrderPayload>;

/** Message as every client sees it. `payload` shape depends on `kind`. */
export const MessageDto = z.object({
  id: z.string(),
  conversationId: z.string(),
  seq: z.number().int(),
  clientId: z.string(),
  sender: z.enum(MESSAGE_SENDERS),
  agentId: z.string().optional(),
  kind: z.enum(MESSAGE_KINDS),
  text: z.string().optional(),
  payload: z.union([ImagePayload, ProductPayload, OrderPayload]).optional(),
  createdAt: z.number().int(),
});
export type MessageDto = z.infer<typeof MessageDto>;

/** A conversation in the agent workbench. */
export const ConversationDto = z.object({
  id: z.string(),
  shopId: z.string(),
  buyer: z.object({ id: z.string(), nickname: z.string() }),
  status: z.enum(CONVERSATION_STATUSES),
  assignedAgentId: z.string().nullable(),
  groupId: z.string().nullable(),
  lastSeq: z.number().int(),
  lastMessageAt: z.number().int().nullable(),
  /** First buyer message not yet answered by a human agent; null once answered. The UI ticks from it. */
  waitingSince: z.number().int().nullable(),
  /** Buyer messages the agents have not read. */
  unread: z.number().int(),
  scenario: z.string().nullable().optional(),
  /** Position in the shop queue while `waiting` (1 = next). */
  queuePosition: z.number().int().nullable().optional(),
  createdAt: z.number().int(),
  closedAt: z.number().int().nullable(),
});
export type ConversationDto = z.infer<typeof ConversationDto>;

/** What a buyer may know about their conversation. */
export const BuyerConversationDto = z.object({
  id: z.string(),
  status: z.enum(CONVERSATION_STATUSES),
  lastSeq: z.number().int(),
  agent: z.object({ displayName: z.string() }).nullable(),
  queuePosition: z.number().int().nullable(),
});
export type BuyerConversationDto = z.infer<typeof BuyerConversationDto>;

/** The fields of a conversation that change with each message (sent with agent `message` frames). */
export const ConversationPatch = ConversationDto.pick({
  id: true,
  status: true,
  lastSeq: true,
  lastMessageAt: true,
  unread: true,
  waitingSince: true,
  assignedAgentId: true,
});
export type ConversationPatch = z.infer<typeof ConversationPatch>;

// ---- client → server -------------------------------------------------------------------------

const Resume = z.record(Id, Seq);
export const HelloFrame = z.object({
  type: z.literal('hello'),
  v: z.number().int().default(1),
  resume: Resume.optional(),
  /** Agents only: the status the agent picked on this browser. Without it, an offline agent comes online on connect. */
  status: z.enum(AGENT_STATUSES).optional(),
  /**
   * Agents only: `suggestions` frames on this socket may name an item or a whole items list already sent on it by
   * number (`def` / `ref`, `list`: `expandSuggestionItems`) instead of repeating it. Applies from this hello on, for the
   * rest of the connection.
   */
  suggestionRefs: z.boolean().optional(),
});
export const TypingFrame = z.object({ type: z.literal('typing'), conversationId: Id, on: z.boolean() });
export const ReadFrame = z.object({ type: z.literal('read'), conversationId: Id, seq: Seq });
export const PingFrame = z.object({ type: z.literal('ping'), t: z.number().optional() });

const SendBase = {
  type: z.literal('send'),
  clientId: ClientId,
  text: z.string().optional(),
  payload: z.unknown().optional(),
};
export const BuyerSendFrame = z.object({
  ...SendBase,
  conversationId: Id.optional(),
  kind: z.enum(['text', 'image', 'product', 'order']),
});
export const AgentSendFrame = z.object({ ...SendBase, conversationId: Id, kind: z.enum(MESSAGE_KINDS) });

export const BuyerClientFrame = z.discriminatedUnion('type', [HelloFrame, BuyerSendFrame, TypingFrame, ReadFrame, PingFrame]);
export type BuyerClientFrame = z.infer<typeof BuyerClientFrame>;
export const AgentClientFrame = z.discriminatedUnion('type', [HelloFrame, AgentSendFrame, TypingFrame, ReadFrame, PingFrame]);
export type AgentClientFrame = z.infer<typeof AgentClientFrame>;

// ---- server → client -------------------------------------------------------------------------

export const CONVERSATION_REASONS = ['created', 'assigned', 'transferred', 'closed', 'reopened', 'waiting', 'read', 'updated'] as const;
export type ConversationReason = (typeof CONVERSATION_REASONS)[number];

const Limits = z.object({ maxTextLength: z.number(), maxFrameBytes: z.number(), burst: z.number(), perSec: z.number() });
export const WelcomeFrame = z.object({
  type: z.literal('welcome'),
  v: z.number().int(),
  connectionId: z.string(),
  role: z.enum(['buyer', 'agent']),
  heartbeatMs: z.number().int(),
  limits: Limits,
  conversation: BuyerConversationDto.nullable().optional(),
  agentId: z.string().optional(),
  shopIds: z.array(z.string()).optional(),
  presence: z.enum(AGENT_STATUSES).optional(),
});
export const MessageFrame = z.object({ type: z.literal('message'), message: MessageDto, conversation: ConversationPatch.optional() });
export const AckFrame = z.object({
  type: z.literal('ack'),
  clientId: z.string(),
  conversationId: z.string(),
  id: z.string(),
  seq: z.number().int(),
  createdAt: z.number().int(),
  duplicate: z.boolean(),
});
export const SyncedFrame = z.object({ type: z.literal('synced'), conversationId: z.string(), lastSeq: z.number().int() });
export const AgentConversationFrame = z.object({ type: z.literal('conversation'), conversation: ConversationDto, reason: z.enum(CONVERSATION_REASONS) });
export const BuyerConversationFrame = z.object({ type: z.literal('conversation'), conversation: BuyerConversationDto, reason: z.enum(CONVERSATION_REASONS) });
export const QueueFrame = z.object({ type: z.literal('queue'), conversationId: z.string(), position: z.number().int() });
export const ServerTypingFrame = z.object({
  type: z.literal('typing'),
  conversationId: z.string(),
  from: z.enum(['buyer', 'agent']),
  agentId: z.string().optional(),
  on: z.boolean(),
});
export const ServerReadFrame = z.object({ type: z.literal('read'), conversationId: z.string(), seq: z.number().int(), by: z.enum(['buyer', 'agent']) });
export const PresenceFrame = z.object({
  type: z.literal('presence'),
  agentId: z.string(),
  status: z.enum(AGENT_STATUSES),
  load: z.number().int(),
  maxConcurrent: z.number().int(),
});
export const ErrorFrame = z.object({ type: z.literal('error'), code: z.string(), message: z.string(), ref: z.string().optional() });
export const PongFrame = z.object({ type: z.literal('pong'), t: z.number().optional() });

/**
 * Ranked replies for a buyer message (assist, docs/ASSIST.md): what the workbench shows, nothing more. Variables are
 * already filled; `missing` (only when not empty) lists placeholders left open; `reasons` are the ranking's reasons as
 * UI labels (场景：议价, 与买家消息重合：便宜 …). `score` is only in the try-out route's answer (POST …/suggest).
 */
export const SuggestionsFrame = z.object({
  type: z.literal('suggestions'),
  conversationId: z.string(),
  messageId: z.string(),
  seq: z.number().int(),
  scenario: z.string(),
  confidence: z.number(),
  items: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['reply', 'faq']),
      title: z.string(),
      text: z.string(),
      missing: z.array(z.string()).optional(),
      shortcut: z.string().optional(),
      reasons: z.array(z.string()),
      score: z.number().optional(),
    }),
  ),
  /** Id of the reply the server sent automatically for this message. */
  autoAnswered: z.string().optional(),
});
export type SuggestionsFrame = z.infer<typeof SuggestionsFrame>;
export type SuggestionItem = SuggestionsFrame['items'][number];

/**
 * What one agent socket has been told by number (see `expandSuggestionItems`): its suggestion items, and its latest
 * `SUGGESTION_LISTS_KEPT` items lists in full. One per connection, starting empty (`newSuggestionRefTable`).
 */
export interface SuggestionRefTable {
  items: Map<number, SuggestionItem>;
  lists: Map<number, SuggestionItem[]>;
}

export function newSuggestionRefTable(): SuggestionRefTable {
  return { items: new Map(), lists: new Map() };
}

/**
 * Items lists a socket keeps by number: list `n` is forgotten when list `n + SUGGESTION_LISTS_KEPT` is defined, on the
 * server and the client alike, so the server only names lists the client still has.
 */
export const SUGGESTION_LISTS_KEPT = 32;

/**
 * Most suggestions repeat: the same questions get the same ranked replies, for every buyer. On a socket whose hello
 * asked for `suggestionRefs`, a `suggestions` frame's `items` is one of:
 * - an array, each item either whole with `def: n` (keep it as item n, replacing what n held) or `{ ref: n, reasons }`
 *   (item n as last defined on this socket, with this ranking's reasons), or whole without a number;
 * - `{ list: k, items: [...] }`: that array, which is also list k from now on;
 * - `{ list: k }`: list k again — the very same ranked items with the very same reasons (a repeated question).
 * Numbers are per connection and start empty; frames arrive in the order the server numbered them, so a `ref` or a
 * `list` always names one already received. Returns the frame's items in full (updating `table`; a list's array is the
 * same array each time it is named: do not change it), or null when a number is unknown (a client bug: drop the frame
 * and fetch the suggestions over REST).
 */
export function expandSuggestionItems(items: unknown, table: SuggestionRefTable): SuggestionItem[] | null {
  if (Array.isArray(items)) return expandItems(items, table);
  if (typeof items !== 'object' || items === null) return null;
  const { list, items: defined } = items as { list?: unknown; items?: unknown };
  if (typeof list !== 'number') return null;
  if (defined === undefined) return table.lists.get(list) ?? null;
  if (!Array.isArray(defined)) return null;
  const out = expandItems(defined, table);
  if (!out) return null;
  table.lists.set(list, out);
  table.lists.delete(list - SUGGESTION_LISTS_KEPT);
  return out;
}

function expandItems(items: readonly unknown[], table: SuggestionRefTable): SuggestionItem[] | null {
  const out: SuggestionItem[] = [];
  for (const raw of items) {
    if (typeof raw !== 'object' || raw === null) return null;
    const it = raw as { ref?: unknown; def?: unknown; reasons?: unknown };
    if (typeof it.ref === 'number') {
      const have = table.items.get(it.ref);
      if (!have) return null;
      out.push({ ...have, reasons: Array.isArray(it.reasons) ? (it.reasons as string[]) : [] });
      continue;
    }
    if (typeof it.def === 'number') {
      const { def, ...item } = it as SuggestionItem & { def: number };
      table.items.set(def, item);
      out.push(item);
      continue;
    }
    out.push(raw as SuggestionItem);
  }
  return out;
}

/** Every frame an agent socket may receive. */
export const AgentServerFrame = z.discriminatedUnion('type', [
  WelcomeFrame, MessageFrame, AckFrame, SyncedFrame, AgentConversationFrame, ServerTypingFrame, ServerReadFrame, PresenceFrame, ErrorFrame, PongFrame, SuggestionsFrame,
]);
export type AgentServerFrame = z.infer<typeof AgentServerFrame>;
/** Every frame a buyer socket may receive. */
export const BuyerServerFrame = z.discriminatedUnion('type', [
  WelcomeFrame, MessageFrame, AckFrame, SyncedFrame, BuyerConversationFrame, QueueFrame, ServerTypingFrame, ServerReadFrame, ErrorFrame, PongFrame,
]);
export type BuyerServerFrame = z.infer<typeof BuyerServerFrame>;
export type ServerFrame = AgentServerFrame | BuyerServerFrame;

// ---- REST bodies -----------------------------------------------------------------------------

export const CONVERSATION_FILTERS = ['mine', 'waiting', 'all', 'closed'] as const;
export const ListConversationsQuery = z.object({
  filter: z.enum(CONVERSATION_FILTERS).default('all'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});
export const ListMessagesQuery = z.object({
  /** Messages with seq < beforeSeq, newest page first (infinite scroll upwards). */
  beforeSeq: z.coerce.number().int().min(1).optional(),
  /** Messages with seq > afterSeq (catch-up). */
  afterSeq: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const SendMessageBody = z.object({
  clientId: ClientId,
  kind: z.enum(['text', 'image', 'product', 'order']),
  text: z.string().optional(),
  payload: z.unknown().optional(),
});
export const NoteBody = z.object({ clientId: ClientId.optional(), text: z.string().trim().min(1).max(REALTIME_LIMITS.maxTextLength) });
export const TransferBody = z
  .object({ toAgentId: Id.optional(), toGroupId: Id.optional(), note: z.string().trim().max(500).optional() })
  .refine((b) => (b.toAgentId ? 1 : 0) + (b.toGroupId ? 1 : 0) === 1, '需要且只能指定 toAgentId 或 toGroupId 之一');
export const AssignBody = z.object({ agentId: Id });
export const ReadBody = z.object({ seq: Seq });
export const PresenceBody = z.object({
  status: z.enum(AGENT_STATUSES).optional(),
  maxConcurrent: z.number().int().min(1).max(200).optional(),
});
export const GROUP_KINDS = ['presales', 'aftersales', 'custom'] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];
export const GroupBody = z.object({
  name: z.string().trim().min(1).max(40),
  kind: z.enum(GROUP_KINDS).default('custom'),
  memberIds: z.array(Id).max(500).default([]),
});
export const GroupPatch = z.object({
  name: z.string().trim().min(1).max(40).optional(),
  memberIds: z.array(Id).max(500).optional(),
});
export interface GroupDto {
  id: string;
  shopId: string;
  name: string;
  kind: GroupKind;
  memberIds: string[];
  createdAt: number;
}
export interface PresenceDto {
  agentId: string;
  displayName: string;
  status: AgentStatus;
  maxConcurrent: number;
  load: number;
}

const ReplyText = z.string().trim().min(1).max(500);
/** A shop's auto replies; `{shop}` and `{hours}` are filled in when sent. */
export const AutoReplySettings = z.object({
  greeting: z.object({
    enabled: z.boolean(),
    variant: z.enum(['greeting', 'greeting_promotion', 'greeting_reminder']),
    greeting: ReplyText,
    promotion: ReplyText,
    reminder: ReplyText,
  }),
  returning: z.object({ enabled: z.boolean(), text: ReplyText }),
  busy: z.object({ enabled: z.boolean(), queueThreshold: z.number().int().min(1).max(1000), text: ReplyText }),
  offHours: z.object({ enabled: z.boolean(), text: ReplyText }),
  /** Idle minutes after which an assigned conversation is closed automatically (0 = never). */
  autoCloseMinutes: z.number().int().min(0).max(7 * 24 * 60),
});
export type AutoReplySettings = z.infer<typeof AutoReplySettings>;

export const WidgetBootstrapBody = z.object({
  publicKey: z.string().min(1).max(100),
  anonId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/).optional(),
  buyerId: z.string().min(1).max(128).optional(),
  buyerSig: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  nickname: z.string().trim().min(1).max(40).optional(),
});
export interface WidgetBootstrapDto {
  buyerToken: string;
  buyer: { id: string; nickname: string; anonId: string | null };
  shop: { name: string; platform: Platform; online: boolean; openNow: boolean };
  conversation: BuyerConversationDto | null;
  wsPath: string;
  limits: { maxTextLength: number; maxImageBytes: number };
}
