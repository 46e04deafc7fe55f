import { CustomerServiceOutlined } from '@ant-design/icons';
import type { AgentDto } from '@kefu/contracts';
import { Button, Card, Col, Empty, List, Row, Statistic, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { agentsApi } from '../../api/endpoints.js';
import { useMe } from '../../auth/AuthContext.js';

/** The landing page: greeting and the real counts the API has today (KPIs come with the dashboard). */
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
          <Card title={t('menu.dashboard')} variant="borderless">
            <Empty description={t('home.kpiSoon')} />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
