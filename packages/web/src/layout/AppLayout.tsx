import {
  AlertOutlined, AppstoreOutlined, BarChartOutlined, BookOutlined, DashboardOutlined, CustomerServiceOutlined, DownOutlined, HomeOutlined,
  KeyOutlined, LogoutOutlined, MessageOutlined, SafetyCertificateOutlined, SettingOutlined, ShoppingOutlined, TeamOutlined, UserOutlined,
} from '@ant-design/icons';
import { Avatar, Badge, Dropdown, Layout, Menu, Select, Space, Typography, type MenuProps } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { AGENT_STATUSES, useAuth, useMe, type AgentStatus } from '../auth/AuthContext.js';
import { ChangePasswordDialog } from '../features/account/ChangePasswordDialog.js';
import { RealtimeProvider, useRealtime } from '../features/workbench/RealtimeProvider.js';
import { LanguageSwitch } from './LanguageSwitch.js';

const STATUS_COLOR: Record<AgentStatus, string> = { online: '#52c41a', busy: '#faad14', away: '#8c8c8c', offline: '#d9d9d9' };

/** The signed-in frame: side menu, header (shop, status, language, account) and the page. */
export function AppLayout() {
  return (
    <RealtimeProvider>
      <Frame />
    </RealtimeProvider>
  );
}

