import type { ColumnType, Generated } from 'kysely';

/** Times are epoch milliseconds (integer on SQLite, bigint on PostgreSQL), booleans 0/1, JSON as text. */
type Millis = number;

export interface OrganizationsTable {
  id: string;
  name: string;
  created_at: Millis;
}

export interface ShopsTable {
  id: string;
  org_id: string;
  name: string;
  platform: string;
  time_zone: string;
  business_hours: string;
  public_key: string;
  settings: string;
  created_at: Millis;
}

export interface AgentsTable {
  id: string;
  org_id: string;
  email: string;
  display_name: string;
  role: string;
  password_hash: string;
  disabled: number;
  created_at: Millis;
  updated_at: Millis;
}

export interface AgentShopsTable {
  agent_id: string;
  shop_id: string;
}

export interface SessionsTable {
  id: string;
  agent_id: string;
  csrf_token: string;
  created_at: Millis;
  expires_at: Millis;
}

export interface AuditLogTable {
  id: Generated<number>;
  org_id: string;
  shop_id: string | null;
  actor_id: string | null;
  action: string;
  target: string | null;
  at: Millis;
}

export interface KvTable {
  key: string;
  value: string;
  updated_at: ColumnType<Millis, Millis, Millis>;
}

export interface BuyersTable {
  id: string;
  shop_id: string;
  anon_id: string | null;
  /** Shop's own buyer id, accepted only with the shop's HMAC signature. */
  external_id: string | null;
  nickname: string;
  created_at: Millis;
  last_seen_at: Millis;
  last_agent_id: string | null;
}

export interface ConversationsTable {
  id: string;
  shop_id: string;
  buyer_id: string;
  status: string;
  assigned_agent_id: string | null;
  group_id: string | null;
  scenario: string | null;
  last_seq: number;
  last_message_at: Millis | null;
  /** First buyer message not yet answered by a human agent. */
  waiting_since: Millis | null;
  /** When it entered the queue (orders the queue). */
  queued_at: Millis | null;
  unread: number;
  agent_read_seq: number;
  buyer_read_seq: number;
  /** Start of the current session (creation or last reopen); auto replies are once per session. */
  session_started_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
  closed_at: Millis | null;
}

export interface MessagesTable {
  id: string;
  shop_id: string;
  conversation_id: string;
  seq: number;
  client_id: string;
  sender: string;
  agent_id: string | null;
  kind: string;
  text: string | null;
  payload: string | null;
  created_at: Millis;
  /** Scenario of a buyer message (SCENARIOS.md id), set when it is classified. */
  scenario?: string | null;
}

export interface AttachmentsTable {
  id: string;
  shop_id: string;
  uploader: string;
  mime: string;
  size: number;
  sha256: string;
  width: number | null;
  height: number | null;
  data: Buffer;
  created_at: Millis;
}

export interface AgentGroupsTable {
  id: string;
  shop_id: string;
  name: string;
  kind: string;
  created_at: Millis;
}

export interface AgentGroupMembersTable {
  group_id: string;
  agent_id: string;
  shop_id: string;
}

export interface AgentPresenceTable {
  agent_id: string;
  status: string;
  max_concurrent: number;
  updated_at: Millis;
}

export interface ShopChatSettingsTable {
  shop_id: string;
  /** HMAC key the shop signs logged-in buyer ids with. */
  widget_secret: string;
  /** AutoReplySettings as JSON. */
  auto_reply: string;
  updated_at: Millis;
}

export interface OrdersTable {
  id: string;
  shop_id: string;
  external_id: string;
  buyer_id: string | null;
  buyer_nick: string;
  status: string;
  refund_status: ColumnType<string, string | undefined, string>;
  amount: number;
  paid_amount: number | null;
  refund_amount: number | null;
  item_count: ColumnType<number, number | undefined, number>;
  /** OrderItem[] as JSON. */
  items: ColumnType<string, string | undefined, string>;
  /** Address as JSON. */
  address: string | null;
  courier: string | null;
  tracking_no: string | null;
  /** OrderNote[] as JSON. */
  notes: ColumnType<string, string | undefined, string>;
  source: string;
  created_at: Millis;
  closes_at: Millis | null;
  paid_at: Millis | null;
  shipped_at: Millis | null;
  delivered_at: Millis | null;
  completed_at: Millis | null;
  closed_at: Millis | null;
  updated_at: Millis;
}

