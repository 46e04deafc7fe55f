import type { SuggestionsFrame } from '@kefu/contracts';
import { api } from '../../api/client.js';

/** A quick reply as the library API returns it. */
export interface QuickReply {
  id: string;
  scenario: string;
  category: string;
  title: string;
  shortcut: string | null;
  text: string;
  keywords: string[];
  card: { imageUrl?: string; productSku?: string } | null;
  shared: boolean;
  ownerAgentId: string | null;
  safeForAuto: boolean;
  uses: number;
  shown: number;
  picked: number;
  conversations: number;
  converted: number;
  conversion: number | null;
}

export interface QuickReplyInput {
  scenario: string;
  category?: string;
  title: string;
  shortcut?: string | null;
  text: string;
  keywords?: string[];
  card?: { imageUrl?: string; productSku?: string } | null;
  shared?: boolean;
  safeForAuto?: boolean;
}

export interface ImportResult {
  imported: number;
  failed: number;
  encoding: 'utf-8' | 'gbk';
  errors: { line: number; message: string }[];
}

export interface Variable {
  name: string;
  label: string;
  example: string;
}

const shop = (id: string) => `/api/shops/${encodeURIComponent(id)}`;

/** Typed calls of the quick-reply library and suggestions. */
export const quickRepliesApi = {
  list: (shopId: string) => api.get<{ quickReplies: QuickReply[]; total: number }>(`${shop(shopId)}/quick-replies`).then((r) => r.quickReplies),
  create: (shopId: string, body: QuickReplyInput) => api.post<{ quickReply: QuickReply }>(`${shop(shopId)}/quick-replies`, body).then((r) => r.quickReply),
  update: (shopId: string, id: string, body: Partial<QuickReplyInput>) =>
    api.patch<{ quickReply: QuickReply }>(`${shop(shopId)}/quick-replies/${encodeURIComponent(id)}`, body).then((r) => r.quickReply),
  remove: (shopId: string, id: string) => api.del<void>(`${shop(shopId)}/quick-replies/${encodeURIComponent(id)}`),
  exportUrl: (shopId: string, format: 'csv' | 'json') => `${shop(shopId)}/quick-replies/export?format=${format}`,
  import: (shopId: string, format: 'csv' | 'json', data: string, personal = false) => api.post<ImportResult>(`${shop(shopId)}/quick-replies/import`, { format, data, personal }),
  variables: (shopId: string) => api.get<{ variables: Variable[] }>(`${shop(shopId)}/assist/variables`).then((r) => r.variables),
  suggestions: (shopId: string, conversationId: string) =>
    api.get<{ suggestions: SuggestionsFrame | null }>(`${shop(shopId)}/conversations/${encodeURIComponent(conversationId)}/suggestions`).then((r) => r.suggestions),
  feedback: (shopId: string, body: { conversationId: string; shownIds: string[]; pickedId: string | null }) => api.post<void>(`${shop(shopId)}/suggestions/feedback`, body),
};

/** File bytes → base64 (the import API takes raw bytes so GBK files arrive unchanged). */
export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}
