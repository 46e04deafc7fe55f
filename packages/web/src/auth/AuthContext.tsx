import type { MeDto, ShopDto } from '@kefu/contracts';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { setCsrfToken, setUnauthorizedHandler } from '../api/client.js';
import { authApi } from '../api/endpoints.js';

export type AgentStatus = 'online' | 'busy' | 'away' | 'offline';
export const AGENT_STATUSES: readonly AgentStatus[] = ['online', 'busy', 'away', 'offline'];

interface AuthState {
  /** undefined while the first /me is in flight; null when signed out. */
  me: MeDto | null | undefined;
  shop: ShopDto | null;
  setShopId(id: string): void;
  status: AgentStatus;
  /** Whether the agent ever picked a status on this browser (else the server's presence wins). */
  statusChosen: boolean;
  setStatus(s: AgentStatus): void;
  login(email: string, password: string): Promise<MeDto>;
  logout(): Promise<void>;
  /** Reloads /me (after shop or profile changes). */
  refresh(): Promise<void>;
  /** Replaces one shop in me.shops after an edit. */
  updateShop(shop: ShopDto): void;
}

const Ctx = createContext<AuthState | null>(null);
const SHOP_KEY = 'kefu.shop';
const STATUS_KEY = 'kefu.status';

function readLocal(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
function writeLocal(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage unavailable: keep in memory only.
  }
}

/** Session, current shop and reception status for the whole app. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<MeDto | null | undefined>(undefined);
  const [shopId, setShopIdState] = useState<string | null>(() => readLocal(SHOP_KEY));
  const [status, setStatusState] = useState<AgentStatus>(() => {
    const s = readLocal(STATUS_KEY);
    return s && (AGENT_STATUSES as readonly string[]).includes(s) ? (s as AgentStatus) : 'online';
  });

  const accept = useCallback((next: MeDto | null) => {
    setCsrfToken(next?.csrfToken ?? null);
    setMe(next);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => accept(null));
    let live = true;
    authApi
      .me()
      .then((m) => live && accept(m))
      // Any failure (401, server down) shows the login page; it reports errors itself.
      .catch(() => live && accept(null));
    return () => {
      live = false;
      setUnauthorizedHandler(null);
    };
  }, [accept]);

  const value = useMemo<AuthState>(() => {
    const shops = me?.shops ?? [];
    const shop = shops.find((s) => s.id === shopId) ?? shops[0] ?? null;
    return {
      me,
      shop,
      setShopId(id) {
        writeLocal(SHOP_KEY, id);
        setShopIdState(id);
      },
      status,
      statusChosen: readLocal(STATUS_KEY) !== null,
      setStatus(s) {
        writeLocal(STATUS_KEY, s);
        setStatusState(s);
      },
      async login(email, password) {
        const m = await authApi.login(email, password);
        accept(m);
        return m;
      },
      async logout() {
        try {
          await authApi.logout();
        } finally {
          accept(null);
        }
      },
      async refresh() {
        accept(await authApi.me());
      },
      updateShop(updated) {
        setMe((cur) => (cur ? { ...cur, shops: cur.shops.map((s) => (s.id === updated.id ? updated : s)) } : cur));
      },
    };
  }, [me, shopId, status, accept]);

  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useAuth(): AuthState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

/** The signed-in session; only for screens behind the auth guard. */
export function useMe(): MeDto {
  const { me } = useAuth();
  if (!me) throw new Error('useMe without a session');
  return me;
}
