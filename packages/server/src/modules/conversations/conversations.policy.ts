import {
  type ConversationStatus,
  ImagePayload,
  type MessageKind,
  type MessageSender,
  OrderPayload,
  ProductPayload,
  REALTIME_LIMITS,
} from '@kefu/contracts';
import { AppError } from '../../http/errors.js';

const TRANSITIONS: Record<ConversationStatus, readonly ConversationStatus[]> = {
  open: ['waiting', 'assigned', 'closed'],
  waiting: ['assigned', 'waiting', 'closed'],
  assigned: ['assigned', 'waiting', 'closed'],
  closed: ['open'],
};

/** The conversation state machine: open → waiting → assigned → closed, reopened by a buyer message. */
export function canTransition(from: ConversationStatus, to: ConversationStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: ConversationStatus, to: ConversationStatus): void {
  if (!canTransition(from, to)) throw new AppError('conversation.invalid_transition', `会话状态为 ${from}，不能变为 ${to}`);
}

export interface MessageContent {
  text: string | null;
  payload: unknown;
}

/** Validates what a sender may put in a message of a kind; the text is kept verbatim (escaping is the renderer's job). */
export function validateContent(sender: MessageSender, kind: MessageKind, text: unknown, payload: unknown): MessageContent {
  if (kind === 'note' && sender !== 'agent' && sender !== 'system') throw new AppError('message.invalid', '买家不能发送内部备注');
  if (text !== undefined && text !== null && typeof text !== 'string') throw new AppError('message.invalid', 'text 必须是字符串');
  const t = typeof text === 'string' ? text : null;
  if (t !== null && t.length > REALTIME_LIMITS.maxTextLength) {
    throw new AppError('message.too_large', `消息不能超过 ${REALTIME_LIMITS.maxTextLength} 个字`);
  }
  switch (kind) {
    case 'text':
    case 'note':
      if (!t || t.trim() === '') throw new AppError('message.invalid', '消息内容不能为空');
      if (payload !== undefined && payload !== null) throw new AppError('message.invalid', '文本消息不带 payload');
      return { text: t, payload: null };
    case 'image':
      return { text: t, payload: parsePayload(ImagePayload, payload) };
    case 'product':
      return { text: t, payload: parsePayload(ProductPayload, payload) };
    case 'order':
      return { text: t, payload: parsePayload(OrderPayload, payload) };
  }
}

function parsePayload<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } }, payload: unknown): T {
  const res = schema.safeParse(payload);
  if (!res.success) {
    const i = res.error.issues[0];
    throw new AppError('message.invalid', `payload.${i?.path.map(String).join('.') ?? ''}: ${i?.message ?? '格式不正确'}`);
  }
  return res.data;
}
