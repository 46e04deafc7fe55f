import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createAppContext, type AppContext } from './app-context.js';
import { buildApp, type RouteModule } from './app.js';
import type { Config } from './config/config.js';
import { tuneHeap } from './config/v8-heap.js';
import { EventBus } from './events/bus.js';
import { ensureDemo, type DemoLogin } from './demo/seed-demo.js';
import { createStorage } from './storage/create-db.js';
import { newId } from './storage/ids.js';
import { realtimePlugin } from './realtime/plugin.js';

const here = dirname(fileURLToPath(import.meta.url));
/** packages/server/{src,dist} → packages/ */
const packagesDir = resolve(here, '..', '..');

export function defaultAssetDirs(): { webDist: string; widgetDist: string } {
  return { webDist: resolve(packagesDir, 'web', 'dist'), widgetDist: resolve(packagesDir, 'widget', 'dist') };
}

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
  demo: DemoLogin | null;
  close(): Promise<void>;
}

/** Hooks for modules that need the context before listening (realtime gateway, jobs). */
export type ServerPlugin = (app: FastifyInstance, ctx: AppContext) => void | Promise<void>;
export const SERVER_PLUGINS: ServerPlugin[] = [realtimePlugin()];

/** Opens storage, migrates, seeds the demo when asked, builds the app and listens. */
export async function startServer(config: Config, extra: { modules?: RouteModule[]; plugins?: ServerPlugin[] } = {}): Promise<RunningServer> {
  tuneHeap();
  const storage = await createStorage({
    sqlitePath: config.dbPath,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    ...(config.pgSchema ? { pgSchema: config.pgSchema } : {}),
    backgroundCheckpoints: true,
  });
  await storage.migrate();
  const events = new EventBus(`${hostname()}:${process.pid}:${newId('p')}`);
  const ctx = createAppContext({ config, storage, events });
  const demo = config.demo ? await ensureDemo(ctx) : null;
  const app = await buildApp(ctx, extra.modules);
  for (const plugin of [...SERVER_PLUGINS, ...(extra.plugins ?? [])]) await plugin(app, ctx);
  await app.listen({ host: config.host, port: config.port });
  ctx.scheduler.start();
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  let closing: Promise<void> | null = null;
  return {
    app,
    ctx,
    url: `http://${config.host}:${port}`,
    demo,
    close() {
      closing ??= (async () => {
        await app.close();
        await ctx.scheduler.stop();
        for (const fn of [...ctx.onClose].reverse()) await fn();
        await storage.close();
      })();
      return closing;
    },
  };
}
