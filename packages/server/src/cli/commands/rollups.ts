import { resolve } from 'node:path';
import { configFromEnv, defaultConfig } from '../../config/config.js';
import { rebuildShop } from '../../modules/analytics/rollup.store.js';
import { createStorage } from '../../storage/create-db.js';
import { parseArgs } from '../args.js';
import { UsageError, type CliCommand } from '../types.js';

const usage = `usage: kefu rollups rebuild [--shop ID]... [--db PATH | --database-url postgres://…]

Rebuilds the KPI rollups (docs/ROLLUPS.md) from the raw messages and orders: every shop, or the shops named.
Run it after restoring a backup or importing history; the server keeps the rollups current by itself.
  --shop ID            only this shop (repeatable, or comma-separated)
  --db PATH            SQLite database (default data/kefu.db, env KEFU_DB)
  --database-url URL   PostgreSQL instead (env KEFU_DATABASE_URL)`;

/** `kefu rollups rebuild`: drops and rebuilds the KPI rollups of one or all shops. */
export const command: CliCommand = {
  name: 'rollups',
  summary: 'rebuild the KPI rollups of the dashboard from the raw messages and orders',
  usage,
  async run(argv, io) {
    const shops: string[] = [];
    const rest: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === '--shop' || a.startsWith('--shop=')) {
        const v = a === '--shop' ? argv[++i] : a.slice(7);
        if (!v) throw new UsageError('--shop needs a value');
        shops.push(...v.split(',').filter(Boolean));
      } else rest.push(a);
    }
    const { flags, positionals } = parseArgs(rest, { values: ['db', 'database-url'] });
    if (flags.help) {
      io.stdout.write(usage + '\n');
      return 0;
    }
    if (positionals[0] !== 'rebuild' || positionals.length > 1) throw new UsageError(positionals.length ? `unknown action ${positionals.join(' ')}` : 'missing action: rebuild');
    const config = configFromEnv(io.env, defaultConfig(io.cwd));
    if (typeof flags.db === 'string') config.dbPath = resolve(io.cwd, flags.db);
    if (typeof flags['database-url'] === 'string') {
      if (!/^postgres(ql)?:\/\//.test(flags['database-url'])) throw new UsageError('--database-url must start with postgres://');
      config.databaseUrl = flags['database-url'];
    }
    const storage = await createStorage({ sqlitePath: config.dbPath, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
    try {
      await storage.migrate();
      const known = await storage.db.selectFrom('shops').select(['id', 'name']).orderBy('created_at').execute();
      const targets = shops.length ? shops : known.map((s) => s.id);
      const missing = targets.filter((id) => !known.some((s) => s.id === id));
      if (missing.length) {
        io.stderr.write(`没有这个店铺：${missing.join(', ')}\n`);
        return 1;
      }
      for (const id of targets) {
        const name = known.find((s) => s.id === id)?.name ?? id;
        const st = await rebuildShop(storage.db, id);
        io.stdout.write(`${name} (${id}): ${st.buyers} 位买家、${st.messages} 条消息、${st.orders} 笔订单 → ${st.rows} 行汇总，用时 ${(st.ms / 1000).toFixed(1)} 秒\n`);
      }
      return 0;
    } finally {
      await storage.close();
    }
  },
};
