import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type Engine, startTestServer, type TestServer } from '../../test/harness.js';

/** The shop's first-response target over HTTP (shops.test.ts on SQLite, shops.pg.test.ts on PostgreSQL). */
export function shopsContract(engine: Engine): void {
  describe(`shops: response target (${engine})`, () => {
    let server: TestServer;
    let owner: ApiClient;
    let agent: ApiClient;
    let shopId: string;
    let otherShopId: string;

    beforeAll(async () => {
      server = await startTestServer(engine);
      owner = new ApiClient(server.url);
      const me = await owner.login(server.demo!.email, server.demo!.password);
      shopId = me.shops[0].id;
      otherShopId = me.shops[1].id;
      const invited = await owner.post('/api/agents', { email: 'target-agent@demo.kefu', displayName: '小目', role: 'agent', shopIds: [shopId], password: 'agent-password-123' });
      expect(invited.status).toBe(201);
      agent = new ApiClient(server.url);
      await agent.login('target-agent@demo.kefu', 'agent-password-123');
    });
    afterAll(async () => server?.cleanup());

    it('serves 30 s by default with the shop, in /me and in the shop list', async () => {
      expect((await owner.get(`/api/shops/${shopId}`)).body.responseTargetSec).toBe(30);
      const me = (await agent.get('/api/auth/me')).body;
      expect(me.shops.map((s: any) => s.responseTargetSec)).toEqual([30]);
      expect((await owner.get('/api/shops')).body.shops.every((s: any) => s.responseTargetSec === 30)).toBe(true);
    });

    it('lets the owner change it; every agent of the shop reads the new value; other fields stay', async () => {
      const res = await owner.patch(`/api/shops/${shopId}`, { responseTargetSec: 45 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ responseTargetSec: 45, name: '山野户外旗舰店' });
      expect((await agent.get(`/api/shops/${shopId}`)).body.responseTargetSec).toBe(45);
      expect((await agent.get('/api/auth/me')).body.shops[0].responseTargetSec).toBe(45);
      // Only this shop moved.
      expect((await owner.get(`/api/shops/${otherShopId}`)).body.responseTargetSec).toBe(30);
      // A rename keeps the target.
      const renamed = await owner.patch(`/api/shops/${shopId}`, { name: '山野户外旗舰店' });
      expect(renamed.body.responseTargetSec).toBe(45);
    });

    it('is the same number 质检 scores first responses against (coach review targets), both ways', async () => {
      const coach = await owner.get(`/api/shops/${shopId}/coach/settings`);
      expect(coach.body.settings.targets).toEqual({ firstResponseSec: 45, responseSec: 60 });
      const put = await owner.request('PUT', `/api/shops/${shopId}/coach/settings`, {
        rulesOverride: {},
        blocking: [],
        ladder: coach.body.settings.ladder,
        targets: { firstResponseSec: 20, responseSec: 90 },
      });
      expect(put.status).toBe(200);
      expect((await owner.get(`/api/shops/${shopId}`)).body.responseTargetSec).toBe(20);
      // Changing it on the shop keeps the per-turn target set on the coach page.
      await owner.patch(`/api/shops/${shopId}`, { responseTargetSec: 25 });
      expect((await owner.get(`/api/shops/${shopId}/coach/settings`)).body.settings.targets).toEqual({ firstResponseSec: 25, responseSec: 90 });
    });

    it('validates the value and refuses plain agents', async () => {
      for (const bad of [0, 4, 3601, 12.5, '30', null]) {
        const res = await owner.patch(`/api/shops/${shopId}`, { responseTargetSec: bad });
        expect(res.status, `value ${JSON.stringify(bad)}`).toBe(400);
        expect(res.body.error.code).toBe('request.invalid');
      }
      const denied = await agent.patch(`/api/shops/${shopId}`, { responseTargetSec: 60 });
      expect(denied.status).toBe(403);
      expect((await owner.get(`/api/shops/${shopId}`)).body.responseTargetSec).toBe(25);
      // Bounds are inclusive.
      expect((await owner.patch(`/api/shops/${shopId}`, { responseTargetSec: 5 })).body.responseTargetSec).toBe(5);
      expect((await owner.patch(`/api/shops/${shopId}`, { responseTargetSec: 3600 })).body.responseTargetSec).toBe(3600);
    });

    it('takes a target when a shop is created', async () => {
      const res = await owner.post('/api/shops', { name: '新开的店', platform: 'jd', responseTargetSec: 60 });
      expect(res.status).toBe(201);
      expect(res.body.responseTargetSec).toBe(60);
      expect((await owner.get(`/api/shops/${res.body.id}/coach/settings`)).body.settings.targets.firstResponseSec).toBe(60);
      const plain = await owner.post('/api/shops', { name: '默认的店', platform: 'taobao' });
      expect(plain.body.responseTargetSec).toBe(30);
    });
  });
}
