import type { AgentStatus, ConversationDto } from '@kefu/contracts';
import { Alert, Badge, Card, Col, Progress, Row, Statistic, Table, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../api/client.js';
import { useAuth } from '../../auth/AuthContext.js';
import { isLate, targetSecOf } from '../workbench/time.js';
import { formatWait } from './board.js';

interface PresenceRow {
  agentId: string;
  displayName: string;
  status: AgentStatus;
  maxConcurrent: number;
  load: number;
}

const STATUS_COLOR: Record<AgentStatus, string> = { online: 'success', busy: 'warning', away: 'default', offline: 'default' };
const POLL_MS = 5_000;

/** All open conversations of a shop, page by page (a busy shop has hundreds at once). */
async function openConversations(shopId: string): Promise<ConversationDto[]> {
  const out: ConversationDto[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 40; page++) {
    const res = await api.get<{ conversations: ConversationDto[]; nextCursor?: string | null }>(
      `/api/shops/${encodeURIComponent(shopId)}/conversations`,
      { query: { filter: 'all', cursor, limit: 100 } },
    );
    out.push(...res.conversations.filter((c) => c.status !== 'closed'));
    if (!res.nextCursor) break;
    cursor = res.nextCursor;
  }
  return out;
}

/** 客服看板: each agent's status, load against capacity, buyers waiting for them and the longest wait; the queue. */
export function AgentBoardPage() {
  const { t } = useTranslation();
  const { shop } = useAuth();
  const [agents, setAgents] = useState<PresenceRow[]>([]);
  const [convs, setConvs] = useState<ConversationDto[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (!shop) return;
    let alive = true;
    const load = async () => {
      try {
        const [p, c] = await Promise.all([
          api.get<{ agents: PresenceRow[] }>(`/api/shops/${encodeURIComponent(shop.id)}/presence`),
          openConversations(shop.id),
        ]);
        if (!alive) return;
        setAgents(p.agents);
        setConvs(c);
        setError(null);
      } catch (err) {
        if (alive) setError(errorMessage(err));
      } finally {
        if (alive) setLoading(false);
      }
    };
    void load();
    const poll = setInterval(load, POLL_MS);
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      alive = false;
      clearInterval(poll);
      clearInterval(tick);
    };
  }, [shop]);

  const rows = useMemo(
    () =>
      agents.map((a) => {
        const waiting = convs.filter((c) => c.assignedAgentId === a.agentId && c.waitingSince !== null);
        const longest = waiting.reduce((m, c) => Math.max(m, now - (c.waitingSince ?? now)), 0);
        return { ...a, waiting: waiting.length, longest };
      }),
    [agents, convs, now],
  );
  const queue = convs.filter((c) => c.status === 'waiting' && !c.assignedAgentId);
  const queueLongest = queue.reduce((m, c) => Math.max(m, now - (c.waitingSince ?? c.createdAt)), 0);
  const online = agents.filter((a) => a.status === 'online').length;
  const allWaiting = convs.filter((c) => c.waitingSince !== null);
  const longestAll = allWaiting.reduce((m, c) => Math.max(m, now - (c.waitingSince ?? now)), 0);

  // The shop's first-response target (settings › shop): a wait past it turns red, as in the workbench.
  const targetSec = targetSecOf(shop);

  if (!shop) return <Card variant="borderless"><Typography.Text type="secondary">{t('header.noShop')}</Typography.Text></Card>;
  return (
    <div data-testid="agent-board">
      <Typography.Title level={4} style={{ marginTop: 0 }}>{t('board.title')}</Typography.Title>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Row gutter={12} style={{ marginBottom: 12 }}>
        <Col span={6}><Card size="small"><Statistic title={t('board.online')} value={online} suffix={`/ ${agents.length}`} /></Card></Col>
        <Col span={6}><Card size="small"><Statistic title={t('board.open')} value={convs.length} /></Card></Col>
        <Col span={6}><Card size="small"><Statistic title={t('board.queue')} value={queue.length} valueStyle={queue.length ? { color: '#cf1322' } : undefined} suffix={queue.length ? <span style={{ fontSize: 13 }}>{t('board.longest', { wait: formatWait(queueLongest, t) })}</span> : null} /></Card></Col>
        <Col span={6}><Card size="small"><Statistic title={t('board.longestWait')} value={formatWait(longestAll, t)} valueStyle={isLate(longestAll, targetSec) ? { color: '#cf1322' } : undefined} suffix={<span style={{ fontSize: 13, color: '#8c8c8c' }} data-testid="board-target">{t('board.target', { wait: formatWait(targetSec * 1000, t) })}</span>} /></Card></Col>
      </Row>
      <Card size="small" variant="borderless">
        <Table
          size="small"
          rowKey="agentId"
          loading={loading}
          pagination={false}
          dataSource={rows}
          columns={[
            { title: t('board.agent'), dataIndex: 'displayName', render: (name: string) => <Typography.Text strong>{name}</Typography.Text> },
            {
              title: t('board.status'),
              dataIndex: 'status',
              width: 110,
              render: (s: AgentStatus) => <Badge status={STATUS_COLOR[s] as 'success'} text={t(`agentStatus.${s}`)} />,
            },
            {
              title: t('board.load'),
              key: 'load',
              width: 220,
              render: (_: unknown, r: (typeof rows)[number]) => (
                <span>
                  <Progress percent={Math.round((r.load / Math.max(1, r.maxConcurrent)) * 100)} size="small" showInfo={false} style={{ width: 120, marginInlineEnd: 8 }} status={r.load >= r.maxConcurrent ? 'exception' : 'normal'} />
                  {r.load} / {r.maxConcurrent}
                </span>
              ),
            },
            { title: t('board.waiting'), dataIndex: 'waiting', width: 130, render: (n: number) => (n ? <Tag color="orange">{n}</Tag> : <Typography.Text type="secondary">0</Typography.Text>) },
            {
              title: t('board.longestWait'),
              dataIndex: 'longest',
              width: 140,
              render: (ms: number, r: (typeof rows)[number]) =>
                r.waiting ? <Typography.Text type={isLate(ms, targetSec) ? 'danger' : undefined} data-late={isLate(ms, targetSec)} data-testid="board-wait">{formatWait(ms, t)}</Typography.Text> : '—',
            },
          ]}
        />
      </Card>
    </div>
  );
}
