import type { AgentDto, Role } from '@kefu/contracts';
import type { AgentRow } from './agents.repository.js';

/** The only way an agent leaves the server: never the password hash. */
export function presentAgent(row: AgentRow, shopIds: string[]): AgentDto {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role as Role,
    shopIds,
    disabled: row.disabled === 1,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
