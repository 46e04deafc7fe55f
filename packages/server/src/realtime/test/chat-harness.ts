import { ALL_DAY, type BusinessHours } from '@kefu/contracts';
import WebSocket from 'ws';
import { hashPassword } from '../../modules/auth/password.js';
import { newId, newToken } from '../../storage/ids.js';
import { ApiClient, type TestServer } from '../../test/harness.js';

/** A WebSocket test client that records every frame and waits for the ones it needs. */
export class WsClient {
  readonly frames: any[] = [];
  private waiters: Array<{ pred: (f: any) => boolean; resolve: (f: any) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }> = [];
  closeCode: number | null = null;
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString());
      this.frames.push(f);
      for (const w of [...this.waiters]) {
        if (w.pred(f)) {
          clearTimeout(w.timer);
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(f);
        }
      }
    });
    this.closed = new Promise((r) => ws.on('close', (code) => r((this.closeCode = code))));
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const c = new WsClient(ws);
      ws.once('open', () => resolve(c));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(obj: unknown): void {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  /** Resolves with the first frame (already received or future) matching; rejects after `ms`. */
  next(pred: (f: any) => boolean, ms = 5000, fromIndex = 0): Promise<any> {
    const have = this.frames.slice(fromIndex).find(pred);
    if (have) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for frame; got ${JSON.stringify(this.frames.slice(-5))}`)), ms);
      this.waiters.push({ pred, resolve, reject, timer });
    });
  }

  /** Waits for the server to have answered everything sent so far (a ping round trip on the ordered frame chain). */
  async settle(): Promise<void> {
    const t = Math.random();
    this.send({ type: 'ping', t });
    await this.next((f) => f.type === 'pong' && f.t === t);
  }

  messages(conversationId?: string): any[] {
    return this.frames.filter((f) => f.type === 'message' && (!conversationId || f.message.conversationId === conversationId)).map((f) => f.message);
  }

  kill(): void {
    this.ws.terminate();
  }

  close(): void {
    this.ws.close();
  }
}

export const wsUrl = (server: TestServer, path: string) => server.url.replace(/^http/, 'ws') + path;

export interface TestShop {
  id: string;
  orgId: string;
  publicKey: string;
}

/** A fresh shop in the demo organisation (factories with overrides, not fixtures). */
export async function makeShop(server: TestServer, over: { businessHours?: BusinessHours; name?: string } = {}): Promise<TestShop> {
  const db = server.ctx.storage.db;
  const org = await db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
  const id = newId('shop');
  const publicKey = `pk_${newToken(18)}`;
  await db
    .insertInto('shops')
    .values({ id, org_id: org.id, name: over.name ?? '测试户外店', platform: 'taobao', time_zone: 'Asia/Shanghai', business_hours: JSON.stringify(over.businessHours ?? ALL_DAY), public_key: publicKey, settings: '{}', created_at: Date.now() })
    .execute();
  return { id, orgId: org.id, publicKey };
}

export interface TestAgent {
  id: string;
  email: string;
  api: ApiClient;
  cookie: string;
}

/** An agent of the shops, logged in; `online` sets presence (default online, capacity 10). */
export async function makeAgent(server: TestServer, shop: TestShop, over: { name?: string; role?: string; online?: boolean; maxConcurrent?: number; shopIds?: string[] } = {}): Promise<TestAgent> {
  const db = server.ctx.storage.db;
  const id = newId('agt');
  const email = `${id}@test.kefu`;
  const password = 'test-password-123';
  const t = Date.now();
  await db
    .insertInto('agents')
    .values({ id, org_id: shop.orgId, email, display_name: over.name ?? `客服${id.slice(-3)}`, role: over.role ?? 'agent', password_hash: await hashPassword(password, 10), disabled: 0, created_at: t, updated_at: t })
    .execute();
  await db.insertInto('agent_shops').values((over.shopIds ?? [shop.id]).map((shop_id) => ({ agent_id: id, shop_id }))).execute();
  if (over.online !== false) await server.ctx.chat.routing.setPresence(id, over.shopIds ?? [shop.id], { status: 'online', maxConcurrent: over.maxConcurrent ?? 10 });
  const api = new ApiClient(server.url);
  await api.login(email, password);
  return { id, email, api, cookie: api.cookie };
}

export async function agentSocket(server: TestServer, agent: TestAgent, resume?: Record<string, number>): Promise<WsClient> {
  const c = await WsClient.open(wsUrl(server, '/ws/agent'), { cookie: agent.cookie });
  c.send({ type: 'hello', v: 1, ...(resume ? { resume } : {}) });
  await c.next((f) => f.type === 'welcome');
  return c;
}

export interface TestBuyer {
  token: string;
  buyerId: string;
  anonId: string;
  boot: any;
}

export async function bootstrapBuyer(server: TestServer, shop: TestShop, body: Record<string, unknown> = {}): Promise<TestBuyer> {
  const res = await new ApiClient(server.url).post('/api/widget/bootstrap', { publicKey: shop.publicKey, anonId: newToken(12), ...body });
  if (res.status !== 200) throw new Error(`bootstrap failed ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.buyerToken, buyerId: res.body.buyer.id, anonId: res.body.buyer.anonId, boot: res.body };
}

export async function buyerSocket(server: TestServer, buyer: TestBuyer, resume?: Record<string, number>): Promise<WsClient> {
  const c = await WsClient.open(wsUrl(server, `/ws/buyer?token=${encodeURIComponent(buyer.token)}`));
  c.send({ type: 'hello', v: 1, ...(resume ? { resume } : {}) });
  await c.next((f) => f.type === 'welcome');
  return c;
}

let n = 0;
export const cid = (p = 'c') => `${p}-${Date.now().toString(36)}-${(n++).toString(36)}`;

/** Sends a buyer text and waits for its ack. */
export async function buyerSay(c: WsClient, text: string, clientId = cid('b')): Promise<any> {
  const from = c.frames.length;
  c.send({ type: 'send', clientId, kind: 'text', text });
  return c.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === clientId || f.ref === clientId), 5000, from);
}

/** Polls until `fn` returns a truthy value (for effects that follow an ack, like routing). */
export async function eventually<T>(fn: () => Promise<T> | T, ms = 5000): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
