import { dirname, resolve } from 'node:path';

/** Everything a server process needs to start; flags win over environment variables. */
export interface Config {
  host: string;
  port: number;
  /** SQLite file (default engine). */
  dbPath: string;
  /** PostgreSQL URL; when set, SQLite is not used. */
  databaseUrl?: string;
  pgSchema?: string;
  /** Redis URL for cross-process fan-out, presence, locks and rate limits (scaled mode). */
  redisUrl?: string;
  dataDir: string;
  /** Body limit for JSON requests in bytes. */
  bodyLimit: number;
  /** scrypt cost exponent for password hashes. */
  scryptLogN: number;
  /** Create the demo organisation and shops on first start. */
  demo: boolean;
  logLevel: string;
  /** Built web app and widget to serve (absent in API-only tests). */
  webDist?: string;
  widgetDist?: string;
  /** Login attempts per e-mail or client within the window. */
  loginLimit: { max: number; windowMs: number };
  /** Mark cookies Secure (behind HTTPS). */
  secureCookies: boolean;
}

export function defaultConfig(cwd = process.cwd()): Config {
  const dataDir = resolve(cwd, 'data');
  return {
    host: '127.0.0.1',
    port: 8080,
    dbPath: resolve(dataDir, 'kefu.db'),
    dataDir,
    bodyLimit: 256 * 1024,
    scryptLogN: 15,
    demo: true,
    logLevel: 'info',
    loginLimit: { max: 10, windowMs: 15 * 60 * 1000 },
    secureCookies: false,
  };
}

/** Applies KEFU_* environment variables over the defaults. */
export function configFromEnv(env: NodeJS.ProcessEnv, base: Config): Config {
  const out = { ...base };
  if (env.KEFU_PORT) out.port = Number(env.KEFU_PORT);
  if (env.KEFU_HOST) out.host = env.KEFU_HOST;
  if (env.KEFU_DB) {
    out.dbPath = resolve(env.KEFU_DB);
    out.dataDir = dirname(out.dbPath);
  }
  if (env.KEFU_DATABASE_URL) out.databaseUrl = env.KEFU_DATABASE_URL;
  if (env.KEFU_REDIS_URL) out.redisUrl = env.KEFU_REDIS_URL;
  if (env.KEFU_LOG_LEVEL) out.logLevel = env.KEFU_LOG_LEVEL;
  if (env.KEFU_SECURE_COOKIES === '1') out.secureCookies = true;
  return out;
}
