import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ALL_DAY, type BusinessHours } from '@kefu/contracts';
import type { AppContext } from '../app-context.js';
import { generatePassword, hashPassword } from '../modules/auth/password.js';
import { newId, newToken } from '../storage/ids.js';
import { seedAssist } from './seed-assist.js';
import { seedOrders } from './seed-orders.js';
import { seedAnalytics } from './seed-analytics.js';

export interface DemoLogin {
  email: string;
  password: string;
  /** Other demo agents (same password file). */
  agents: Array<{ email: string; displayName: string; role: string; password: string }>;
  created: boolean;
}

export interface DemoShops {
  orgId: string;
  outdoorShopId: string;
  fashionShopId: string;
  agentIds: Record<'owner' | 'xiaomei' | 'xiaoya', string>;
}

/** Later modules add their demo data (quick replies, products, orders …) through these. */
export type DemoSeeder = (ctx: AppContext, shops: DemoShops) => Promise<void>;
export const DEMO_SEEDERS: DemoSeeder[] = [
  seedAssist,
  seedOrders,
  seedAnalytics,
];

const NINE_TO_MIDNIGHT: BusinessHours = { days: Array.from({ length: 7 }, () => [{ start: '08:30', end: '23:59' }]) };

function loginFile(ctx: AppContext): string {
  return join(ctx.config.dataDir, 'demo-login.json');
}

/**
 * On an empty database creates the demo organisation: an outdoor-shoe shop on Taobao and a women's
 * clothing shop on Tmall, an owner and two agents, with random passwords kept in data/demo-login.json.
 */
export async function ensureDemo(ctx: AppContext): Promise<DemoLogin | null> {
  const db = ctx.storage.db;
  const any = await db.selectFrom('organizations').select('id').limit(1).executeTakeFirst();
  if (any) {
    const file = loginFile(ctx);
    if (!existsSync(file)) return null;
    try {
      return { ...(JSON.parse(readFileSync(file, 'utf8')) as Omit<DemoLogin, 'created'>), created: false };
    } catch {
      return null;
    }
  }
  const t = Date.now();
  const orgId = newId('org', t);
  const outdoorShopId = newId('shop', t);
  const fashionShopId = newId('shop', t + 1);
  const password = generatePassword();
  const people = [
    { key: 'owner', email: 'owner@demo.kefu', displayName: '林掌柜', role: 'owner', shops: [outdoorShopId, fashionShopId] },
    { key: 'xiaomei', email: 'xiaomei@demo.kefu', displayName: '小美', role: 'agent', shops: [outdoorShopId, fashionShopId] },
    { key: 'xiaoya', email: 'xiaoya@demo.kefu', displayName: '小雅', role: 'supervisor', shops: [outdoorShopId] },
  ] as const;
  const hash = await hashPassword(password, ctx.config.scryptLogN);
  const agentIds = {} as DemoShops['agentIds'];
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('organizations').values({ id: orgId, name: '山野户外 · 演示组织', created_at: t }).execute();
    await trx
      .insertInto('shops')
      .values([
        {
          id: outdoorShopId, org_id: orgId, name: '山野户外旗舰店', platform: 'taobao', time_zone: 'Asia/Shanghai',
          business_hours: JSON.stringify(NINE_TO_MIDNIGHT), public_key: `pk_${newToken(18)}`, settings: '{}', created_at: t,
        },
        {
          id: fashionShopId, org_id: orgId, name: '小雅女装', platform: 'tmall', time_zone: 'Asia/Shanghai',
          business_hours: JSON.stringify(ALL_DAY), public_key: `pk_${newToken(18)}`, settings: '{}', created_at: t + 1,
        },
      ])
      .execute();
    for (const p of people) {
      const id = newId('agt');
      agentIds[p.key] = id;
      await trx
        .insertInto('agents')
        .values({ id, org_id: orgId, email: p.email, display_name: p.displayName, role: p.role, password_hash: hash, disabled: 0, created_at: t, updated_at: t })
        .execute();
      await trx.insertInto('agent_shops').values(p.shops.map((shop_id) => ({ agent_id: id, shop_id }))).execute();
    }
  });
  const shops: DemoShops = { orgId, outdoorShopId, fashionShopId, agentIds };
  for (const seed of DEMO_SEEDERS) await seed(ctx, shops);
  const login: DemoLogin = {
    email: 'owner@demo.kefu',
    password,
    agents: people.map((p) => ({ email: p.email, displayName: p.displayName, role: p.role, password })),
    created: true,
  };
  const file = loginFile(ctx);
  mkdirSync(dirname(file), { recursive: true });
  const { created: _created, ...stored } = login;
  writeFileSync(file, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return login;
}
