import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { startAutoCloseJob } from '../jobs/auto-close.js';
import { type Gateway, type GatewayOptions, startGateway } from './gateway.js';
import { startRedisBridge } from './redis-bridge.js';

const gateways = new WeakMap<AppContext, Gateway>();

/** The gateway a context runs (tests and the bench reach the hub through it). */
export function gatewayOf(ctx: AppContext): Gateway | undefined {
  return gateways.get(ctx);
}

/** Server plugin: WebSocket gateway, Redis fan-out in scaled mode, and the auto-close job. */
export function realtimePlugin(opts: GatewayOptions & { autoClose?: boolean } = {}) {
  return async (app: FastifyInstance, ctx: AppContext): Promise<void> => {
    const gateway = startGateway(app, ctx, opts);
    gateways.set(ctx, gateway);
    const stopBridge = ctx.config.redisUrl ? await startRedisBridge(ctx, ctx.config.redisUrl) : null;
    const stopJob = opts.autoClose === false ? null : startAutoCloseJob(ctx);
    // Sockets must go before the HTTP server closes, or close() would wait on them.
    app.addHook('preClose', async () => {
      stopJob?.();
      await gateway.close();
    });
    ctx.onClose.push(async () => {
      await ctx.chat.conversations.writer.flush();
      await stopBridge?.();
    });
  };
}
