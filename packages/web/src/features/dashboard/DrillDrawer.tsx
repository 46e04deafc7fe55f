import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Drawer, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/index.js';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.js';
import { fmt, kpiApi, type Drill, type DrillFigure } from './api.js';

/** What a click opened: a figure of a period, maybe narrowed to one agent or day. */
export interface DrillTarget {
  figure: DrillFigure;
  label: string;
  from: string;
  to: string;
  agent?: string;
  agentName?: string;
  day?: string;
  /** A payment-reminder script (remindedOrders), with its title for the drawer's title. */
  script?: string;
  scriptTitle?: string;
}

/** The narrowing of a target as query parameters. */
const keyOf = (x: DrillTarget) => ({ ...(x.agent ? { agent: x.agent } : {}), ...(x.day ? { day: x.day } : {}), ...(x.script ? { script: x.script } : {}) });

type Row = Record<string, unknown>;
const time = (v: unknown) => (typeof v === 'string' ? v.slice(0, 19).replace('T', ' ') : '—');

/** The buyers, turns or orders behind a figure (server drill-down over the same records the figure counts). */
export function DrillDrawer({ shopId, target, onClose }: { shopId: string; target: DrillTarget | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [data, setData] = useState<Drill | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const dur = (x: unknown) => fmt.duration(typeof x === 'number' ? x : null, t('kpi.unit.sec'), t('kpi.unit.min'));

  useEffect(() => {
    if (!target) return;
    let live = true;
    setLoading(true);
    setError(null);
    setData(null);
    kpiApi
      .drill(shopId, { figure: target.figure, from: target.from, to: target.to, ...keyOf(target) })
      .then((d) => live && setData(d), (err) => live && setError(errorMessage(err)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [shopId, target]);

  const buyerCols: ColumnsType<Row> = [
    { title: t('kpi.drill.buyer'), dataIndex: 'buyerName', key: 'buyer', width: 150, ellipsis: true },
    { title: t('kpi.drill.firstInquiry'), key: 'first', width: 160, render: (_, r) => time(r.firstInquiryAt) },
    { title: t('kpi.drill.orders'), key: 'orders', render: (_, r) => ((r.orderIds as string[]) ?? []).length || '—' },
    { title: t('kpi.drill.paidOrders'), key: 'paid', render: (_, r) => ((r.paidOrderIds as string[]) ?? []).length || '—' },
    { title: t('kpi.drill.agents'), key: 'agents', render: (_, r) => ((r.agentNames as string[]) ?? []).map((a) => <Tag key={a}>{a}</Tag>) },
    ...(target?.figure === 'firstResponse'
      ? [{ title: t('kpi.drill.firstResponse'), key: 'fr', render: (_: unknown, r: Row) => dur(r.firstHumanResponseSec ?? r.firstResponseSec) }]
      : []),
  ];
  const turnCols: ColumnsType<Row> = [
    { title: t('kpi.drill.buyer'), dataIndex: 'buyerName', key: 'buyer', width: 150, ellipsis: true },
    { title: t('kpi.drill.start'), key: 'start', width: 160, render: (_, r) => time(r.startAt) },
    { title: t('kpi.drill.messages'), dataIndex: 'buyerMessages', key: 'n', align: 'right' },
    { title: t('kpi.drill.responseSec'), key: 'sec', align: 'right', render: (_, r) => (r.answered ? dur(r.responseSec) : <Tag color="red">{t('kpi.drill.unanswered')}</Tag>) },
    { title: t('kpi.drill.agent'), key: 'agent', render: (_, r) => (r.agentName as string) ?? '—' },
  ];
  // An order: which, whose, how much (every order table starts so), and when it was paid.
  const orderHead: ColumnsType<Row> = [
    { title: t('kpi.drill.order'), dataIndex: 'id', key: 'id', width: 170, ellipsis: true },
    { title: t('kpi.drill.buyer'), dataIndex: 'buyerName', key: 'buyer', ellipsis: true },
    { title: t('kpi.drill.amount'), key: 'amount', align: 'right', render: (_, r) => fmt.money(r.amount as number) },
  ];
  const paidCol: ColumnsType<Row>[number] = { title: t('kpi.drill.paidAt'), key: 'paid', width: 160, render: (_, r) => time(r.paidAt) };
  const orderCols: ColumnsType<Row> = [
    ...orderHead,
    paidCol,
    { title: t('kpi.drill.attributed'), key: 'agent', render: (_, r) => (r.agentName as string) ?? <Typography.Text type="secondary">{t('kpi.drill.none')}</Typography.Text> },
    { title: '', key: 'flags', render: (_, r) => <Space size={2}>{r.refunded ? <Tag color="orange">{t('kpi.drill.refunded')}</Tag> : null}{r.silent ? <Tag>{t('kpi.drill.silent')}</Tag> : null}</Space> },
  ];
  const remindCols: ColumnsType<Row> = [
    ...orderHead,
    { title: t('kpi.drill.remindedAt'), key: 'remindedAt', width: 160, render: (_, r) => time(r.remindedAt) },
    paidCol,
    {
      title: t('kpi.drill.paidAfter'), key: 'ok',
      render: (_, r) => (r.paidAfterReminder ? <Tag color="green">{t('kpi.drill.yes')}</Tag> : <Typography.Text type="secondary">{t('kpi.drill.no')}</Typography.Text>),
    },
  ];
  const title = target
    ? t('kpi.drill.title', { figure: target.label }) +
      (target.agentName ? t('kpi.drill.agentSuffix', { agent: target.agentName }) : '') +
      (target.scriptTitle ? t('kpi.drill.agentSuffix', { agent: target.scriptTitle }) : '') +
      (target.from === target.to ? t('kpi.drill.daySuffix', { day: target.from }) : t('kpi.drill.daySuffix', { day: `${target.from} ~ ${target.to}` }))
    : '';
  return (
    <Drawer
      open={target !== null}
      onClose={onClose}
      width={820}
      title={title}
      destroyOnHidden
      extra={
        target && (
          <Button icon={<DownloadOutlined />} href={kpiApi.exportUrl(shopId, { from: target.from, to: target.to, figure: target.figure, ...keyOf(target) })}>
            {t('kpi.exportDrill')}
          </Button>
        )
      }
    >
      <div data-testid="drill-drawer">
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
        {data && (
          <Typography.Paragraph type="secondary" data-testid="drill-total">
            {t('kpi.drill.total', { n: data.total })}
            {data.truncated ? ` · ${t('kpi.drill.truncated', { n: data.rows.length })}` : ''}
          </Typography.Paragraph>
        )}
        <Table<Row>
          size="small"
          loading={loading}
          rowKey={(r) => `${String(r.buyer)}|${String(r.id ?? '')}|${String(r.startAt ?? r.firstInquiryAt ?? r.day ?? '')}`}
          dataSource={data?.rows ?? []}
          columns={data?.kind === 'turns' ? turnCols : data?.figure === 'remindedOrders' ? remindCols : data?.kind === 'orders' ? orderCols : buyerCols}
          pagination={{ pageSize: 20, size: 'small', showSizeChanger: false }}
          onRow={() => ({ 'data-testid': 'drill-row' }) as never}
        />
      </div>
    </Drawer>
  );
}
