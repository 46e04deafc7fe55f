import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { createAppContext } from '../../app-context.js';
import { configFromEnv, defaultConfig } from '../../config/config.js';
import { EventBus } from '../../events/bus.js';
import { commerceOf } from '../../modules/orders/commerce.js';
import { createStorage } from '../../storage/create-db.js';
import { parseArgs } from '../args.js';
import { UsageError, type CliCommand } from '../types.js';

const usage = `usage: kefu import orders --shop SHOP --file FILE [--db PATH] [--database-url postgres://…] [--json]

Imports a Taobao/Tmall 订单报表 export (ExportOrderList*.csv, UTF-8 or GBK) into a shop: new orders are
created, known ones (same 订单编号) moved to the exported state; unpaid ones get a payment-reminder plan.
  --shop SHOP          shop id or exact shop name
  --file FILE          the export file
  --db PATH            SQLite file (default ./data/kefu.db, env KEFU_DB)
  --database-url URL   PostgreSQL instead of SQLite (env KEFU_DATABASE_URL)
  --json               print the summary as one JSON object
Lines that cannot be imported are reported on stderr as file:line: reason; the exit code is then 1.`;

/** `kefu import orders`: the same import as the web dialog, from the command line. */
export const command: CliCommand = {
  name: 'import',
  summary: 'import orders from a Taobao/Tmall 订单报表 export into a shop',
  usage,
  async run(argv, io) {
    const { flags, positionals } = parseArgs(argv, { values: ['shop', 'file', 'db', 'database-url'], booleans: ['json'] });
    if (flags.help) {
      io.stdout.write(usage + '\n');
      return 0;
    }
    if (positionals[0] !== 'orders' || positionals.length > 1) throw new UsageError(positionals[0] ? `unknown import kind ${positionals[0]} (only: orders)` : 'what to import? (orders)');
    if (typeof flags.shop !== 'string') throw new UsageError('--shop SHOP is required');
    if (typeof flags.file !== 'string') throw new UsageError('--file FILE is required');
    const config = configFromEnv(io.env, defaultConfig(io.cwd));
    if (typeof flags.db === 'string') {
      config.dbPath = resolve(io.cwd, flags.db);
      config.dataDir = dirname(config.dbPath);
    }
    if (typeof flags['database-url'] === 'string') {
      if (!/^postgres(ql)?:\/\//.test(flags['database-url'])) throw new UsageError('--database-url must start with postgres://');
      config.databaseUrl = flags['database-url'];
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(resolve(io.cwd, flags.file));
    } catch (err) {
      io.stderr.write(`kefu import: ${flags.file}: 无法读取文件（${(err as NodeJS.ErrnoException).code ?? 'error'}）\n`);
      return 1;
    }
    const storage = await createStorage({ sqlitePath: config.dbPath, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
    try {
      await storage.migrate();
      const shop = await storage.db
        .selectFrom('shops')
        .select(['id', 'name', 'time_zone'])
        .where((eb) => eb.or([eb('id', '=', flags.shop as string), eb('name', '=', flags.shop as string)]))
        .execute();
      if (shop.length !== 1) {
        io.stderr.write(`kefu import: ${shop.length ? '有多个同名店铺，请用店铺 id' : `找不到店铺 ${flags.shop}`}\n`);
        return 1;
      }
      const s = shop[0]!;
      const ctx = createAppContext({ config: { ...config, logLevel: 'silent' }, storage, events: new EventBus(`cli:${process.pid}`) });
      const { importer } = commerceOf(ctx);
      const id = await importer.open(s.id, { fileName: basename(flags.file), actor: 'cli' });
      const summary = await importer.run(id, s.id, bytes, { tz: s.time_zone });
      for (const e of summary.errors) io.stderr.write(`${flags.file}:${e.line}: ${e.reason}\n`);
      if (flags.json) io.stdout.write(JSON.stringify(summary) + '\n');
      else {
        io.stdout.write(
          [
            `导入到「${s.name}」：共 ${summary.total} 行`,
            `  新增 ${summary.imported}  更新 ${summary.updated}  无变化 ${summary.unchanged}  跳过 ${summary.skipped}`,
          ].join('\n') + '\n',
        );
      }
      await ctx.chat?.conversations.writer.flush();
      return summary.errors.length ? 1 : 0;
    } finally {
      await storage.close();
    }
  },
};
