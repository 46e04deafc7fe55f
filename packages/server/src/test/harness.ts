import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { defaultConfig, type Config } from '../config/config.js';
import { createStorage, dropPgSchema, type Storage } from '../storage/create-db.js';
import { startServer, type RunningServer, type ServerPlugin } from '../server.js';
import type { RouteModule } from '../app.js';

export const PG_URL = process.env.KEFU_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export type Engine = 'sqlite' | 'postgres';

/** A fresh, migrated database on the given engine (up to `upTo` when given); PostgreSQL runs get their own schema. */
export async function testStorage(engine: Engine, opts: { upTo?: string } = {}): Promise<{ storage: Storage; cleanup(): Promise<void> }> {
  if (engine === 'postgres') {
    const pgSchema = `kefu_t_${randomBytes(6).toString('hex')}`;
    const storage = await createStorage({ databaseUrl: PG_URL, pgSchema, pgPoolSize: 4 });
    await storage.migrate(opts.upTo);
    return {
      storage,
      async cleanup() {
        await storage.close();
        await dropPgSchema(PG_URL, pgSchema);
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'kefu-db-'));
  const storage = await createStorage({ sqlitePath: join(dir, 'kefu.db') });
  await storage.migrate(opts.upTo);
  return {
    storage,
    async cleanup() {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestServer extends RunningServer {
  cleanup(): Promise<void>;
}

/** Starts a real server on a free port with its own database (demo organisation included). */
export async function startTestServer(
  engine: Engine = 'sqlite',
  overrides: Partial<Config> = {},
  extra: { modules?: RouteModule[]; plugins?: ServerPlugin[] } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-srv-'));
  const pgSchema = engine === 'postgres' ? `kefu_t_${randomBytes(6).toString('hex')}` : undefined;
  const config: Config = {
    ...defaultConfig(dir),
    port: 0,
    dbPath: join(dir, 'kefu.db'),
    dataDir: dir,
    scryptLogN: 10,
    logLevel: 'silent',
    ...(engine === 'postgres' ? { databaseUrl: PG_URL, pgSchema } : {}),
    ...overrides,
  };
  const server = await startServer(config, extra);
  return {
    ...server,
    async cleanup() {
      await server.close();
      if (pgSchema) await dropPgSchema(PG_URL, pgSchema);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A tiny HTTP client that keeps the session cookie and sends the CSRF token, as the web app does. */
export class ApiClient {
  cookie = '';
  csrf = '';
  constructor(readonly base: string) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
    const res = await fetch(this.base + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const m = /kefu_session=([^;]*)/.exec(setCookie);
      if (m) this.cookie = m[1] ? `kefu_session=${m[1]}` : '';
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  get = (path: string) => this.request('GET', path);
  post = (path: string, body?: unknown) => this.request('POST', path, body ?? {});
  patch = (path: string, body: unknown) => this.request('PATCH', path, body);

  async login(email: string, password: string): Promise<any> {
    const res = await this.post('/api/auth/login', { email, password });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    this.csrf = res.body.csrfToken;
    return res.body;
  }
}
