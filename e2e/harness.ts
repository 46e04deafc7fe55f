import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultAssetDirs, defaultConfig, startServer, type RunningServer } from '@kefu/server';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
/** Repository root (e2e/..). */
export const repoRoot = resolve(here, '..');
export const screenshotDir = join(repoRoot, 'docs', 'screenshots');

export type Lang = 'zh-CN' | 'en';

export interface DemoAccount {
  email: string;
  password: string;
}

export interface KefuHarness {
  server: RunningServer;
  /** Where the browser opens the app (the server itself, or the front proxy, see `startKefu`). */
  baseUrl: string;
  browser: Browser;
  demo: DemoAccount;
  dataDir: string;
  /** A fresh browser context (own cookies) with the language preset in localStorage. */
  newPage(opts?: { lang?: Lang; width?: number; height?: number }): Promise<Page>;
  /** Signs in through the real login page and waits for the app shell. */
  login(page: Page, account?: DemoAccount): Promise<void>;
  /** Saves docs/screenshots/<name>.png (or into `dir`) and returns the path. */
  screenshot(page: Page, name: string, dir?: string): Promise<string>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Built web app; defaults to KEFU_E2E_WEB_DIST or packages/web/dist. */
  webDist?: string;
  headless?: boolean;
}

/** Chromium from the system (apt) unless PLAYWRIGHT_CHROMIUM points elsewhere. */
export function chromiumPath(): string {
  const candidates = [process.env.PLAYWRIGHT_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const found = candidates.find((c): c is string => !!c && existsSync(c));
  if (!found) throw new Error('Chromium not found: apt-get install -y chromium, or set PLAYWRIGHT_CHROMIUM');
  return found;
}

export async function launchBrowser(headless = true): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.json': 'application/json', '.woff2': 'font/woff2', '.ico': 'image/x-icon',
};

/**
 * Serves `webDist` and forwards everything else (API, WebSocket, widget) to the API server. Used only
 * when the server cannot serve the web app itself, so e2e tests still run through one origin.
 */
async function startFrontProxy(webDist: string, apiUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const api = new URL(apiUrl);
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const up = httpRequest({ host: api.hostname, port: api.port, method: req.method, path: req.url, headers: { ...req.headers, host: api.host } }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => (res.headersSent ? res.end() : res.writeHead(502).end()));
    req.pipe(up);
  };
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    if (path.startsWith('/api/') || path.startsWith('/widget/') || path.startsWith('/files/') || path === '/healthz' || path === '/readyz' || path.startsWith('/demo')) {
      return forward(req, res);
    }
    const file = resolve(webDist, '.' + path);
    const inside = file === webDist || file.startsWith(webDist + sep);
    const target = inside && existsSync(file) && statSync(file).isFile() ? file : join(webDist, 'index.html');
    res.writeHead(200, { 'content-type': MIME[extname(target)] ?? 'application/octet-stream' });
    createReadStream(target).pipe(res);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const up = connect(Number(api.port), api.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const k = req.rawHeaders[i]!;
        // The gateway checks Origin against its own host: present the API host for both.
        const v = k.toLowerCase() === 'host' ? api.host : k.toLowerCase() === 'origin' ? api.origin : req.rawHeaders[i + 1]!;
        lines.push(`${k}: ${v}`);
      }
      up.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * Starts a Kefu server in-process on a temporary SQLite database (with the demo organisation) and a
 * headless Chromium. The web app must be built first (`cd packages/web && npx vite build`).
 */
