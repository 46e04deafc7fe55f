import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type Engine, startTestServer, type TestServer } from '../test/harness.js';
import { newId } from '../storage/ids.js';

/** The foundation's HTTP behaviour, run against a real server on SQLite (api.test.ts) and PostgreSQL (api.pg.test.ts). */
export function apiContract(engine: Engine): void {
  describe(`HTTP API foundation (${engine})`, () => {
    let server: TestServer;
    let owner: ApiClient;
    let me: any;
    let foreignShopId: string;

    beforeAll(async () => {
      server = await startTestServer(engine, { loginLimit: { max: 5, windowMs: 60_000 }, bodyLimit: 64 * 1024 });
      owner = new ApiClient(server.url);
      me = await owner.login(server.demo!.email, server.demo!.password);
      // Another organisation with its own shop: its ids must be invisible to the demo owner.
      const db = server.ctx.storage.db;
      const orgId = newId('org');
      foreignShopId = newId('shop');
      await db.insertInto('organizations').values({ id: orgId, name: '别家', created_at: Date.now() }).execute();
      await db
        .insertInto('shops')
        .values({ id: foreignShopId, org_id: orgId, name: '别家店', platform: 'jd', time_zone: 'Asia/Shanghai', business_hours: '{}', public_key: newId('pk'), settings: '{}', created_at: Date.now() })
        .execute();
    });
    afterAll(async () => server?.cleanup());

    it('serves /healthz and /readyz', async () => {
      const c = new ApiClient(server.url);
      expect((await c.get('/healthz')).body.status).toBe('ok');
      const ready = await c.get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body.db).toBe(engine === 'postgres' ? 'postgres' : 'sqlite');
    });

    it('logs in with the demo owner and returns the shops, never the password hash', async () => {
      expect(me.agent.email).toBe('owner@demo.kefu');
      expect(me.shops.map((s: any) => s.name)).toEqual(['山野户外旗舰店', '小雅女装']);
      expect(JSON.stringify(me)).not.toMatch(/scrypt|password/i);
      expect(typeof me.csrfToken).toBe('string');
    });

    it('sets the session as an httpOnly, SameSite cookie', async () => {
      const res = await new ApiClient(server.url).post('/api/auth/login', { email: server.demo!.email, password: server.demo!.password });
      const cookie = res.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
    });

    it('answers a wrong password and an unknown e-mail with the same generic error', async () => {
      const c = new ApiClient(server.url);
      const wrong = await c.post('/api/auth/login', { email: 'xiaomei@demo.kefu', password: 'nope-nope-nope' });
      const unknown = await c.post('/api/auth/login', { email: 'nobody@demo.kefu', password: 'nope-nope-nope' });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.body.error.code).toBe('auth.invalid_credentials');
    });

    it('rate-limits repeated login attempts for one e-mail', async () => {
      const c = new ApiClient(server.url);
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) codes.push((await c.post('/api/auth/login', { email: 'victim@demo.kefu', password: `guess-${i}` })).status);
      expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(codes.slice(5)).toEqual([429, 429]);
      const last = await c.post('/api/auth/login', { email: 'victim@demo.kefu', password: 'x' });
      expect(last.body.error.code).toBe('rate_limited');
    });

    it('rejects malformed JSON with 400 and a code', async () => {
      const res = await new ApiClient(server.url).request('POST', '/api/auth/login', '{"email": "a@b.c", ', { 'content-type': 'application/json' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('request.malformed_json');
    });

    it('rejects invalid fields with 400 request.invalid naming the field', async () => {
      const res = await new ApiClient(server.url).post('/api/auth/login', { email: 'not-an-email', password: '' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('request.invalid');
      expect(res.body.error.message).toMatch(/body\.(email|password)/);
    });

    it('rejects an oversized body with 413', async () => {
      const res = await owner.patch(`/api/shops/${me.shops[0].id}`, { name: 'x'.repeat(100 * 1024) });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('request.too_large');
    });

    it('answers 401 without a session', async () => {
      const res = await new ApiClient(server.url).get('/api/shops');
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('auth.required');
    });

    it('refuses a cookie-authenticated write without the CSRF token', async () => {
      const c = new ApiClient(server.url);
      c.cookie = owner.cookie;
      const res = await c.patch(`/api/shops/${me.shops[0].id}`, { name: '改名' });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('auth.csrf');
    });

    it("answers 404 for another organisation's shop, for reads and writes alike", async () => {
      const read = await owner.get(`/api/shops/${foreignShopId}`);
      const write = await owner.patch(`/api/shops/${foreignShopId}`, { name: '偷改' });
      const unknown = await owner.get('/api/shops/shop_does_not_exist');
      for (const r of [read, write, unknown]) {
        expect(r.status).toBe(404);
        expect(r.body.error.code).toBe('resource.not_found');
      }
      const invite = await owner.post('/api/agents', { email: 'spy@demo.kefu', displayName: '间谍', role: 'agent', shopIds: [foreignShopId] });
      expect(invite.status).toBe(404);
    });

    it('lets the owner update a shop, validating platform and hours', async () => {
      const ok = await owner.patch(`/api/shops/${me.shops[1].id}`, { name: '小雅女装旗舰店' });
      expect(ok.status).toBe(200);
      expect(ok.body.name).toBe('小雅女装旗舰店');
      const bad = await owner.patch(`/api/shops/${me.shops[1].id}`, { platform: 'amazon' });
      expect(bad.status).toBe(400);
    });

    it('lets the owner invite an agent who then sees only the given shop and cannot manage agents', async () => {
      const res = await owner.post('/api/agents', { email: 'xiaoli@demo.kefu', displayName: '小李', role: 'agent', shopIds: [me.shops[0].id] });
      expect(res.status).toBe(201);
      expect(res.body.initialPassword).toMatch(/^\S{12,}$/);
      const agent = new ApiClient(server.url);
      const agentMe = await agent.login('xiaoli@demo.kefu', res.body.initialPassword);
      expect(agentMe.shops.map((s: any) => s.id)).toEqual([me.shops[0].id]);
      expect((await agent.get(`/api/shops/${me.shops[1].id}`)).status).toBe(404);
      expect((await agent.get('/api/agents')).status).toBe(403);
      expect((await agent.post('/api/agents', { email: 'x@demo.kefu', displayName: 'x', role: 'agent' })).status).toBe(403);
      const dup = await owner.post('/api/agents', { email: 'xiaoli@demo.kefu', displayName: '小李2', role: 'agent' });
      expect(dup.status).toBe(409);
    });

    it('disabling an agent ends their sessions and blocks login', async () => {
      const res = await owner.post('/api/agents', { email: 'temp@demo.kefu', displayName: '临时工', role: 'agent', password: 'temp-password-123' });
      const temp = new ApiClient(server.url);
      await temp.login('temp@demo.kefu', 'temp-password-123');
      expect((await temp.get('/api/auth/me')).status).toBe(200);
      const off = await owner.patch(`/api/agents/${res.body.agent.id}`, { disabled: true });
      expect(off.body.agent.disabled).toBe(true);
      expect((await temp.get('/api/auth/me')).status).toBe(401);
      const again = await new ApiClient(server.url).post('/api/auth/login', { email: 'temp@demo.kefu', password: 'temp-password-123' });
      expect(again.status).toBe(403);
      expect(again.body.error.code).toBe('auth.disabled');
    });

    it('keeps at least one active owner', async () => {
      const res = await owner.patch(`/api/agents/${me.agent.id}`, { role: 'agent' });
      expect(res.status).toBe(409);
    });

    it('changes a password, ending other sessions, and logs out', async () => {
      await owner.post('/api/agents', { email: 'pw@demo.kefu', displayName: '改密', role: 'agent', password: 'first-password-1' });
      const a = new ApiClient(server.url);
      const b = new ApiClient(server.url);
      await a.login('pw@demo.kefu', 'first-password-1');
      await b.login('pw@demo.kefu', 'first-password-1');
      expect((await a.post('/api/auth/password', { currentPassword: 'wrong', newPassword: 'second-password-2' })).status).toBe(401);
      expect((await a.post('/api/auth/password', { currentPassword: 'first-password-1', newPassword: 'short' })).status).toBe(400);
      expect((await a.post('/api/auth/password', { currentPassword: 'first-password-1', newPassword: 'second-password-2' })).status).toBe(204);
      expect((await b.get('/api/auth/me')).status).toBe(401);
      expect((await a.get('/api/auth/me')).status).toBe(200);
      expect((await a.post('/api/auth/logout')).status).toBe(204);
      expect((await a.get('/api/auth/me')).status).toBe(401);
      await new ApiClient(server.url).login('pw@demo.kefu', 'second-password-2');
    });

    it('serves an OpenAPI document listing the routes', async () => {
      const doc = (await new ApiClient(server.url).get('/api/docs')).body;
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/shops/{shopId}', '/api/agents']));
      expect(doc.paths['/api/auth/login'].post.requestBody).toBeDefined();
    });

    it('echoes a request id and answers unknown API paths with a JSON 404', async () => {
      const res = await new ApiClient(server.url).request('GET', '/api/nope', undefined, { 'x-request-id': 'trace-123' });
      expect(res.status).toBe(404);
      expect(res.headers.get('x-request-id')).toBe('trace-123');
      expect(res.body.error.code).toBe('resource.not_found');
    });
  });
}
