import type { AgentStatus, BuyerConversationDto, ConversationDto, ConversationPatch, ConversationReason, MessageDto } from '@kefu/contracts';

/** Event names of the conversations domain; payloads below. */
export const CHAT_EVENTS = {
  messageCreated: 'message.created',
  conversationChanged: 'conversation.changed',
  typing: 'conversation.typing',
  read: 'conversation.read',
  queue: 'conversation.queue',
  presence: 'agent.presence',
} as const;

/** Who may receive an event: `agents` never reaches a buyer socket. */
export type Audience = 'all' | 'agents';

export interface MessageCreatedEvent {
  audience: Audience;
  buyerId: string;
  message: MessageDto;
  conversation: ConversationPatch;
  /** The scenario the message was stored with (known as it was written: `AppendInput.scenario`), else null. */
  scenario?: string | null;
}

export interface ConversationChangedEvent {
  reason: ConversationReason;
  buyerId: string;
  conversation: ConversationDto;
  buyerView: BuyerConversationDto;
}

export interface TypingEvent {
  conversationId: string;
  buyerId: string;
  from: 'buyer' | 'agent';
  agentId?: string;
  on: boolean;
}

export interface ReadEvent {
  conversationId: string;
  buyerId: string;
  seq: number;
  by: 'buyer' | 'agent';
}

export interface QueueEvent {
  conversationId: string;
  buyerId: string;
  position: number;
}

export interface PresenceEvent {
  agentId: string;
  shopIds: string[];
  status: AgentStatus;
  load: number;
  maxConcurrent: number;
}
