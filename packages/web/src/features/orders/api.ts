import { ORDER_STATUSES, type Address, type OrderItem, type OrderStatus } from '@kefu/core';
import { api, ApiError } from '../../api/client.js';

/** Order, buyer and urging API shapes (mirrors packages/server/src/modules/{orders,buyers,urging}). */
export type { Address, OrderItem, OrderStatus };
export const ORDER_STATUS_IDS: OrderStatus[] = ORDER_STATUSES.map((s) => s.id);

export interface UrgingSummary {
  status: string;
  nextDueAt: number | null;
  sent: number;
}
export interface OrderDto {
  id: string;
  externalId: string;
  buyerId: string | null;
  buyerNick: string;
  status: OrderStatus;
  statusZh: string;
  refund: string;
  amount: number;
  paidAmount: number | null;
  itemCount: number;
  items: OrderItem[];
  address: Address | null;
  addressText: string | null;
  courier: string | null;
  trackingNo: string | null;
  notes: Array<{ at: string; by?: string; text: string }>;
  source: string;
  createdAt: number;
  closesAt: number | null;
  paidAt: number | null;
  allowed: string[];
  urging?: UrgingSummary | null;
}
export interface ImportSummary {
  id: string;
  status: 'running' | 'done' | 'failed';
  fileName: string | null;
  total: number;
  processed: number;
  imported: number;
  updated: number;
  unchanged: number;
  skipped: number;
  errors: Array<{ line: number; reason: string }>;
}
export interface TraitEstimate {
  value: string | null;
  confidence: number;
  evidence: string[];
  source: 'estimated' | 'manual';
}
export interface BuyerListItem {
  id: string;
  nickname: string;
  group: 'inquirer' | 'buyer' | 'vip';
  groupLabel: string;
  groupOverride: string | null;
  tags: string[];
  phone: string | null;
  realName: string | null;
  paidOrders: number;
  paidAmount: number;
  lastPaidAt: string | null;
  orderCount: number;
  temperament: string | null;
  lastSeenAt: number;
}
export interface BuyerDetail extends BuyerListItem {
  notes: string;
  phoneFull: string | null;
  realNameFull: string | null;
  profile: { temperament: TraitEstimate; demands: Record<string, TraitEstimate> };
  strategies: Array<{ id: string; zh: string; strategy: string; confidence: number; evidence: string[] }>;
  orders: Array<OrderDto & { urging: UrgingSummary | null }>;
  afterPayment: { orderId: string; replies: Array<{ id: string; kind: string; text: string }> } | null;
}
export interface OrderUrging {
  orderId: string;
  status: string;
  nextDueAt: number | null;
  reminders: Array<{ step: number; dueAt: string; status: string; scriptId?: string; scriptTitle: string | null; sentAt?: string; reason?: string; outcome?: string }>;
  sms: Array<{ id: string; phone: string; status: string; provider: string; createdAt: number }>;
}
export interface ScriptRow {
  scriptId: string;
  title: string;
  text: string;
  sent: number;
  outcomes: number;
  paid: number;
  pending: number;
  rate: number | null;
  low: number;
  high: number;
}
export interface UrgingSettings {
  enabled: boolean;
  steps: Array<{ afterMinutes?: number; beforeCloseMinutes?: number }>;
  quietHours: { start: string; end: string } | null;
  tz: string;
  maxPerOrder: number;
  channels: Array<'chat' | 'sms'>;
  dispatchCutoff: string;
}

const s = (shopId: string) => `/api/shops/${encodeURIComponent(shopId)}`;

export const ordersApi = {
  list: (shopId: string, q: { status?: string; buyerId?: string; search?: string; limit?: number; offset?: number }) =>
    api.get<{ orders: OrderDto[]; total: number }>(`${s(shopId)}/orders`, { query: q }),
  get: (shopId: string, id: string) => api.get<{ order: OrderDto; history: Array<{ type: string; at: number; actor: string | null }> }>(`${s(shopId)}/orders/${encodeURIComponent(id)}`),
  action: (shopId: string, id: string, body: Record<string, unknown>) => api.post<{ order: OrderDto }>(`${s(shopId)}/orders/${encodeURIComponent(id)}/actions`, body),
  urging: (shopId: string, id: string) => api.get<{ urging: OrderUrging }>(`${s(shopId)}/orders/${encodeURIComponent(id)}/urging`).then((r) => r.urging),
  importStatus: (shopId: string, id: string) => api.get<{ import: ImportSummary }>(`${s(shopId)}/orders/imports/${encodeURIComponent(id)}`).then((r) => r.import),
  /** Uploads the export's raw bytes (GBK or UTF-8 are both read by the server). */
  async importFile(shopId: string, file: File, csrf: string): Promise<ImportSummary> {
    const res = await fetch(`${s(shopId)}/orders/import?fileName=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/octet-stream', 'x-csrf-token': csrf, accept: 'application/json' },
      body: file,
    });
    const body = (await res.json().catch(() => null)) as { import?: ImportSummary; error?: { code: string; message: string } } | null;
    if (!res.ok || !body?.import) throw new ApiError(body?.error?.code ?? 'internal', body?.error?.message ?? `上传失败（${res.status}）`, res.status);
    return body.import;
  },
};

export const buyersApi = {
  list: (shopId: string, q: { search?: string; group?: string; segment?: string; tag?: string; limit?: number; offset?: number }) =>
    api.get<{ buyers: BuyerListItem[]; total: number; segments: Array<{ id: string; zh: string }> }>(`${s(shopId)}/buyers`, { query: q }),
  get: (shopId: string, id: string) => api.get<{ buyer: BuyerDetail }>(`${s(shopId)}/buyers/${encodeURIComponent(id)}`).then((r) => r.buyer),
  patch: (shopId: string, id: string, body: Record<string, unknown>) => api.patch<{ buyer: BuyerDetail }>(`${s(shopId)}/buyers/${encodeURIComponent(id)}`, body).then((r) => r.buyer),
  estimate: (shopId: string, id: string) => api.post<{ buyer: BuyerDetail }>(`${s(shopId)}/buyers/${encodeURIComponent(id)}/estimate`).then((r) => r.buyer),
  reveal: (shopId: string, id: string) => api.post<{ phone: string | null; realName: string | null }>(`${s(shopId)}/buyers/${encodeURIComponent(id)}/reveal`),
};

export const urgingApi = {
  scripts: (shopId: string, step?: number) => api.get<{ scripts: ScriptRow[] }>(`${s(shopId)}/urging/scripts`, { query: { step } }).then((r) => r.scripts),
  settings: (shopId: string) => api.get<{ settings: UrgingSettings }>(`${s(shopId)}/urging/settings`).then((r) => r.settings),
  saveSettings: (shopId: string, body: Partial<UrgingSettings>) => api.request<{ settings: UrgingSettings }>('PUT', `${s(shopId)}/urging/settings`, body).then((r) => r.settings),
};

export const STATUS_COLOR: Record<OrderStatus, string> = { unpaid: 'orange', paid: 'blue', shipped: 'cyan', delivered: 'geekblue', completed: 'green', closed: 'default' };
export const GROUP_COLOR: Record<string, string> = { inquirer: 'default', buyer: 'blue', vip: 'gold' };