export interface OrderEventsTable {
  id: Generated<number>;
  shop_id: string;
  order_id: string;
  type: string;
  data: ColumnType<string, string | undefined, string>;
  actor: string | null;
  idempotency_key: string | null;
  at: Millis;
}

export interface ScheduledJobsTable {
  id: string;
  shop_id: string;
  kind: string;
  dedupe_key: string;
  payload: ColumnType<string, string | undefined, string>;
  run_at: Millis;
  status: string;
  attempts: ColumnType<number, number | undefined, number>;
  locked_by: string | null;
  locked_until: Millis | null;
  last_error: string | null;
  result: string | null;
  created_at: Millis;
  finished_at: Millis | null;
}

export interface BuyerProfilesTable {
  buyer_id: string;
  shop_id: string;
  group_override: string | null;
  /** string[] as JSON. */
  tags: ColumnType<string, string | undefined, string>;
  notes: ColumnType<string, string | undefined, string>;
  /** core ProfileEstimate as JSON. */
  profile: string | null;
  phone: string | null;
  real_name: string | null;
  updated_at: Millis;
}

export interface ShopCommerceSettingsTable {
  shop_id: string;
  /** Partial UrgingSettings (+ channels, cutoff) as JSON. */
  urging: ColumnType<string, string | undefined, string>;
  /** Partial GroupThresholds as JSON. */
  groups: ColumnType<string, string | undefined, string>;
  webhook_secret: string;
  updated_at: Millis;
}

export interface UrgePlansTable {
  order_id: string;
  shop_id: string;
  /** core ReminderPlan as JSON. */
  plan: string;
  status: string;
  next_due_at: Millis | null;
  version: ColumnType<number, number | undefined, number>;
  updated_at: Millis;
}

export interface UrgeScriptStatsTable {
  shop_id: string;
  script_id: string;
  step: number;
  sent: ColumnType<number, number | undefined, number>;
  outcomes: ColumnType<number, number | undefined, number>;
  paid: ColumnType<number, number | undefined, number>;
}

/** One payment reminder sent (the dashboard's per-period 催付成功率). */
export interface UrgeRemindersTable {
  order_id: string;
  step: number;
  shop_id: string;
  script_id: string;
  sent_at: number;
}

export interface SmsOutboxTable {
  id: string;
  shop_id: string;
  order_id: string | null;
  phone: string;
  text: string;
  status: string;
  provider: string;
  error: string | null;
  idempotency_key: string;
  created_at: Millis;
  sent_at: Millis | null;
}

export interface OrderImportsTable {
  id: string;
  shop_id: string;
  file_name: string | null;
  status: string;
  total: ColumnType<number, number | undefined, number>;
  processed: ColumnType<number, number | undefined, number>;
  imported: ColumnType<number, number | undefined, number>;
  updated: ColumnType<number, number | undefined, number>;
  unchanged: ColumnType<number, number | undefined, number>;
  skipped: ColumnType<number, number | undefined, number>;
  errors: ColumnType<string, string | undefined, string>;
  actor: string | null;
  created_at: Millis;
  finished_at: Millis | null;
}

/** The whole database as Kysely sees it; later modules add their tables here. */
export interface QuickRepliesTable {
  id: string;
  shop_id: string;
  scenario: string;
  category: string;
  title: string;
  shortcut: string | null;
  text: string;
  /** string[] as JSON. */
  keywords: string;
  /** { imageUrl?, productSku? } as JSON. */
  card: string | null;
  /** null = shared by the shop. */
  owner_agent_id: string | null;
  safe_for_auto: number;
  uses: number;
  position: number;
  created_at: Millis;
  updated_at: Millis;
}

