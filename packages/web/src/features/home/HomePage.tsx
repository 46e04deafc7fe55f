import { BarChartOutlined, CustomerServiceOutlined } from '@ant-design/icons';
import type { AgentDto } from '@kefu/contracts';
import { Alert, Button, Card, Col, Empty, List, Row, Skeleton, Statistic, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { agentsApi } from '../../api/endpoints.js';
import { useAuth, useMe } from '../../auth/AuthContext.js';
import { fmt, kpiApi, type Live } from '../dashboard/api.js';
import { registerDashboardStrings } from '../dashboard/i18n.js';

registerDashboardStrings();

/** Today so far in the shop picked in the header (the dashboard's live figures), refreshed every 30 s like there. */
function TodayCard() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { shop } = useAuth();
  const shopId = shop?.id;
  const [live, setLive] = useState<Live | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!shopId) return;
    let alive = true;
    setLive(null);
    setFailed(false);
    const load = () =>
      kpiApi.live(shopId).then(
        (l) => alive && (setLive(l), setFailed(false)),
        () => alive && setFailed(true),
      );
    void load();
    const timer = setInterval(load, 30_000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [shopId]);

  const dur = (x: number | null) => fmt.duration(x, t('kpi.unit.sec'), t('kpi.unit.min'));
  const k = live?.kpis;
  const figure = (testId: string, title: string, value: string | number, warn = false) => (
    <Col xs={12} sm={8}>
      <Statistic title={title} value={value} valueStyle={{ fontSize: 22, ...(warn ? { color: '#fa541c' } : {}) }} data-testid={testId} />
    </Col>
  );
  return (
    <Card
      title={shop ? t('home.today', { shop: shop.name }) : t('kpi.live.title')}
      variant="borderless"
      data-testid="home-today"
      extra={<Button icon={<BarChartOutlined />} onClick={() => navigate('/dashboard')}>{t('home.openDashboard')}</Button>}
    >
      {!shopId ? (
        <Empty description={t('header.noShop')} />
      ) : failed && !live ? (
        <Alert type="warning" showIcon message={t('home.todayFailed')} />
      ) : !live || !k ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : (
        <Row gutter={[16, 16]}>
          {figure('home-inquirers', t('kpi.live.inquirers'), fmt.int(k.inquirers))}
          {figure('home-waiting', t('kpi.live.waiting'), live.waiting, live.waiting > 0)}
          {figure('home-first', t('kpi.live.firstResponse'), dur(k.firstResponseSec))}
          {figure('home-avg', t('kpi.live.avgResponse'), dur(k.avgResponseSec))}
          {figure('home-conversion', t('kpi.live.conversion'), fmt.rate(k.inquiryConversion))}
          {figure('home-revenue', t('kpi.live.revenue'), fmt.money(k.revenue))}
        </Row>
      )}
    </Card>
  );
}

/** The landing page: greeting, the organisation's counts and today's figures of the current shop. */
export function HomePage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const [agents, setAgents] = useState<AgentDto[] | null>(null);
  const canListAgents = me.agent.role !== 'agent';

  useEffect(() => {
    if (!canListAgents) return;
    let live = true;
    agentsApi.list().then((a) => live && setAgents(a)).catch(() => live && setAgents(null));
    return () => {
      live = false;
    };
  }, [canListAgents]);

  return (
    <div style={{ maxWidth: 1100 }}>
      <Typography.Title level={3} style={{ marginTop: 0 }} data-testid="greeting">
        {t('home.greeting', { name: me.agent.displayName })}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('home.subtitle', { org: me.organization.name })}</Typography.Paragraph>
      <Row gutter={[16, 16]}>
        <Col xs={12} lg={6}>
          <Card variant="borderless"><Statistic title={t('home.shops')} value={me.shops.length} /></Card>
        </Col>
        {canListAgents && (
          <>
            <Col xs={12} lg={6}>
              <Card variant="borderless"><Statistic title={t('home.agents')} value={agents?.length ?? '–'} /></Card>
            </Col>
            <Col xs={12} lg={6}>
              <Card variant="borderless"><Statistic title={t('home.activeAgents')} value={agents ? agents.filter((a) => !a.disabled).length : '–'} /></Card>
            </Col>
          </>
        )}
        <Col xs={12} lg={6}>
          <Card variant="borderless"><Statistic title={t('home.role')} value={t(`roles.${me.agent.role}`)} /></Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} lg={12}>
          <Card title={t('home.shopList')} variant="borderless" extra={<Button type="primary" icon={<CustomerServiceOutlined />} onClick={() => navigate('/workbench')}>{t('home.goWorkbench')}</Button>}>
            <List
              dataSource={me.shops}
              locale={{ emptyText: <Empty description={t('header.noShop')} /> }}
              renderItem={(s) => (
                <List.Item>
                  <List.Item.Meta title={s.name} description={`${t('home.timeZone')}: ${s.timeZone}`} />
                  <Tag color="blue">{t(`platforms.${s.platform}`)}</Tag>
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <TodayCard />
        </Col>
      </Row>
    </div>
  );
}
