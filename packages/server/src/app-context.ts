import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import type { Config } from './config/config.js';
import type { EventBus } from './events/bus.js';
import { AgentsRepository } from './modules/agents/agents.repository.js';
import { AgentsService } from './modules/agents/agents.service.js';
import { AuthService } from './modules/auth/auth.service.js';
import { type Chat, createChat } from './modules/conversations/chat.js';
import { memoryRateLimiter, type RateLimiter } from './modules/auth/rate-limit.js';
import { ShopsRepository } from './modules/shops/shops.repository.js';
import type { Storage } from './storage/create-db.js';
import { Scheduler } from './scheduler/scheduler.js';

/** Everything routes, jobs and the realtime gateway share; built once per process. */
export interface AppContext {
  config: Config;
  storage: Storage;
  events: EventBus;
  log: FastifyBaseLogger;
  auth: AuthService;
  repos: { agents: AgentsRepository; shops: ShopsRepository };
  services: { agents: AgentsService };
  /** Realtime conversations: messages, routing, auto replies, files, buyer tokens. */
  chat: Chat;
  /** Durable timers (payment reminders, follow-ups); started by startServer. */
  scheduler: Scheduler;
  /** Called on shutdown, last registered first. */
  onClose: Array<() => Promise<void> | void>;
}

export function createAppContext(opts: {
  config: Config;
  storage: Storage;
  events: EventBus;
  log?: AppContext['log'];
  loginLimiter?: RateLimiter;
  loginIpLimiter?: RateLimiter;
}): AppContext {
  const { config, storage, events } = opts;
  const limiter = opts.loginLimiter ?? memoryRateLimiter(config.loginLimit.max, config.loginLimit.windowMs);
  const ipLimiter = opts.loginIpLimiter ?? memoryRateLimiter(config.loginLimit.max * 5, config.loginLimit.windowMs);
  const auth = new AuthService(storage.db, limiter, ipLimiter, config.scryptLogN);
  const repos = { agents: new AgentsRepository(storage.db), shops: new ShopsRepository(storage.db) };
  return {
    config,
    storage,
    events,
    log: opts.log ?? (pino({ level: 'silent' }) as unknown as FastifyBaseLogger),
    auth,
    repos,
    services: { agents: new AgentsService(repos.agents, repos.shops, auth, events, config.scryptLogN) },
    chat: createChat({ storage, events, shops: repos.shops }),
    scheduler: new Scheduler(storage.db, {
      owner: events.origin,
      onError: (err, job) => console.error(`job ${job.kind} ${job.id} failed`, err),
    }),
    onClose: [],
  };
}
