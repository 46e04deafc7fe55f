import { App as AntApp, ConfigProvider, Spin, type ConfigProviderProps } from 'antd';
import * as enUSModule from 'antd/es/locale/en_US.js';
import * as zhCNModule from 'antd/es/locale/zh_CN.js';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn.js';
import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { AuthProvider, useAuth } from './auth/AuthContext.js';
import { LoginPage } from './features/login/LoginPage.js';

const AppLayout = lazy(() => import('./layout/AppLayout.js').then((m) => ({ default: m.AppLayout })));
const HomePage = lazy(() => import('./features/home/HomePage.js').then((m) => ({ default: m.HomePage })));
const WorkbenchPage = lazy(() => import('./features/workbench/WorkbenchPage.js').then((m) => ({ default: m.WorkbenchPage })));
const DashboardPage = lazy(() => import('./features/dashboard/DashboardPage.js').then((m) => ({ default: m.DashboardPage })));
const QuickRepliesPage = lazy(() => import('./features/quick-replies/QuickRepliesPage.js').then((m) => ({ default: m.QuickRepliesPage })));
const KnowledgePage = lazy(() => import('./features/knowledge/KnowledgePage.js').then((m) => ({ default: m.KnowledgePage })));
const OrdersPage = lazy(() => import('./features/orders/OrdersPage.js').then((m) => ({ default: m.OrdersPage })));
const BuyersPage = lazy(() => import('./features/buyers/BuyersPage.js').then((m) => ({ default: m.BuyersPage })));
const AgentBoardPage = lazy(() => import('./features/board/AgentBoardPage.js').then((m) => ({ default: m.AgentBoardPage })));
const UrgingPage = lazy(() => import('./features/urging/UrgingPage.js').then((m) => ({ default: m.UrgingPage })));
const ShopSettings = lazy(() => import('./features/settings/ShopSettings.js').then((m) => ({ default: m.ShopSettings })));
const HoursSettings = lazy(() => import('./features/settings/HoursSettings.js').then((m) => ({ default: m.HoursSettings })));
const ReviewsPage = lazy(() => import('./features/reviews/ReviewsPage.js').then((m) => ({ default: m.ReviewsPage })));
const CoachSettingsPage = lazy(() => import('./features/coach/CoachSettingsPage.js').then((m) => ({ default: m.CoachSettingsPage })));
const AutoReplySettings = lazy(() => import('./features/settings/AutoReplySettings.js').then((m) => ({ default: m.AutoReplySettings })));
const RoutingSettings = lazy(() => import('./features/settings/RoutingSettings.js').then((m) => ({ default: m.RoutingSettings })));
const AgentsSettings = lazy(() => import('./features/settings/AgentsSettings.js').then((m) => ({ default: m.AgentsSettings })));

type AntLocale = NonNullable<ConfigProviderProps['locale']>;
// antd's locale .d.ts files are CommonJS-typed under NodeNext; at runtime (ESM) the locale is `.default`.
function antLocale(mod: unknown): AntLocale {
  const d = (mod as { default?: unknown }).default;
  return ((d as { default?: AntLocale } | undefined)?.default ?? d) as AntLocale;
}
const enUS = antLocale(enUSModule);
const zhCN = antLocale(zhCNModule);

export function PageSpinner() {
  return (
    <div style={{ display: 'flex', height: '100%', minHeight: 240, alignItems: 'center', justifyContent: 'center' }}>
      <Spin />
    </div>
  );
}

function RequireAuth({ children }: { children: ReactNode }) {
  const { me } = useAuth();
  const location = useLocation();
  if (me === undefined) return <PageSpinner />;
  if (me === null) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

function AppRoutes() {
  return (
    <Suspense fallback={<PageSpinner />}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          path="/"
          element={
            <RequireAuth>
              <AppLayout />
            </RequireAuth>
          }
        >
          <Route index element={<HomePage />} />
          <Route path="workbench" element={<WorkbenchPage />} />
          <Route path="buyers" element={<BuyersPage />} />
          <Route path="orders" element={<OrdersPage />} />
          <Route path="quick-replies" element={<QuickRepliesPage />} />
          <Route path="knowledge" element={<KnowledgePage />} />
          <Route path="dashboard" element={<DashboardPage />} />
          <Route path="board" element={<AgentBoardPage />} />
          <Route path="reviews" element={<ReviewsPage />} />
          <Route path="urging" element={<UrgingPage />} />
          <Route path="settings" element={<Navigate to="/settings/shop" replace />} />
          <Route path="settings/shop" element={<ShopSettings />} />
          <Route path="settings/agents" element={<AgentsSettings />} />
          <Route path="settings/auto-reply" element={<AutoReplySettings />} />
          <Route path="settings/routing" element={<RoutingSettings />} />
          <Route path="settings/hours" element={<HoursSettings />} />
          <Route path="settings/coach" element={<CoachSettingsPage />} />
          <Route path="settings/ladder" element={<CoachSettingsPage />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Route>
      </Routes>
    </Suspense>
  );
}

/** Providers (antd theme + locale following i18next, session) and the routes. */
export function App() {
  const { i18n } = useTranslation();
  const isEn = i18n.language === 'en';
  // Set during render so the first paint already uses the right locale.
  dayjs.locale(isEn ? 'en' : 'zh-cn');
  return (
    <ConfigProvider locale={isEn ? enUS : zhCN} theme={{ token: { colorPrimary: '#1677ff', borderRadius: 6 } }}>
      <AntApp style={{ height: '100%' }}>
        <AuthProvider>
          <BrowserRouter>
            <AppRoutes />
          </BrowserRouter>
        </AuthProvider>
      </AntApp>
    </ConfigProvider>
  );
}
