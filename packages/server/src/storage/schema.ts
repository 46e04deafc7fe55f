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

/** The whole database as Kysely sees it; later modules add their tables here. */
export interface Database {
  organizations: OrganizationsTable;
  shops: ShopsTable;
  agents: AgentsTable;
  agent_shops: AgentShopsTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  kv: KvTable;
}
