import type { AgentDto, BusinessHours, MeDto, Platform, Role, ShopDto } from '@kefu/contracts';
import { api } from './client.js';

/** Typed calls for the shell's REST endpoints (auth, shops, agents). */
export const authApi = {
  login: (email: string, password: string) => api.post<MeDto>('/api/auth/login', { email, password }),
  me: () => api.get<MeDto>('/api/auth/me'),
  logout: () => api.post<void>('/api/auth/logout'),
  changePassword: (currentPassword: string, newPassword: string) => api.post<void>('/api/auth/password', { currentPassword, newPassword }),
};

export interface ShopPatch {
  name?: string;
  platform?: Platform;
  timeZone?: string;
  businessHours?: BusinessHours;
  /** First-response target in seconds (5–3600). */
  responseTargetSec?: number;
}

export const shopsApi = {
  list: () => api.get<{ shops: ShopDto[] }>('/api/shops').then((r) => r.shops),
  update: (shopId: string, patch: ShopPatch) => api.patch<ShopDto>(`/api/shops/${encodeURIComponent(shopId)}`, patch),
};

export interface InviteInput {
  email: string;
  displayName: string;
  role: Role;
  shopIds: string[];
}

export const agentsApi = {
  list: () => api.get<{ agents: AgentDto[] }>('/api/agents').then((r) => r.agents),
  invite: (input: InviteInput) => api.post<{ agent: AgentDto; initialPassword?: string }>('/api/agents', input),
  update: (agentId: string, patch: { displayName?: string; role?: Role; shopIds?: string[]; disabled?: boolean }) =>
    api.patch<{ agent: AgentDto }>(`/api/agents/${encodeURIComponent(agentId)}`, patch).then((r) => r.agent),
};
