import { REALTIME_LIMITS } from '@kefu/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../app-context.js';
import { assertShopAccess } from '../../http/auth.js';
import { AppError, notFound } from '../../http/errors.js';
import { route } from '../../http/route.js';
import { buyerFromRequest } from '../conversations/widget.routes.js';
import { qualityOf, uploadMeta } from '../quality/quality.upload.js';
import { extensionOf } from './files.service.js';

const UPLOAD_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/octet-stream'];

function bodyBuffer(request: FastifyRequest): Buffer {
  if (!Buffer.isBuffer(request.body)) throw new AppError('request.unsupported_media_type', '请以图片二进制上传（Content-Type: image/*）');
  return request.body;
}

/** Image uploads (buyer and agent) and `/files/:id`, served with nosniff, a download-safe disposition and a locked-down CSP. */
export function fileRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Encapsulated so the raw-body parser applies to the upload routes only.
  void app.register(async (sub) => {
    sub.addContentTypeParser(UPLOAD_TYPES, { parseAs: 'buffer', bodyLimit: REALTIME_LIMITS.maxImageBytes + 1 }, (_req, body, done) => done(null, body));
    // Any other type reaches the file guard, so a buyer's .exe/.zip gets a clear refusal instead of a bare 415.
    sub.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: REALTIME_LIMITS.maxImageBytes + 1 }, (_req, body, done) => done(null, body));
    route(sub, {
      method: 'POST',
      url: '/api/widget/uploads',
      summary: '买家上传图片（Bearer 买家令牌；PNG/JPEG/GIF/WebP，≤ 5 MB）',
      tags: ['widget'],
      auth: 'public',
      bodyLimit: REALTIME_LIMITS.maxImageBytes + 1,
      async handler({ request, reply }) {
        const buyer = await buyerFromRequest(ctx, request);
        await qualityOf(ctx).screenBuyerUpload(buyer.shopId, buyer.buyerId, uploadMeta(request, bodyBuffer(request)));
        const file = await ctx.chat.files.saveImage(buyer.shopId, `buyer:${buyer.buyerId}`, bodyBuffer(request));
        void reply.status(201);
        return { file };
      },
    });
    route(sub, {
      method: 'POST',
      url: '/api/shops/:shopId/uploads',
      summary: '客服上传图片（PNG/JPEG/GIF/WebP，≤ 5 MB）',
      tags: ['conversations'],
      auth: 'agent',
      params: z.object({ shopId: z.string().min(1).max(40) }),
      bodyLimit: REALTIME_LIMITS.maxImageBytes + 1,
      async handler({ auth, params, request, reply }) {
        assertShopAccess(auth, params.shopId);
        const file = await ctx.chat.files.saveImage(params.shopId, `agent:${auth.agent.id}`, bodyBuffer(request));
        void reply.status(201);
        return { file };
      },
    });
  });
  app.get('/files/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!/^file_[a-z0-9]{26}$/.test(id)) throw notFound('文件');
    const f = await ctx.chat.files.find(id);
    if (!f) throw notFound('文件');
    return reply
      .header('content-type', f.mime)
      .header('content-disposition', `inline; filename="${f.id}.${extensionOf(f.mime)}"`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
      .header('cross-origin-resource-policy', 'same-origin')
      .header('cache-control', 'private, max-age=31536000, immutable')
      .send(Buffer.from(f.data));
  });
}