export async function startKefu(opts: StartOptions = {}): Promise<KefuHarness> {
  const webDist = resolve(opts.webDist ?? process.env.KEFU_E2E_WEB_DIST ?? defaultAssetDirs().webDist);
  if (!existsSync(join(webDist, 'index.html'))) throw new Error(`web app not built: ${webDist}/index.html missing (cd packages/web && npx vite build)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'kefu-e2e-'));
  const base = { ...defaultConfig(dataDir), ...defaultAssetDirs(), port: 0, dbPath: join(dataDir, 'kefu.db'), dataDir, scryptLogN: 10, logLevel: 'silent', demo: true };
  let server: RunningServer;
  let front: { url: string; close(): Promise<void> } | null = null;
  try {
    server = await startServer({ ...base, webDist });
  } catch (err) {
    // A server that cannot mount the web app (e.g. a route conflict) still serves the API: put a
    // static front in front of it so the browser tests exercise the same single-origin setup.
    if (!(err instanceof Error) || !/not ?found handler/i.test(err.message)) throw err;
    const apiDir = join(dataDir, 'api');
    mkdirSync(apiDir, { recursive: true });
    server = await startServer({ ...base, webDist: join(apiDir, 'no-web'), dbPath: join(apiDir, 'kefu.db'), dataDir: apiDir });
    front = await startFrontProxy(webDist, server.url);
  }
  if (!server.demo) throw new Error('demo login missing (config.demo)');
  const demo = { email: server.demo.email, password: server.demo.password };
  const baseUrl = front?.url ?? server.url;
  const browser = await launchBrowser(opts.headless ?? true);
  const contexts: BrowserContext[] = [];

  return {
    server,
    baseUrl,
    browser,
    demo,
    dataDir,
    async newPage({ lang = 'zh-CN', width = 1366, height = 768 } = {}) {
      const context = await browser.newContext({ viewport: { width, height }, locale: lang, timezoneId: 'Asia/Shanghai' });
      contexts.push(context);
      await context.addInitScript((l: string) => {
        try {
          if (!localStorage.getItem('kefu.lang')) localStorage.setItem('kefu.lang', l);
        } catch {
          // about:blank has no storage.
        }
      }, lang);
      return context.newPage();
    },
    async login(page, account = demo) {
      await page.goto(`${baseUrl}/login`);
      await page.locator('input#email').fill(account.email);
      await page.locator('input#password').fill(account.password);
      await page.locator('input#password').press('Enter');
      await page.getByTestId('main-menu').waitFor({ timeout: 20_000 });
    },
    async screenshot(page, name, dir = screenshotDir) {
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${name}.png`);
      // Let lazy chunks, fonts and antd's enter animations settle so the picture shows the real screen.
      await page.waitForLoadState('networkidle').catch(() => undefined);
      await page.evaluate(() => document.fonts.ready).catch(() => undefined);
      await page.waitForTimeout(500);
      await page.screenshot({ path });
      return path;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await front?.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A simulated buyer on the widget protocol (bootstrap + /ws/buyer), for driving the workbench. */
export interface TestBuyer {
  conversationId: string | null;
  say(text: string): Promise<{ conversationId: string; seq: number }>;
  typing(on: boolean): void;
  /** Frames received so far (message, conversation, typing …). */
  frames: Array<{ type: string; [k: string]: unknown }>;
  close(): void;
}

export async function connectBuyer(apiUrl: string, publicKey: string, nickname: string): Promise<TestBuyer> {
  const { default: WebSocket } = await import('ws');
  const res = await fetch(`${apiUrl}/api/widget/bootstrap`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ publicKey, nickname }) });
  if (!res.ok) throw new Error(`bootstrap failed: ${res.status} ${await res.text()}`);
  const boot = (await res.json()) as { buyerToken: string; wsPath: string; conversation: { id: string } | null };
  const wsUrl = new URL(boot.wsPath || '/ws/buyer', apiUrl.replace(/^http/, 'ws'));
  wsUrl.searchParams.set('token', boot.buyerToken);
  const ws = new WebSocket(wsUrl);
  const frames: TestBuyer['frames'] = [];
  const waiters = new Map<string, (f: { conversationId: string; seq: number }) => void>();
  let n = 0;
  const buyer: TestBuyer = {
    conversationId: boot.conversation?.id ?? null,
    frames,
    say(text) {
      const clientId = `b${Date.now().toString(36)}${(n++).toString(36)}`;
      return new Promise((resolveAck, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ack for "${text}"`)), 10_000);
        waiters.set(clientId, (f) => {
          clearTimeout(timer);
          buyer.conversationId = f.conversationId;
          resolveAck(f);
        });
        ws.send(JSON.stringify({ type: 'send', clientId, kind: 'text', text, ...(buyer.conversationId ? { conversationId: buyer.conversationId } : {}) }));
      });
    },
    typing(on) {
      if (buyer.conversationId) ws.send(JSON.stringify({ type: 'typing', conversationId: buyer.conversationId, on }));
    },
    close: () => ws.close(),
  };
  ws.on('message', (data) => {
    const f = JSON.parse(String(data)) as { type: string; clientId?: string; conversationId?: string; seq?: number };
    frames.push(f);
    if (f.type === 'ack' && f.clientId) waiters.get(f.clientId)?.({ conversationId: f.conversationId!, seq: f.seq! });
  });
  await new Promise<void>((resolveOpen, reject) => {
    ws.once('open', () => {
      ws.send(JSON.stringify({ type: 'hello', v: 1 }));
      resolveOpen();
    });
    ws.once('error', reject);
  });
  return buyer;
}

/** A REST call from the signed-in page (session cookie + CSRF header, as the web app sends them): status and JSON body. */
export async function apiFromPage<T = unknown>(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const me = (await (await fetch('/api/auth/me')).json()) as { csrfToken?: string };
      const res = await fetch(path, {
        method,
        headers: { 'content-type': 'application/json', ...(me.csrfToken ? { 'x-csrf-token': me.csrfToken } : {}) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json().catch(() => null)) as never };
    },
    { method, path, body },
  );
}
