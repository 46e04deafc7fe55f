import { DEMO_SHOP } from '@kefu/core';
import type { AppContext } from '../../app-context.js';
import { BuyersService } from '../buyers/buyers.service.js';
import { OutboxProvider, type SmsProvider } from '../urging/sms.js';
import { UrgingService } from '../urging/urging.service.js';
import { CommerceSettingsRepository } from '../urging/urging.settings.js';
import { OrderImporter } from './orders.import.js';
import { OrdersService } from './orders.service.js';

/** Orders, buyers and urging of one process, built once per context and sharing one clock. */
export interface Commerce {
  orders: OrdersService;
  importer: OrderImporter;
  buyers: BuyersService;
  urging: UrgingService;
  settings: CommerceSettingsRepository;
  sms: SmsProvider;
  now: () => number;
}

const built = new WeakMap<AppContext, Commerce>();

/**
 * The commerce services of a context; the first call wires the urging hook into orders and registers
 * the timers on `ctx.scheduler`. Tests pass a clock (and an SMS provider) on the first call.
 */
export function commerceOf(ctx: AppContext, opts: { now?: () => number; sms?: SmsProvider } = {}): Commerce {
  const existing = built.get(ctx);
  if (existing) return existing;
  const now = opts.now ?? Date.now;
  const db = ctx.storage.db;
  const settings = new CommerceSettingsRepository(db, now);
  const orders = new OrdersService(db, ctx.events, now);
  const sms = opts.sms ?? new OutboxProvider();
  const urging = new UrgingService({ db, scheduler: ctx.scheduler, events: ctx.events, settings, orders, chat: () => ctx.chat?.conversations ?? null, sms, now });
  orders.hooks.push(urging.hook);
  urging.registerJobs(ctx.scheduler);
  const c: Commerce = {
    orders,
    importer: new OrderImporter(db, orders, ctx.events, now),
    buyers: new BuyersService(db, settings, urging, DEMO_SHOP.defaultCourier, now),
    urging,
    settings,
    sms,
    now,
  };
  built.set(ctx, c);
  return c;
}