export interface FaqEntriesTable {
  id: string;
  shop_id: string;
  kind: string;
  scenario: string;
  question: string;
  answer: string;
  keywords: string;
  product_sku: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface ProductsTable {
  id: string;
  shop_id: string;
  sku: string;
  name: string;
  price: number;
  /** The product file (colours, sizes, stock, material, size chart, selling points, cautions …) as JSON. */
  file: string;
  created_at: Millis;
  updated_at: Millis;
}

export interface SuggestionStatsTable {
  shop_id: string;
  item_id: string;
  shown: number;
  picked: number;
}

export interface ReplyUsageTable {
  id: string;
  shop_id: string;
  conversation_id: string;
  buyer_id: string;
  reply_id: string;
  agent_id: string | null;
  at: Millis;
}

export interface ShopAssistSettingsTable {
  shop_id: string;
  auto_answer: number;
  min_confidence: number | null;
  updated_at: Millis;
}

export interface ClassifierModelsTable {
  shop_id: string;
  /** ClassifierJSON. */
  model: string;
  examples: number;
  trained_at: Millis;
}

export interface ShopClassifierExamplesTable {
  id: string;
  shop_id: string;
  text: string;
  scenario: string;
  created_at: Millis;
}

/** KPI rollups (0007, docs/ROLLUPS.md); `day` is the shop-local day number (days since 1970-01-01). */
export interface KpiBuyerDaysTable {
  shop_id: string;
  day: number;
  buyer: string;
  prev_day: number | null;
  first_at: Millis;
  first_agent_at: Millis | null;
  ordered: number;
  paid: number;
  replied_day: number;
  fr_ms: number | null;
  fh_ms: number | null;
  fh_agent: string | null;
  answered: number;
  turn_ms: number;
  unanswered: number;
}

export interface KpiBuyerDayAgentsTable {
  shop_id: string;
  day: number;
  buyer: string;
  agent: string;
  prev_day: number | null;
  first_msg_at: Millis | null;
  in_day: number;
  ordered: number;
  paid: number;
  answered: number;
  turn_ms: number;
  fh_n: number;
  fh_ms: number;
}

export interface KpiOrdersTable {
  shop_id: string;
  order_id: string;
  buyer: string;
  created_day: number;
  paid_day: number;
  cents: number;
  refunded: number;
  agent: string | null;
  silent: number;
}

export interface KpiBuyerDayScenariosTable {
  shop_id: string;
  day: number;
  buyer: string;
  scenario: string;
  messages: number;
}

export interface KpiDaysTable {
  shop_id: string;
  day: number;
  inq: number;
  ord: number;
  pay: number;
  rep: number;
  fr_n: number;
  fr_sum: number;
  fh_n: number;
  fh_sum: number;
  ans: number;
  turn_sum: number;
  unans: number;
}

export interface KpiAgentDaysTable {
  shop_id: string;
  day: number;
  agent: string;
  inq: number;
  ord: number;
  pay: number;
  ans: number;
  turn_sum: number;
  fh_n: number;
  fh_sum: number;
}

export interface KpiScenarioDaysTable {
  shop_id: string;
  day: number;
  scenario: string;
  buyer_days: number;
  messages: number;
}

/** Per (shop, credit mode, day) money sums: service (attributed) orders, all orders, distinct buyers per day, silent buyers (by payment day). */
export interface KpiMoneyDaysTable {
  shop_id: string;
  /** 'payment' or 'order': which day an order is credited to. */
  credit: string;
  day: number;
  svc_cents: number;
  svc_n: number;
  svc_ref: number;
  svc_cust: number;
  all_cents: number;
  all_n: number;
  all_ref: number;
  all_cust: number;
  silent: number;
}

export interface KpiMoneyAgentDaysTable {
  shop_id: string;
  credit: string;
  day: number;
  agent: string;
  cents: number;
  n: number;
  ref: number;
  cust: number;
}

/** A buyer's credited day in a category ('svc', 'all', 'silent', 'agent') that is not their first: prev_day is the previous one. */
export interface KpiMoneyRepeatsTable {
  shop_id: string;
  credit: string;
  day: number;
  kind: string;
  agent: string;
  buyer: string;
  prev_day: number;
}

/** Sums of the repeat inquiry-day rows (prev_day not null) per (previous day, day): a period subtracts those with prev_day in it. */
export interface KpiRepeatDaysTable {
  shop_id: string;
  prev_day: number;
  day: number;
  n: number;
  ord: number;
  pay: number;
  rep: number;
}

export interface KpiAgentRepeatDaysTable {
  shop_id: string;
  prev_day: number;
  day: number;
  agent: string;
  inq: number;
  ord: number;
  pay: number;
}

/** Counts of kpi_money_repeats rows per (credit, previous day, day, kind, agent). */
export interface KpiMoneyRepeatDaysTable {
  shop_id: string;
  credit: string;
  prev_day: number;
  day: number;
  kind: string;
  agent: string;
  n: number;
}

/** The stamp of a buyer's rollup rows: new on every live write of them, deleted by a rebuild (a process's cache of the rows is valid while it holds). */
export interface KpiBuyerStampsTable {
  shop_id: string;
  buyer: string;
  stamp: number;
}

export interface KpiSettingsTable {
  shop_id: string;
  time_zone: string;
  business_hours: string | null;
  attribution_window_hours: number;
  credit_on: string;
  session_gap_hours: number;
  built_with: string | null;
  updated_at: Millis;
}

export interface Database {
  organizations: OrganizationsTable;
  shops: ShopsTable;
  agents: AgentsTable;
  agent_shops: AgentShopsTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  kv: KvTable;
  buyers: BuyersTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  attachments: AttachmentsTable;
  agent_groups: AgentGroupsTable;
  agent_group_members: AgentGroupMembersTable;
  agent_presence: AgentPresenceTable;
  shop_chat_settings: ShopChatSettingsTable;
  orders: OrdersTable;
  order_events: OrderEventsTable;
  scheduled_jobs: ScheduledJobsTable;
  buyer_profiles: BuyerProfilesTable;
  shop_commerce_settings: ShopCommerceSettingsTable;
  urge_plans: UrgePlansTable;
  urge_script_stats: UrgeScriptStatsTable;
  urge_reminders: UrgeRemindersTable;
  sms_outbox: SmsOutboxTable;
  order_imports: OrderImportsTable;
  quick_replies: QuickRepliesTable;
  faq_entries: FaqEntriesTable;
  products: ProductsTable;
  suggestion_stats: SuggestionStatsTable;
  reply_usage: ReplyUsageTable;
  shop_assist_settings: ShopAssistSettingsTable;
  classifier_models: ClassifierModelsTable;
  shop_classifier_examples: ShopClassifierExamplesTable;
  kpi_buyer_days: KpiBuyerDaysTable;
  kpi_buyer_day_agents: KpiBuyerDayAgentsTable;
  kpi_orders: KpiOrdersTable;
  kpi_buyer_day_scenarios: KpiBuyerDayScenariosTable;
  kpi_settings: KpiSettingsTable;
  kpi_days: KpiDaysTable;
  kpi_agent_days: KpiAgentDaysTable;
  kpi_scenario_days: KpiScenarioDaysTable;
  kpi_money_days: KpiMoneyDaysTable;
  kpi_money_agent_days: KpiMoneyAgentDaysTable;
  kpi_money_repeats: KpiMoneyRepeatsTable;
  kpi_repeat_days: KpiRepeatDaysTable;
  kpi_agent_repeat_days: KpiAgentRepeatDaysTable;
  kpi_money_repeat_days: KpiMoneyRepeatDaysTable;
  kpi_buyer_stamps: KpiBuyerStampsTable;
  shop_coach_settings: ShopCoachSettingsTable;
  message_flags: MessageFlagsTable;
  conversation_reviews: ConversationReviewsTable;
}

export interface ShopCoachSettingsTable {
  shop_id: string;
  /** CoachRulesOverride JSON. */
  rules_override: string;
  /** Blocking flag ids, JSON list. */
  blocking: string;
  /** ConcessionLadder JSON or null (default ladder). */
  ladder: string | null;
  /** Quality targets JSON or null (defaults). */
  targets: string | null;
  updated_by: string | null;
  updated_at: Millis;
}

export interface MessageFlagsTable {
  message_id: string;
  shop_id: string;
  conversation_id: string;
  kind: string;
  agent_id: string | null;
  flags: string;
  level: string;
  created_at: Millis;
}

export interface ConversationReviewsTable {
  id: string;
  shop_id: string;
  conversation_id: string;
  session_started_at: Millis;
  closed_at: Millis;
  agent_id: string | null;
  auto_score: number;
  auto_breakdown: string;
  manual_score: number | null;
  comment: string | null;
  reviewer_id: string | null;
  sampled_at: Millis | null;
  reviewed_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}
