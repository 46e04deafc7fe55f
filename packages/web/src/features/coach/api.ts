import type { Platform } from '@kefu/contracts';
import type { CoachFlagExt, CoachRulesOverride, ConcessionKind, ConcessionLadder, ConcessionStep } from '@kefu/core';
import { api } from '../../api/client.js';

/** A shop's coach settings as the server returns them. */
export interface CoachSettings {
  platform: Platform;
  rulesOverride: CoachRulesOverride;
  blocking: string[];
  alwaysBlocking: string[];
  blockable: string[];
  ladder: ConcessionLadder;
  targets: { firstResponseSec: number; responseSec: number };
  updatedAt: number | null;
}

export interface ConversationCoachState {
  offered: ConcessionKind[];
  next: ConcessionStep | null;
  ladder: ConcessionLadder;
  lastBuyerText: string;
}

const shop = (id: string) => `/api/shops/${encodeURIComponent(id)}`;

export const coachApi = {
  settings: (shopId: string) => api.get<{ settings: CoachSettings }>(`${shop(shopId)}/coach/settings`).then((r) => r.settings),
  save: (shopId: string, body: Pick<CoachSettings, 'rulesOverride' | 'blocking' | 'ladder' | 'targets'>) =>
    api.request<{ settings: CoachSettings }>('PUT', `${shop(shopId)}/coach/settings`, body).then((r) => r.settings),
  lint: (shopId: string, body: { buyer: string; reply: string; conversationId?: string }) =>
    api.post<{ flags: CoachFlagExt[]; blocking: string[]; blocked: boolean }>(`${shop(shopId)}/coach/lint`, body),
  conversation: (shopId: string, conversationId: string) => api.get<ConversationCoachState>(`${shop(shopId)}/conversations/${encodeURIComponent(conversationId)}/coach`),
};