function Frame() {
  const { t } = useTranslation();
  const me = useMe();
  const { shop, setShopId, status, logout } = useAuth();
  const { waitingCount, changePresence } = useRealtime();
  const navigate = useNavigate();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);
  const [pwdOpen, setPwdOpen] = useState(false);
  const isManager = me.agent.role !== 'agent';

  const items = useMemo<MenuProps['items']>(() => {
    const settingsChildren = [
      { key: '/settings/shop', label: t('menu.settingsShop') },
      ...(me.agent.role === 'owner' ? [{ key: '/settings/agents', label: t('menu.settingsAgents') }] : []),
      { key: '/settings/auto-reply', label: t('menu.settingsAutoReply') },
      { key: '/settings/routing', label: t('menu.settingsRouting') },
      { key: '/settings/hours', label: t('menu.settingsHours') },
      { key: '/settings/coach', label: t('menu.settingsCoach') },
      { key: '/settings/ladder', label: t('menu.settingsLadder') },
    ];
    return [
      { key: '/', icon: <HomeOutlined />, label: t('menu.home') },
      {
        key: '/workbench',
        icon: <CustomerServiceOutlined />,
        label: (
          <span>
            {t('menu.workbench')}
            {waitingCount > 0 && <Badge count={waitingCount} size="small" style={{ marginInlineStart: 8 }} />}
          </span>
        ),
      },
      { key: '/buyers', icon: <TeamOutlined />, label: t('menu.buyers') },
      { key: '/orders', icon: <ShoppingOutlined />, label: t('menu.orders') },
      { key: '/quick-replies', icon: <MessageOutlined />, label: t('menu.quickReplies') },
      { key: '/knowledge', icon: <BookOutlined />, label: t('menu.knowledge') },
      ...(isManager
        ? [
            { key: '/dashboard', icon: <BarChartOutlined />, label: t('menu.dashboard') },
            { key: '/board', icon: <DashboardOutlined />, label: t('menu.board') },
            { key: '/reviews', icon: <SafetyCertificateOutlined />, label: t('menu.reviews') },
          ]
        : [{ key: '/reviews', icon: <SafetyCertificateOutlined />, label: t('menu.myReviews') }]),
      { key: '/urging', icon: <AlertOutlined />, label: t('menu.urging') },
      ...(isManager ? [{ key: '/settings', icon: <SettingOutlined />, label: t('menu.settings'), children: settingsChildren }] : []),
    ];
  }, [t, me.agent.role, isManager, waitingCount]);

  const selected = location.pathname === '/' ? '/' : location.pathname.replace(/\/$/, '');
  const [openKeys, setOpenKeys] = useState<string[]>(() => (selected.startsWith('/settings') ? ['/settings'] : []));
  const onWorkbench = selected === '/workbench';

  const userMenu: MenuProps['items'] = [
    { key: 'password', icon: <KeyOutlined />, label: t('header.changePassword') },
    { type: 'divider' },
    { key: 'logout', icon: <LogoutOutlined />, label: t('header.logout'), danger: true },
  ];

  return (
    <Layout style={{ height: '100%' }}>
      <Layout.Sider
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        breakpoint="xl"
        width={200}
        collapsedWidth={64}
        theme="light"
        style={{ borderInlineEnd: '1px solid #f0f0f0', overflow: 'auto' }}
      >
        <div style={{ height: 56, display: 'flex', alignItems: 'center', gap: 10, padding: collapsed ? '0 20px' : '0 20px', whiteSpace: 'nowrap', overflow: 'hidden' }}>
          <div style={{ width: 28, height: 28, flex: '0 0 28px', borderRadius: 7, background: '#1677ff', color: '#fff', textAlign: 'center', lineHeight: '28px', fontSize: 15 }}>客</div>
          {!collapsed && <Typography.Text strong style={{ fontSize: 16 }}>{t('app.shortName')}</Typography.Text>}
        </div>
        <Menu
          mode="inline"
          data-testid="main-menu"
          selectedKeys={[selected]}
          openKeys={collapsed ? undefined : openKeys}
          onOpenChange={(keys) => setOpenKeys(keys as string[])}
          items={items}
          onClick={(e) => navigate(e.key)}
          style={{ borderInlineEnd: 0 }}
        />
      </Layout.Sider>
      <Layout style={{ minWidth: 0 }}>
        <Layout.Header
          style={{ background: '#fff', height: 56, lineHeight: '56px', padding: '0 16px', borderBottom: '1px solid #f0f0f0', display: 'flex', alignItems: 'center', gap: 12 }}
        >
          <Space size={8} style={{ minWidth: 0 }}>
            <AppstoreOutlined style={{ color: '#8c8c8c' }} />
            <Select
              data-testid="shop-switch"
              aria-label={t('header.shop')}
              value={shop?.id}
              placeholder={t('header.noShop')}
              onChange={setShopId}
              style={{ width: 200 }}
              options={me.shops.map((s) => ({ value: s.id, label: `${s.name} · ${t(`platforms.${s.platform}`)}` }))}
              notFoundContent={t('header.noShop')}
            />
          </Space>
          <div style={{ flex: 1 }} />
          <Select<AgentStatus>
            data-testid="status-switch"
            aria-label={t('header.status')}
            value={status}
            onChange={changePresence}
            style={{ width: 108 }}
            options={AGENT_STATUSES.map((s) => ({ value: s, label: <Badge color={STATUS_COLOR[s]} text={t(`agentStatus.${s}`)} /> }))}
          />
          <LanguageSwitch />
          <Dropdown
            trigger={['click']}
            menu={{
              items: userMenu,
              onClick: ({ key }) => {
                if (key === 'password') setPwdOpen(true);
                if (key === 'logout') void logout().then(() => navigate('/login', { replace: true }));
              },
            }}
          >
            <a onClick={(e) => e.preventDefault()} data-testid="user-menu" style={{ display: 'flex', alignItems: 'center', gap: 8, color: 'inherit', whiteSpace: 'nowrap' }}>
              <Avatar size="small" icon={<UserOutlined />} style={{ background: '#1677ff' }} />
              <span>{me.agent.displayName}</span>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t(`roles.${me.agent.role}`)}
              </Typography.Text>
              <DownOutlined style={{ fontSize: 10 }} />
            </a>
          </Dropdown>
        </Layout.Header>
        <Layout.Content style={{ overflow: onWorkbench ? 'hidden' : 'auto', padding: onWorkbench ? 0 : 24, minHeight: 0 }}>
          <Outlet />
        </Layout.Content>
      </Layout>
      <ChangePasswordDialog open={pwdOpen} onClose={() => setPwdOpen(false)} />
    </Layout>
  );
}
