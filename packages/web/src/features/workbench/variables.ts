import { extractVariables, fillVariables as fillKnown, type VariableName } from '@kefu/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client.js';

/** Variable values of one conversation, as the server fills suggestions ({商品}, {订单号}, {物流单号} …). */
export type ReplyVariables = Partial<Record<VariableName, string>>;

/** What the browser knows itself: the buyer's nickname, the shop's name and the agent writing (wins over the assignee). */
export interface LocalVariables {
  buyer: string;
  shop: string;
  agent: string;
}

/** Re-read the server's values at most this often while a conversation stays open (an order may arrive meanwhile). */
const REFRESH_MS = 10_000;
const NONE: ReplyVariables = Object.freeze({});

/**
 * Fills a quick reply for the composer (legacy aliases such as `{buyer}` and `{店铺名}` included): every known variable with a
 * value (server values for the product and the buyer's latest order; the agent, shop and buyer from the browser).
 * Placeholders without a value stay in the text for the agent to edit (`missingPlaceholders`).
 */
export function fillReply(text: string, local: LocalVariables, server: ReplyVariables): string {
  const buyer = local.buyer && !/^访客/.test(local.buyer) ? local.buyer : '';
  const vars: ReplyVariables = {
    ...server,
    买家称呼: server['买家称呼'] ?? (buyer || '亲'),
    ...(local.shop ? { 店铺: local.shop } : {}),
    ...(local.agent ? { 客服: local.agent } : {}),
  };
  // One pass over canonical names, so a value holding braces is never expanded again.
  return fillKnown(canonical(text), vars).text;
}

/** Older libraries write `{buyer}`, `{买家}`, `{店铺名}`, `{agent}` …: rename them to the variable they mean. */
function canonical(text: string): string {
  return text
    .replace(/\{(buyer|买家|买家昵称)\}/g, '{买家称呼}')
    .replace(/\{(shop|店铺名)\}/g, '{店铺}')
    .replace(/\{(agent|客服名)\}/g, '{客服}');
}

/** `{名称}` placeholders still in a draft, in order, with the offset of their first occurrence. */
export function missingPlaceholders(text: string): Array<{ name: string; start: number; end: number }> {
  return extractVariables(text).map((name) => {
    const start = text.indexOf(`{${name}}`);
    return { name, start, end: start + name.length + 2 };
  });
}

/**
 * The server's variable values for the open conversation (GET …/conversations/:id/variables), refreshed when the
 * conversation changes and, at most every REFRESH_MS, when new messages arrive. Empty until loaded or on error
 * (the reply then keeps those placeholders for the agent).
 */
export function useReplyVariables(shopId: string, conversationId: string | null, lastSeq: number): ReplyVariables {
  const [state, setState] = useState<{ id: string | null; vars: ReplyVariables }>({ id: null, vars: {} });
  const fetchedAt = useRef<{ id: string | null; at: number }>({ id: null, at: 0 });
  const load = useCallback(
    (id: string) => {
      fetchedAt.current = { id, at: Date.now() };
      api
        .get<{ variables: ReplyVariables }>(`/api/shops/${encodeURIComponent(shopId)}/conversations/${encodeURIComponent(id)}/variables`)
        .then((r) => setState((s) => (fetchedAt.current.id === id ? { id, vars: r.variables ?? {} } : s)))
        .catch(() => setState((s) => (s.id === id ? s : { id, vars: NONE })));
    },
    [shopId],
  );
  useEffect(() => {
    if (!shopId || !conversationId) return;
    const f = fetchedAt.current;
    if (f.id !== conversationId || Date.now() - f.at >= REFRESH_MS) load(conversationId);
  }, [shopId, conversationId, lastSeq, load]);
  return state.id === conversationId ? state.vars : NONE;
}
