import type { CoachFlagExt } from '@kefu/core';
import type { ReviewListRow } from './quality.repository.js';

/** One review in lists: who, when, the auto score and the supervisor's score and comment. */
export interface ReviewDto {
  id: string;
  conversationId: string;
  buyerNickname: string | null;
  agentId: string | null;
  agentName: string | null;
  sessionStartedAt: number;
  closedAt: number;
  autoScore: number;
  manualScore: number | null;
  comment: string | null;
  reviewerName: string | null;
  sampledAt: number | null;
  reviewedAt: number | null;
}

/** One message of a reviewed transcript, with the coach flags (agent) or guard verdict (buyer) it got. */
export interface TranscriptLine {
  id: string;
  seq: number;
  sender: string;
  kind: string;
  text: string;
  createdAt: number;
  agentName: string | null;
  flags?: CoachFlagExt[];
  guard?: { level: string; warnings: string[] };
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function presentReview(r: ReviewListRow): ReviewDto {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    buyerNickname: r.buyer_nickname,
    agentId: r.agent_id,
    agentName: r.agent_name,
    sessionStartedAt: Number(r.session_started_at),
    closedAt: Number(r.closed_at),
    autoScore: Number(r.auto_score),
    manualScore: num(r.manual_score),
    comment: r.comment,
    reviewerName: r.reviewer_name,
    sampledAt: num(r.sampled_at),
    reviewedAt: num(r.reviewed_at),
  };
}
