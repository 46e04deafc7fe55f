import { AssignBody, ListConversationsQuery, ListMessagesQuery, NoteBody, ReadBody, SendMessageBody, TransferBody } from '@kefu/contracts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { assertShopAccess } from '../../http/auth.js';
import { route } from '../../http/route.js';

const ShopParams = z.object({ shopId: z.string().min(1).max(40) });
const ConvParams = z.object({ shopId: z.string().min(1).max(40), conversationId: z.string().min(1).max(64) });

/** Agent REST API for conversations (the socket offers the same sends, live). */
export function conversationRoutes(app: FastifyInstance, ctx: AppContext): void {
  const svc = () => ctx.chat.conversations;
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/conversations',
    summary: '会话列表：mine 我的 / waiting 排队中 / all 进行中 / closed 已结束；按最后消息时间倒序，cursor 翻页',
    tags: ['conversations'],
    auth: 'agent',
    params: ShopParams,
    query: ListConversationsQuery,
    async handler({ auth, params, query }) {
      assertShopAccess(auth, params.shopId);
      return svc().list(auth, params.shopId, query);
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/conversations/:conversationId',
    summary: '会话详情',
    tags: ['conversations'],
    auth: 'agent',
    params: ConvParams,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      return { conversation: await svc().get(auth, params.shopId, params.conversationId) };
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/shops/:shopId/conversations/:conversationId/messages',
    summary: '消息（含内部备注）：beforeSeq 向上翻页，afterSeq 补齐',
    tags: ['conversations'],
    auth: 'agent',
    params: ConvParams,
    query: ListMessagesQuery,
    async handler({ auth, params, query }) {
      assertShopAccess(auth, params.shopId);
      return svc().messages(auth, params.shopId, params.conversationId, query);
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/conversations/:conversationId/messages',
    summary: '发送消息（clientId 幂等：重试不会重复）',
    tags: ['conversations'],
    auth: 'agent',
    params: ConvParams,
    body: SendMessageBody,
    async handler({ auth, params, body, reply }) {
      assertShopAccess(auth, params.shopId);
      const r = await svc().sendAsAgent(auth, params.conversationId, body, params.shopId);
      void reply.status(r.duplicate ? 200 : 201);
      return { message: r.message, duplicate: r.duplicate };
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/conversations/:conversationId/notes',
    summary: '内部备注（买家永远看不到）',
    tags: ['conversations'],
    auth: 'agent',
    params: ConvParams,
    body: NoteBody,
    async handler({ auth, params, body, reply }) {
      assertShopAccess(auth, params.shopId);
      const r = await svc().addNote(auth, params.conversationId, body.text, body.clientId, params.shopId);
      void reply.status(r.duplicate ? 200 : 201);
      return { message: r.message, duplicate: r.duplicate };
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/conversations/:conversationId/transfer',
    summary: '转接给客服或分组，附内部备注',
    tags: ['conversations'],
    auth: 'agent',
    params: ConvParams,
    body: TransferBody,
    async handler({ auth, params, body }) {
      assertShopAccess(auth, params.shopId);
      return { conversation: await svc().transfer(auth, params.shopId, params.conversationId, body) };
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/conversations/:conversationId/close',
    summary: '结束会话',
    tags: ['conversations'],
    auth: 'agent',
    params: ConvParams,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      return { conversation: await svc().close(auth, params.shopId, params.conversationId) };
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/conversations/:conversationId/claim',
    summary: '接入会话（分配给自己）',
    tags: ['conversations'],
    auth: 'agent',
    params: ConvParams,
    async handler({ auth, params }) {
      assertShopAccess(auth, params.shopId);
      return { conversation: await svc().claim(auth, params.shopId, params.conversationId) };
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/conversations/:conversationId/assign',
    summary: '分配会话给某位客服',
    tags: ['conversations'],
    auth: 'agent',
    params: ConvParams,
    body: AssignBody,
    async handler({ auth, params, body }) {
      assertShopAccess(auth, params.shopId);
      return { conversation: await svc().assign(auth, params.shopId, params.conversationId, body.agentId) };
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/shops/:shopId/conversations/:conversationId/read',
    summary: '标记已读到 seq',
    tags: ['conversations'],
    auth: 'agent',
    params: ConvParams,
    body: ReadBody,
    async handler({ auth, params, body }) {
      assertShopAccess(auth, params.shopId);
      return { conversation: await svc().agentRead(auth, params.conversationId, body.seq, params.shopId) };
    },
  });
}
