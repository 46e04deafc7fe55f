import { api } from '../../api/client.js';

export type FaqKind = 'product' | 'recommend' | 'transaction';

export interface FaqEntry {
  id: string;
  kind: FaqKind;
  scenario: string;
  question: string;
  answer: string;
  keywords: string[];
  productSku: string | null;
  shown: number;
  picked: number;
}

export interface SizeChart {
  kind: 'shoe' | 'clothing';
  rows: Array<{ size: string; footLengthMaxCm?: number; heightCm?: [number, number]; weightKg?: [number, number]; bustCm?: number; lengthCm?: number }>;
  note: string;
  fit?: string;
}

/** A product file (商品档案). */
export interface Product {
  id: string;
  sku: string;
  name: string;
  price: number;
  category?: string;
  colors?: string[];
  sizes?: string[];
  stock?: Record<string, Record<string, number>>;
  material?: { part: string; value: string }[];
  sizeChart?: SizeChart | null;
  sellingPoints?: string[];
  cautions?: string[];
  relatedSkus?: string[];
  facts?: string[];
}

const shop = (id: string) => `/api/shops/${encodeURIComponent(id)}`;

export const knowledgeApi = {
  faq: (shopId: string) => api.get<{ faq: FaqEntry[] }>(`${shop(shopId)}/faq`).then((r) => r.faq),
  createFaq: (shopId: string, body: Omit<FaqEntry, 'id' | 'shown' | 'picked'>) => api.post<{ faq: FaqEntry }>(`${shop(shopId)}/faq`, body).then((r) => r.faq),
  updateFaq: (shopId: string, id: string, body: Partial<FaqEntry>) => api.patch<{ faq: FaqEntry }>(`${shop(shopId)}/faq/${encodeURIComponent(id)}`, body).then((r) => r.faq),
  removeFaq: (shopId: string, id: string) => api.del<void>(`${shop(shopId)}/faq/${encodeURIComponent(id)}`),
  products: (shopId: string) => api.get<{ products: Product[] }>(`${shop(shopId)}/products`).then((r) => r.products),
  createProduct: (shopId: string, body: Omit<Product, 'id'>) => api.post<{ product: Product }>(`${shop(shopId)}/products`, body).then((r) => r.product),
  updateProduct: (shopId: string, id: string, body: Partial<Product>) => api.patch<{ product: Product }>(`${shop(shopId)}/products/${encodeURIComponent(id)}`, body).then((r) => r.product),
  removeProduct: (shopId: string, id: string) => api.del<void>(`${shop(shopId)}/products/${encodeURIComponent(id)}`),
};
