import type { EventBus } from '../../events/bus.js';
import type { Storage } from '../../storage/create-db.js';
import { ChatSettingsRepository } from '../autoreply/autoreply.repository.js';
import { FilesService } from '../files/files.service.js';
import { RoutingService } from '../routing/routing.service.js';
import type { ShopsRepository } from '../shops/shops.repository.js';
import { BuyerTokens } from './buyer-token.js';
import { ConversationsService } from './conversations.service.js';

/** The realtime-conversation services one process shares (conversations, routing, auto replies, files, buyer tokens). */
export interface Chat {
  conversations: ConversationsService;
  routing: RoutingService;
  settings: ChatSettingsRepository;
  tokens: BuyerTokens;
  files: FilesService;
}

export function createChat(opts: { storage: Storage; events: EventBus; shops: ShopsRepository; now?: () => number }): Chat {
  const { db } = opts.storage;
  const now = opts.now ?? Date.now;
  const settings = new ChatSettingsRepository(db);
  const routing = new RoutingService(db, opts.events, now);
  const tokens = new BuyerTokens(db, now);
  const conversations = new ConversationsService({ db, events: opts.events, shops: opts.shops, settings, routing, tokens, commits: opts.storage.commits, now });
  routing.onCapacity = (shopId) => conversations.drainQueue(shopId);
  return { conversations, routing, settings, tokens, files: new FilesService(db, now) };
}
