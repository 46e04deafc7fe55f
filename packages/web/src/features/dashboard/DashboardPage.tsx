import { DownloadOutlined, ReloadOutlined, SettingOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, DatePicker, Empty, Row, Segmented, Skeleton, Space, Statistic, Table, Tooltip, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.js';
import { useAuth, useMe } from '../../auth/AuthContext.js';
import { fmt, kpiApi, type Dashboard, type DrillFigure, type KpiAgentRow, type KpiFigures, type Live } from './api.js';
import { DrillDrawer, type DrillTarget } from './DrillDrawer.js';
import { EChart, type EChartOption } from './EChart.js';
import { registerDashboardStrings } from './i18n.js';
import { RebuildBanner } from './RebuildBanner.js';
import { SettingsDrawer } from './SettingsDrawer.js';

registerDashboardStrings();

const DAY_FMT = 'YYYY-MM-DD';
type TrendMode = 'people' | 'rate' | 'response' | 'money';

/** A figure that opens its drill-down on click. */
function Figure({ title, value, onClick, testId, suffix }: { title: string; value: string; onClick?: () => void; testId: string; suffix?: string }) {
  return (
    <Card size="small" hoverable={!!onClick} onClick={onClick} data-testid={testId} styles={{ body: { padding: '6px 12px' } }}>
      <Statistic title={<span style={{ fontSize: 12 }}>{title}</span>} value={value} {...(suffix ? { suffix } : {})} valueStyle={{ fontSize: 20, color: onClick ? '#1677ff' : undefined }} />
    </Card>
  );
}

/** A number in a table cell that opens its drill-down. */
function Num({ children, onClick, testId }: { children: string; onClick: () => void; testId?: string }) {
  return (
    <Typography.Link onClick={onClick} data-testid={testId}>
      {children}
    </Typography.Link>
  );
}

type UrgeRow = NonNullable<Dashboard['urging']>[number];

/** 数据看板: today live, the period's figures, trend, agent leaderboard, funnel, scenario mix, quick replies, urging; every number drills down. */
export function DashboardPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { shop } = useAuth();
  const me = useMe();
  const shopId = shop?.id;
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().subtract(13, 'day'), dayjs()]);
  const [data, setData] = useState<Dashboard | null>(null);
  const [live, setLive] = useState<Live | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [drill, setDrill] = useState<DrillTarget | null>(null);
  const [trend, setTrend] = useState<TrendMode>('people');
  const [settingsOpen, setSettingsOpen] = useState(false);
  const from = range[0].format(DAY_FMT);
  const to = range[1].format(DAY_FMT);
  const canEdit = me.agent.role === 'owner' || me.agent.role === 'supervisor';
  const sec = t('kpi.unit.sec');
  const min = t('kpi.unit.min');
  const dur = useCallback((x: number | null | undefined) => fmt.duration(x, sec, min), [sec, min]);

  const load = useCallback(async () => {
    if (!shopId) return;
    setLoading(true);
    setError(null);
    try {
      const [d, l] = await Promise.all([kpiApi.dashboard(shopId, from, to), kpiApi.live(shopId)]);
      setData(d);
      setLive(l);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLoading(false);
    }
  }, [shopId, from, to]);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (!shopId) return;
    const timer = setInterval(() => {
      kpiApi.live(shopId).then(setLive, () => undefined);
    }, 30_000);
    return () => clearInterval(timer);
  }, [shopId]);

  const open = useCallback(
    (figure: DrillFigure, label: string, extra: { agent?: string; agentName?: string; day?: string; from?: string; to?: string } = {}) =>
      setDrill({ figure, label, from: extra.from ?? from, to: extra.to ?? to, ...(extra.agent ? { agent: extra.agent, agentName: extra.agentName ?? extra.agent } : {}), ...(extra.day ? { day: extra.day } : {}) }),
    [from, to],
  );

  const k = data?.kpis;
  const trendOption = useMemo<EChartOption | null>(() => {
    if (!k) return null;
    const days = k.byDay.map((d) => d.day.slice(5));
    const base = { color: ['#1677ff', '#52c41a', '#fa8c16'], tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 48, right: 24, top: 36, bottom: 28 }, xAxis: { type: 'category', data: days } };
    const line = (name: string, data: Array<number | null>, extra: object = {}) => ({ name, type: 'line', smooth: true, connectNulls: true, data, ...extra });
    const bar = (name: string, data: number[]) => ({ name, type: 'bar', barMaxWidth: 18, data });
    const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);
    const s1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
    if (trend === 'people')
      return { ...base, yAxis: { type: 'value', minInterval: 1 }, series: [bar(t('kpi.fig.inquirers'), k.byDay.map((d) => d.inquirers)), bar(t('kpi.fig.orderers'), k.byDay.map((d) => d.orderers)), bar(t('kpi.fig.payers'), k.byDay.map((d) => d.payers))] };
    if (trend === 'rate')
      return { ...base, yAxis: { type: 'value', axisLabel: { formatter: '{value}%' } }, series: [line(t('kpi.fig.inquiryConversion'), k.byDay.map((d) => pct(d.inquiryConversion))), line(t('kpi.fig.inquiryToPayment'), k.byDay.map((d) => pct(d.inquiryToPayment))), line(t('kpi.fig.replyRate'), k.byDay.map((d) => pct(d.replyRate)))] };
    if (trend === 'response')
      return { ...base, yAxis: { type: 'value' }, series: [line(t('kpi.fig.firstResponseSec'), k.byDay.map((d) => s1(d.firstResponseSec))), line(t('kpi.fig.avgResponseSec'), k.byDay.map((d) => s1(d.avgResponseSec)))] };
    return { ...base, yAxis: { type: 'value' }, series: [bar(t('kpi.fig.revenue'), k.byDay.map((d) => d.revenue)), line(t('kpi.fig.paidOrders'), k.byDay.map((d) => d.paidOrders), { yAxisIndex: 0 })] };
  }, [k, trend, t]);

  const funnelSteps = useMemo(() => {
    if (!k) return [];
    return [
      { figure: 'inquirers' as const, name: t('kpi.fig.inquirers'), value: k.inquirers },
      { figure: 'repliedInquirers' as const, name: t('kpi.funnel.replied'), value: k.repliedInquirers },
      { figure: 'orderers' as const, name: t('kpi.fig.orderers'), value: k.orderers },
      { figure: 'payers' as const, name: t('kpi.fig.payers'), value: k.payers },
    ];
  }, [k, t]);
  const funnelOption = useMemo<EChartOption>(
    () => ({
      tooltip: { trigger: 'item', formatter: '{b}: {c}' },
      series: [{ type: 'funnel', sort: 'none', left: 16, right: 16, top: 8, bottom: 8, minSize: '20%', label: { show: true, position: 'inside', formatter: '{b}\n{c}' }, data: funnelSteps.map((s, i) => ({ name: s.name, value: s.value, itemStyle: { color: ['#1677ff', '#4096ff', '#69b1ff', '#52c41a'][i] } })) }],
    }),
    [funnelSteps],
  );
  const scenarioOption = useMemo<EChartOption | null>(() => {
    // Greetings and goodbyes say nothing about what buyers want.
    const asked = data?.scenarios.filter((s) => s.scenario !== 'greeting' && s.scenario !== 'thanks_bye') ?? [];
    if (asked.length === 0) return null;
    const top = asked.slice(0, 10).reverse();
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 90, right: 24, top: 8, bottom: 24 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: top.map((s) => t(`scenarios.${s.scenario}`, { defaultValue: s.scenario })) },
      series: [{ name: t('kpi.scenario.buyerDays'), type: 'bar', barMaxWidth: 16, data: top.map((s) => s.buyerDays), itemStyle: { color: '#13c2c2' } }],
    };
  }, [data, t]);

  if (!shopId) return <Empty description={t('header.noShop')} />;

  const lk = live?.kpis;
  const agentCols = [
    { title: t('kpi.agents.agent'), dataIndex: 'agentName', key: 'agent', fixed: 'left' as const, width: 90 },
    {
      title: t('kpi.fig.inquirers'), key: 'inq', align: 'right' as const, sorter: (a: KpiAgentRow, b: KpiAgentRow) => a.inquirers - b.inquirers,
      render: (_: unknown, r: KpiAgentRow) => <Num onClick={() => open('inquirers', t('kpi.fig.inquirers'), { agent: r.agent, agentName: r.agentName })}>{fmt.int(r.inquirers)}</Num>,
    },
    {
      title: t('kpi.fig.payers'), key: 'pay', align: 'right' as const,
      render: (_: unknown, r: KpiAgentRow) => <Num onClick={() => open('payers', t('kpi.fig.payers'), { agent: r.agent, agentName: r.agentName })}>{fmt.int(r.payers)}</Num>,
    },
    {
      title: t('kpi.fig.inquiryToPayment'), key: 'conv', align: 'right' as const, sorter: (a: KpiAgentRow, b: KpiAgentRow) => (a.inquiryToPayment ?? -1) - (b.inquiryToPayment ?? -1),
      render: (_: unknown, r: KpiAgentRow) => (
        <Num testId={`agent-conversion-${r.agentName}`} onClick={() => open('payers', t('kpi.fig.inquiryToPayment'), { agent: r.agent, agentName: r.agentName })}>
          {fmt.rate(r.inquiryToPayment)}
        </Num>
      ),
    },
    {
      title: t('kpi.fig.revenue'), key: 'rev', align: 'right' as const, defaultSortOrder: 'descend' as const, sorter: (a: KpiAgentRow, b: KpiAgentRow) => a.revenue - b.revenue,
      render: (_: unknown, r: KpiAgentRow) => <Num onClick={() => open('paidOrders', t('kpi.fig.revenue'), { agent: r.agent, agentName: r.agentName })}>{fmt.money(r.revenue)}</Num>,
    },
    { title: t('kpi.fig.perCustomerValue'), key: 'pcv', align: 'right' as const, render: (_: unknown, r: KpiAgentRow) => fmt.money(r.perCustomerValue) },
    {
      title: t('kpi.fig.avgResponseSec'), key: 'avg', align: 'right' as const, sorter: (a: KpiAgentRow, b: KpiAgentRow) => (a.avgResponseSec ?? 1e9) - (b.avgResponseSec ?? 1e9),
      render: (_: unknown, r: KpiAgentRow) => <Num onClick={() => open('answeredTurns', t('kpi.fig.avgResponseSec'), { agent: r.agent, agentName: r.agentName })}>{dur(r.avgResponseSec)}</Num>,
    },
    {
      title: t('kpi.fig.firstResponseSec'), key: 'fr', align: 'right' as const,
      render: (_: unknown, r: KpiAgentRow) => <Num onClick={() => open('firstResponse', t('kpi.fig.firstHumanResponseSec'), { agent: r.agent, agentName: r.agentName })}>{dur(r.firstResponseSec)}</Num>,
    },
  ];

  const periodFigures: Array<{ key: keyof KpiFigures; figure: DrillFigure; value: string }> = k
    ? [
        { key: 'inquirers', figure: 'inquirers', value: fmt.int(k.inquirers) },
        { key: 'orderers', figure: 'orderers', value: fmt.int(k.orderers) },
        { key: 'payers', figure: 'payers', value: fmt.int(k.payers) },
        { key: 'inquiryToPayment', figure: 'payers', value: fmt.rate(k.inquiryToPayment) },
        { key: 'inquiryConversion', figure: 'orderers', value: fmt.rate(k.inquiryConversion) },
        { key: 'replyRate', figure: 'unrepliedInquirers', value: fmt.rate(k.replyRate) },
        { key: 'firstResponseSec', figure: 'firstResponse', value: dur(k.firstResponseSec) },
        { key: 'avgResponseSec', figure: 'answeredTurns', value: dur(k.avgResponseSec) },
        { key: 'unansweredTurns', figure: 'unansweredTurns', value: fmt.int(k.unansweredTurns) },
        { key: 'revenue', figure: 'paidOrders', value: fmt.money(k.revenue) },
        { key: 'perCustomerValue', figure: 'payingCustomers', value: fmt.money(k.perCustomerValue) },
        { key: 'silentBuyers', figure: 'silentBuyers', value: fmt.int(k.silentBuyers) },
      ]
    : [];

  return (
    <div data-testid="dashboard">
      <Card variant="borderless" styles={{ body: { padding: '12px 16px' } }} style={{ marginBottom: 12 }}>
        <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
          <Space wrap>
            <Typography.Title level={4} style={{ margin: 0 }}>{t('kpi.title')}</Typography.Title>
            <DatePicker.RangePicker
              allowClear={false}
              value={range}
              onChange={(v) => v && v[0] && v[1] && setRange([v[0], v[1]])}
              disabledDate={(d) => d.isAfter(dayjs(), 'day')}
              presets={[
                { label: t('kpi.presets.today'), value: [dayjs(), dayjs()] },
                { label: t('kpi.presets.d7'), value: [dayjs().subtract(6, 'day'), dayjs()] },
                { label: t('kpi.presets.d14'), value: [dayjs().subtract(13, 'day'), dayjs()] },
                { label: t('kpi.presets.d30'), value: [dayjs().subtract(29, 'day'), dayjs()] },
              ]}
            />
          </Space>
          <Space>
            {data && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('kpi.queryMs', { ms: data.queryMs })}</Typography.Text>}
            <Tooltip title={t('kpi.refresh')}>
              <Button icon={<ReloadOutlined />} loading={loading} onClick={() => void load()} aria-label={t('kpi.refresh')} />
            </Tooltip>
            <Button icon={<DownloadOutlined />} href={kpiApi.exportUrl(shopId, { from, to })} data-testid="export-csv">{t('kpi.export')}</Button>
            <Button icon={<SettingOutlined />} onClick={() => setSettingsOpen(true)}>{t('kpi.settings')}</Button>
          </Space>
        </Space>
      </Card>
      {error && <Alert type="error" showIcon message={t('kpi.loadFailed')} description={error} action={<Button size="small" onClick={() => void load()}>{t('common.retry')}</Button>} style={{ marginBottom: 12 }} />}
      {data && !data.settings.upToDate && (
        <RebuildBanner shopId={shopId} settings={data.settings} canEdit={canEdit}
          onDone={() => { message.success(t('kpi.rebuild.done')); void load(); }} />
      )}

      <Card size="small" title={t('kpi.live.title')} extra={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('kpi.live.refreshed')}</Typography.Text>} style={{ marginBottom: 12 }} data-testid="live">
        {!lk ? (
          <Skeleton active paragraph={{ rows: 1 }} />
        ) : (
          <Row gutter={[12, 12]}>
            <Col xs={12} md={4}><Figure testId="live-inquirers" title={t('kpi.live.inquirers')} value={fmt.int(lk.inquirers)} onClick={() => open('inquirers', t('kpi.live.inquirers'), { from: live.day, to: live.day })} /></Col>
            <Col xs={12} md={4}>
              <Card size="small" styles={{ body: { padding: '6px 12px' } }} data-testid="live-waiting">
                <Statistic title={<span style={{ fontSize: 12 }}>{t('kpi.live.waiting')}</span>} value={live.waiting} valueStyle={{ fontSize: 20, color: live.waiting > 0 ? '#fa541c' : undefined }}
                  suffix={live.longestWaitSec !== null ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('kpi.live.longest', { d: dur(live.longestWaitSec) })}</Typography.Text> : undefined} />
              </Card>
            </Col>
            <Col xs={12} md={4}><Figure testId="live-first" title={t('kpi.live.firstResponse')} value={dur(lk.firstResponseSec)} onClick={() => open('firstResponse', t('kpi.live.firstResponse'), { from: live.day, to: live.day })} /></Col>
            <Col xs={12} md={4}><Figure testId="live-avg" title={t('kpi.live.avgResponse')} value={dur(lk.avgResponseSec)} onClick={() => open('answeredTurns', t('kpi.live.avgResponse'), { from: live.day, to: live.day })} /></Col>
            <Col xs={12} md={4}><Figure testId="live-conversion" title={t('kpi.live.conversion')} value={fmt.rate(lk.inquiryConversion)} onClick={() => open('orderers', t('kpi.live.conversion'), { from: live.day, to: live.day })} /></Col>
            <Col xs={12} md={4}><Figure testId="live-revenue" title={t('kpi.live.revenue')} value={fmt.money(lk.revenue)} onClick={() => open('paidOrders', t('kpi.live.revenue'), { from: live.day, to: live.day })} /></Col>
          </Row>
        )}
      </Card>

      <Card size="small" title={t('kpi.period.title')} extra={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('kpi.period.hint')}</Typography.Text>} style={{ marginBottom: 12 }}>
        {!k ? (
          <Skeleton active paragraph={{ rows: 2 }} />
        ) : (
          <Row gutter={[12, 12]} data-testid="period-figures">
            {periodFigures.map((f) => (
              <Col key={f.key} xs={12} md={6} lg={4}>
                <Figure testId={`kpi-${f.key}`} title={t(`kpi.fig.${f.key}`)} value={f.value} onClick={() => open(f.figure, t(`kpi.fig.${f.key}`))} />
              </Col>
            ))}
          </Row>
        )}
      </Card>

      <Row gutter={12}>
        <Col xs={24} lg={16}>
          <Card size="small" title={t('kpi.trend.title')} style={{ marginBottom: 12 }}
            extra={<Segmented size="small" value={trend} onChange={(v) => setTrend(v as TrendMode)} options={(['people', 'rate', 'response', 'money'] as const).map((m) => ({ value: m, label: t(`kpi.trend.${m}`) }))} />}>
            {trendOption ? (
              <EChart testId="chart-trend" option={trendOption} height={260}
                onClick={(e) => {
                  const day = k?.byDay[e.dataIndex]?.day;
                  if (!day) return;
                  const fig: DrillFigure = trend === 'money' ? 'paidOrders' : trend === 'response' ? 'answeredTurns' : e.seriesIndex === 2 && trend === 'people' ? 'payers' : e.seriesIndex === 1 && trend === 'people' ? 'orderers' : 'inquirers';
                  open(fig, `${t(`kpi.trend.${trend}`)} ${day}`, { from: day, to: day });
                }} />
            ) : <Skeleton active />}
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('kpi.funnel.title')} style={{ marginBottom: 12 }}>
            {k ? <EChart testId="chart-funnel" option={funnelOption} height={260} onClick={(e) => { const s = funnelSteps[e.dataIndex]; if (s) open(s.figure, s.name); }} /> : <Skeleton active />}
          </Card>
        </Col>
      </Row>

      <Card size="small" title={t('kpi.agents.title')} style={{ marginBottom: 12 }}>
        <Table<KpiAgentRow> data-testid="agent-table" rowKey="agent" size="small" pagination={false} loading={loading && !k} columns={agentCols} dataSource={k?.byAgent ?? []}
          scroll={{ x: 760 }} locale={{ emptyText: t('kpi.agents.empty') }} />
      </Card>

      <Row gutter={12}>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('kpi.scenario.title')} style={{ marginBottom: 12 }}>
            {scenarioOption ? <EChart testId="chart-scenarios" option={scenarioOption} height={280} /> : data ? <Empty description={t('kpi.scenario.empty')} /> : <Skeleton active />}
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('kpi.quick.title')} style={{ marginBottom: 12 }}>
            {data?.quickReplies === null ? (
              <Empty description={t('kpi.quick.missing')} />
            ) : (
              <Table size="small" rowKey="replyId" pagination={{ pageSize: 6, size: 'small', hideOnSinglePage: true }} dataSource={data?.quickReplies ?? []} locale={{ emptyText: t('kpi.quick.empty') }}
                columns={[
                  { title: t('kpi.quick.reply'), dataIndex: 'title', ellipsis: true },
                  { title: t('kpi.quick.uses'), dataIndex: 'uses', align: 'right', width: 80 },
                  { title: t('kpi.quick.buyers'), dataIndex: 'buyers', align: 'right', width: 80 },
                  { title: t('kpi.quick.converted'), dataIndex: 'converted', align: 'right', width: 90 },
                  { title: t('kpi.quick.rate'), key: 'rate', align: 'right', width: 80, render: (_: unknown, r: { rate: number | null }) => fmt.rate(r.rate) },
                ]} />
            )}
          </Card>
        </Col>
      </Row>

      <Card size="small" title={t('kpi.urge.title')} extra={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('kpi.urge.hint', { hours: data?.settings.attributionWindowHours ?? 72 })}</Typography.Text>} style={{ marginBottom: 12 }}>
        {data?.urging === null ? (
          <Empty description={t('kpi.urge.missing')} />
        ) : (
          <Table<UrgeRow> data-testid="urge-table" size="small" rowKey="script" pagination={false} dataSource={data?.urging ?? []} locale={{ emptyText: t('kpi.urge.empty') }}
            columns={[
              { title: t('kpi.urge.script'), dataIndex: 'title' },
              {
                title: t('kpi.urge.reminded'), key: 'reminded', align: 'right',
                render: (_: unknown, r: UrgeRow) => (
                  <Typography.Link data-testid={`urge-reminded-${r.script}`}
                    onClick={() => setDrill({ figure: 'remindedOrders', label: t('kpi.urge.reminded'), from, to, script: r.script, scriptTitle: r.title })}>
                    {r.reminded}
                  </Typography.Link>
                ),
              },
              { title: t('kpi.urge.paid'), dataIndex: 'paid', align: 'right' },
              { title: t('kpi.urge.pending'), dataIndex: 'pending', align: 'right' },
              { title: t('kpi.urge.rate'), key: 'rate', align: 'right', render: (_: unknown, r: { rate: number | null }) => fmt.rate(r.rate) },
            ]} />
        )}
      </Card>

      <DrillDrawer shopId={shopId} target={drill} onClose={() => setDrill(null)} />
      <SettingsDrawer shopId={shopId} open={settingsOpen} canEdit={canEdit} onClose={() => setSettingsOpen(false)}
        onSaved={(rebuilding) => { message.success(t(rebuilding ? 'kpi.set.rebuilding' : 'kpi.set.saved')); void load(); }} />
    </div>
  );
}
