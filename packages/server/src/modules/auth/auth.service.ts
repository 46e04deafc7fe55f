import { createHash } from 'node:crypto';
import type { Role } from '@kefu/contracts';
import type { Kysely } from 'kysely';
import { AppError } from '../../http/errors.js';
import { newToken } from '../../storage/ids.js';
import type { Database } from '../../storage/schema.js';
import { AgentsRepository, type AgentRow } from '../agents/agents.repository.js';
import { hashPassword, verifyPassword } from './password.js';
import type { RateLimiter } from './rate-limit.js';

export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;

/** Who is calling, resolved from the session cookie. */
export interface AuthContext {
  agent: { id: string; orgId: string; email: string; displayName: string; role: Role };
  sessionId: string;
  csrfToken: string;
  /** Shops this agent may work in (owners: every shop of the organisation). */
  shopIds: string[];
}

// A hash of a fixed password, so an unknown e-mail costs as much time as a wrong password.
let dummyHash: Promise<string> | null = null;

const sessionKey = (token: string) => createHash('sha256').update(token).digest('base64url');

export class AuthService {
  private readonly agents: AgentsRepository;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly limiter: RateLimiter,
    private readonly ipLimiter: RateLimiter,
    private readonly scryptLogN: number,
    private readonly now: () => number = Date.now,
  ) {
    this.agents = new AgentsRepository(db);
  }

  /** Checks the password (rate-limited per e-mail and per client) and opens a session. */
  async login(email: string, password: string, clientIp: string): Promise<{ token: string; csrfToken: string; agent: AgentRow }> {
    // Every attempt counts for the e-mail (a success resets it); only failures count for the client
    // address, with a higher limit, since a shop's whole team often shares one office IP.
    const byEmail = await this.limiter.hit(`email:${email}`);
    const byIp = await this.ipLimiter.blocked(`ip:${clientIp}`);
    if (!byEmail.allowed || byIp.blocked) {
      const retryAfterSec = Math.max(byEmail.retryAfterSec, byIp.retryAfterSec);
      throw new AppError('rate_limited', `登录尝试过多，请 ${retryAfterSec} 秒后再试`, { retryAfterSec });
    }
    const agent = await this.agents.findByEmail(email);
    dummyHash ??= hashPassword('kefu-timing-equaliser', this.scryptLogN);
    const ok = await verifyPassword(password, agent?.password_hash ?? (await dummyHash));
    if (!agent || !ok) {
      await this.ipLimiter.hit(`ip:${clientIp}`);
      throw new AppError('auth.invalid_credentials');
    }
    if (agent.disabled) throw new AppError('auth.disabled');
    await this.limiter.reset(`email:${email}`);
    const token = newToken();
    const csrfToken = newToken(24);
    const t = this.now();
    await this.db
      .insertInto('sessions')
      .values({ id: sessionKey(token), agent_id: agent.id, csrf_token: csrfToken, created_at: t, expires_at: t + SESSION_TTL_MS })
      .execute();
    return { token, csrfToken, agent };
  }

  /** Resolves a session cookie to its agent; null when missing, expired or the agent is disabled. */
  async resolve(token: string | undefined): Promise<AuthContext | null> {
    if (!token || token.length > 200) return null;
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('agents', 'agents.id', 'sessions.agent_id')
      .select([
        'sessions.id as sessionId',
        'sessions.csrf_token as csrfToken',
        'sessions.expires_at as expiresAt',
        'agents.id as agentId',
        'agents.org_id as orgId',
        'agents.email as email',
        'agents.display_name as displayName',
        'agents.role as role',
        'agents.disabled as disabled',
      ])
      .where('sessions.id', '=', sessionKey(token))
      .executeTakeFirst();
    if (!row || row.expiresAt <= this.now() || row.disabled) return null;
    const role = row.role as Role;
    const shopIds =
      role === 'owner'
        ? (await this.db.selectFrom('shops').select('id').where('org_id', '=', row.orgId).execute()).map((s) => s.id)
        : await this.agents.shopIdsOf(row.agentId);
    return {
      agent: { id: row.agentId, orgId: row.orgId, email: row.email, displayName: row.displayName, role },
      sessionId: row.sessionId,
      csrfToken: row.csrfToken,
      shopIds,
    };
  }

  async logout(sessionId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', sessionId).execute();
  }

  /** Changes the password and ends every other session of the agent. */
  async changePassword(auth: AuthContext, current: string, next: string): Promise<void> {
    const agent = await this.agents.findInOrg(auth.agent.orgId, auth.agent.id);
    if (!agent || !(await verifyPassword(current, agent.password_hash))) {
      throw new AppError('auth.invalid_credentials', '当前密码不正确');
    }
    await this.agents.update(auth.agent.orgId, auth.agent.id, { password_hash: await hashPassword(next, this.scryptLogN), updated_at: this.now() });
    await this.db.deleteFrom('sessions').where('agent_id', '=', auth.agent.id).where('id', '!=', auth.sessionId).execute();
  }

  /** Ends every session of an agent (on disable). */
  async endSessionsOf(agentId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('agent_id', '=', agentId).execute();
  }
}
