import { dirname, resolve } from 'node:path';
import { configFromEnv, defaultConfig } from '../../config/config.js';
import { defaultAssetDirs, startServer } from '../../server.js';
import { intFlag, parseArgs } from '../args.js';
import { UsageError, type CliCommand } from '../types.js';

const usage = `usage: kefu serve [--port N] [--host H] [--db PATH] [--database-url postgres://…] [--redis-url redis://…] [--no-demo] [--log-level L]

Starts the server, the web app and the buyer widget.
  --port N             listen port (default 8080, env KEFU_PORT)
  --host H             listen address (default 127.0.0.1, env KEFU_HOST)
  --db PATH            SQLite file (default ./data/kefu.db, env KEFU_DB)
  --database-url URL   use PostgreSQL instead of SQLite (env KEFU_DATABASE_URL)
  --redis-url URL      Redis for several processes behind a load balancer (env KEFU_REDIS_URL)
  --no-demo            do not create the demo organisation on first start
  --log-level L        fatal|error|warn|info|debug|silent (default info)

Environment only: KEFU_BACKGROUND_NICE (0–19, default 10) is the CPU priority of the background threads
(suggestions, KPI refreshes) below the event loop's; 0 leaves them at its priority.`;

export const command: CliCommand = {
  name: 'serve',
  summary: 'start the server and web app (SQLite by default; PostgreSQL + Redis when scaled)',
  usage,
  async run(argv, io) {
    const { flags } = parseArgs(argv, { values: ['port', 'host', 'db', 'database-url', 'redis-url', 'log-level'], booleans: ['no-demo'] });
    if (flags.help) {
      io.stdout.write(usage + '\n');
      return 0;
    }
    const config = { ...configFromEnv(io.env, defaultConfig(io.cwd)), ...defaultAssetDirs() };
    config.port = intFlag(flags, 'port', config.port, 0, 65535);
    if (typeof flags.host === 'string') config.host = flags.host;
    if (typeof flags.db === 'string') {
      config.dbPath = resolve(io.cwd, flags.db);
      config.dataDir = dirname(config.dbPath);
    }
    if (typeof flags['database-url'] === 'string') {
      if (!/^postgres(ql)?:\/\//.test(flags['database-url'])) throw new UsageError('--database-url must start with postgres://');
      config.databaseUrl = flags['database-url'];
    }
    if (typeof flags['redis-url'] === 'string') {
      if (!/^rediss?:\/\//.test(flags['redis-url'])) throw new UsageError('--redis-url must start with redis://');
      config.redisUrl = flags['redis-url'];
    }
    if (typeof flags['log-level'] === 'string') config.logLevel = flags['log-level'];
    if (flags['no-demo']) config.demo = false;
    if (!Number.isInteger(config.port)) throw new UsageError('KEFU_PORT must be a port number');

    const server = await startServer(config);
    const engine = config.databaseUrl ? 'PostgreSQL' : `SQLite ${config.dbPath}`;
    const lines = [
      '',
      `  Kefu 客服工作台已启动  ${server.url}`,
      `  数据库: ${engine}${config.redisUrl ? ' · Redis 已连接' : ''}`,
    ];
    if (server.demo) {
      lines.push(
        `  演示账号（掌柜）: ${server.demo.email}  密码: ${server.demo.password}${server.demo.created ? '' : '  (如已修改密码请用新密码)'}`,
        `  其他演示客服: ${server.demo.agents.filter((a) => a.role !== 'owner').map((a) => `${a.displayName} ${a.email}`).join(' · ')}（同一密码）`,
        `  演示店铺页面（买家视角）: ${server.url}/demo`,
      );
    }
    lines.push('  按 Ctrl+C 停止', '');
    io.stdout.write(lines.join('\n') + '\n');

    await new Promise<void>((resolveDone) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        server.ctx.log.info({ signal }, 'shutting down');
        const force = setTimeout(() => process.exit(1), 10_000);
        force.unref();
        server.close().then(resolveDone, (err) => {
          server.ctx.log.error({ err }, 'shutdown failed');
          resolveDone();
        });
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    return 0;
  },
};
