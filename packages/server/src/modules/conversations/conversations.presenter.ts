import type { BuyerConversationDto, ConversationDto, ConversationPatch, ConversationStatus, MessageDto } from '@kefu/contracts';
import type { ConversationsTable, MessagesTable } from '../../storage/schema.js';

export type MessageRow = MessagesTable;
export type ConversationRow = ConversationsTable;

/** The only way a message leaves the server. */
export function presentMessage(row: MessageRow): MessageDto {
  const out: MessageDto = {
    id: row.id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    clientId: row.client_id,
    sender: row.sender as MessageDto['sender'],
    kind: row.kind as MessageDto['kind'],
    createdAt: Number(row.created_at),
  };
  if (row.agent_id) out.agentId = row.agent_id;
  if (row.text !== null) out.text = row.text;
  if (row.payload) out.payload = JSON.parse(row.payload) as MessageDto['payload'];
  return out;
}

export function presentConversation(row: ConversationRow, buyer: { id: string; nickname: string }, queuePosition: number | null = null): ConversationDto {
  return {
    id: row.id,
    shopId: row.shop_id,
    buyer,
    status: row.status as ConversationStatus,
    assignedAgentId: row.assigned_agent_id,
    groupId: row.group_id,
    lastSeq: Number(row.last_seq),
    lastMessageAt: row.last_message_at === null ? null : Number(row.last_message_at),
    waitingSince: row.waiting_since === null ? null : Number(row.waiting_since),
    unread: Number(row.unread),
    scenario: row.scenario,
    queuePosition,
    createdAt: Number(row.created_at),
    closedAt: row.closed_at === null ? null : Number(row.closed_at),
  };
}

export function presentPatch(row: ConversationRow): ConversationPatch {
  return {
    id: row.id,
    status: row.status as ConversationStatus,
    lastSeq: Number(row.last_seq),
    lastMessageAt: row.last_message_at === null ? null : Number(row.last_message_at),
    unread: Number(row.unread),
    waitingSince: row.waiting_since === null ? null : Number(row.waiting_since),
    assignedAgentId: row.assigned_agent_id,
  };
}

/** What the buyer may know: no group, no scenario, no unread counters, only the agent's display name. */
export function presentBuyerConversation(row: ConversationRow, agentName: string | null, queuePosition: number | null): BuyerConversationDto {
  return {
    id: row.id,
    status: row.status as ConversationStatus,
    lastSeq: Number(row.last_seq),
    agent: agentName ? { displayName: agentName } : null,
    queuePosition: row.status === 'waiting' ? queuePosition : null,
  };
}
