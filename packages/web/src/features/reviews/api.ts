import type { CoachFlagExt } from '@kefu/core';
import { api } from '../../api/client.js';

/** One review row (server presenter). */
export interface ReviewItem {
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

export interface Breakdown {
  total: number;
  response: { score: number; max: number; firstResponseSec: number | null; withinTarget: number; answeredTurns: number; targets: { firstResponseSec: number; responseSec: number } };
  answered: { score: number; max: number; questionTurns: number; unanswered: number; unansweredTexts: string[] };
  coach: { score: number; max: number; flags: Array<{ id: string; count: number; penalty: number }>; flaggedMessages: number; agentMessages: number };
  steps: { score: number; max: number; results: Array<{ step: string; applies: boolean; done: boolean; evidence?: string }> };
}

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

export type ReviewDetail = ReviewItem & { breakdown: Breakdown; transcript: TranscriptLine[] };
export type ReviewStatus = 'all' | 'sampled' | 'pending' | 'reviewed';
export interface ReviewQuery {
  from?: number;
  to?: number;
  agentId?: string;
  status?: ReviewStatus;
}

const shop = (id: string) => `/api/shops/${encodeURIComponent(id)}`;

export const reviewsApi = {
  list: (shopId: string, q: ReviewQuery & { limit?: number; offset?: number }) =>
    api.get<{ reviews: ReviewItem[]; total: number; avgAuto: number | null; avgManual: number | null }>(`${shop(shopId)}/reviews`, { query: { ...q } }),
  sample: (shopId: string, body: { n: number; from?: number; to?: number; agentId?: string }) => api.post<{ reviews: ReviewItem[] }>(`${shop(shopId)}/reviews/sample`, body),
  get: (shopId: string, id: string) => api.get<{ review: ReviewDetail }>(`${shop(shopId)}/reviews/${encodeURIComponent(id)}`).then((r) => r.review),
  score: (shopId: string, id: string, body: { score: number; comment?: string }) =>
    api.request<{ review: ReviewItem }>('PUT', `${shop(shopId)}/reviews/${encodeURIComponent(id)}`, body).then((r) => r.review),
};
