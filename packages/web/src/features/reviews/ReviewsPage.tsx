import { CheckCircleFilled, CloseCircleFilled, ExperimentOutlined, MinusCircleOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  InputNumber,
  Progress,
  Segmented,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.js';
import { useAuth, useMe } from '../../auth/AuthContext.js';
import '../coach/i18n.js';
import { SafeText } from '../coach/SafeText.js';
import { type Breakdown, type ReviewDetail, type ReviewItem, type ReviewStatus, reviewsApi } from './api.js';

const scoreColor = (s: number) => (s >= 85 ? '#52c41a' : s >= 60 ? '#faad14' : '#f5222d');

function ScoreTag({ score }: { score: number | null }) {
  if (score === null) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Tag color={score >= 85 ? 'success' : score >= 60 ? 'warning' : 'error'} style={{ fontWeight: 600 }}>
      {score}
    </Tag>
  );
}

/** The four parts of the auto score with what each found. */
function BreakdownView({ b }: { b: Breakdown }) {
  const { t } = useTranslation();
  const part = (key: 'response' | 'answered' | 'coach' | 'steps', detail: React.ReactNode) => {
    const p = b[key];
    return (
      <div key={key} style={{ marginBottom: 10 }} data-testid={`part-${key}`}>
        <div style={{ display: 'flex', justifyContent: 'space-between' }}>
          <Typography.Text strong>{t(`reviews.parts.${key}`)}</Typography.Text>
          <Typography.Text>
            {p.score} / {p.max}
          </Typography.Text>
        </div>
        <Progress percent={Math.round((100 * p.score) / p.max)} showInfo={false} strokeColor={scoreColor((100 * p.score) / p.max)} size="small" />
        <div style={{ fontSize: 12, color: '#595959' }}>{detail}</div>
      </div>
    );
  };
  return (
    <div>
      {part(
        'response',
        <>
          {b.response.firstResponseSec === null ? t('reviews.noResponse') : t('reviews.firstResponse', { s: b.response.firstResponseSec })} ·{' '}
          {t('reviews.within', { n: b.response.withinTarget, m: b.response.answeredTurns })}
        </>,
      )}
      {part(
        'answered',
        <>
          {t('reviews.unanswered', { n: b.answered.unanswered })}
          {b.answered.unansweredTexts.map((x, i) => (
            <div key={i} style={{ color: '#cf1322' }}>
              “{x}”
            </div>
          ))}
        </>,
      )}
      {part(
        'coach',
        b.coach.flags.length === 0 ? (
          t('reviews.noFlags')
        ) : (
          <Space size={[4, 4]} wrap>
            {b.coach.flags.map((f) => (
              <Tag key={f.id} color="orange">
                {t(`coach.flags.${f.id}`)} ×{f.count} (−{f.penalty})
              </Tag>
            ))}
          </Space>
        ),
      )}
      {part(
        'steps',
        <Space size={[8, 4]} wrap>
          {b.steps.results.map((s) => (
            <span key={s.step} data-testid={`step-${s.step}`} title={s.evidence}>
              {!s.applies ? <MinusCircleOutlined style={{ color: '#bfbfbf' }} /> : s.done ? <CheckCircleFilled style={{ color: '#52c41a' }} /> : <CloseCircleFilled style={{ color: '#f5222d' }} />}{' '}
              {t(`reviews.steps.${s.step}`)}
              {!s.applies && ` (${t('reviews.notApplicable')})`}
            </span>
          ))}
        </Space>,
      )}
    </div>
  );
}

/** The session as the buyer and agent saw it, with the coach's flags under agent messages. */
function Transcript({ lines }: { lines: ReviewDetail['transcript'] }) {
  const { t } = useTranslation();
  return (
    <div data-testid="review-transcript" style={{ background: '#fafafa', borderRadius: 8, padding: 12, maxHeight: 420, overflowY: 'auto' }}>
      {lines.map((l) => {
        const right = l.sender !== 'buyer';
        if (l.sender === 'system')
          return (
            <div key={l.id} style={{ textAlign: 'center', fontSize: 12, color: '#8c8c8c', margin: '6px 0' }}>
              {l.text}
            </div>
          );
        return (
          <div key={l.id} style={{ display: 'flex', flexDirection: 'column', alignItems: right ? 'flex-end' : 'flex-start', margin: '8px 0' }}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {l.sender === 'buyer' ? '' : l.kind === 'note' ? `${t('workbench.internalNote')} · ` : (l.agentName ?? l.sender)} {dayjs(l.createdAt).format('HH:mm:ss')}
            </Typography.Text>
            <div
              style={{
                maxWidth: '80%',
                padding: '6px 10px',
                borderRadius: 8,
                whiteSpace: 'pre-wrap',
                wordBreak: 'break-word',
                background: l.sender === 'buyer' ? '#fff' : l.kind === 'note' ? '#fffbe6' : l.sender === 'auto' ? '#f0f0f0' : '#e6f4ff',
                border: l.flags?.length ? '1px solid #ffbb96' : '1px solid #f0f0f0',
              }}
            >
              {l.sender === 'buyer' ? <SafeText text={l.text} /> : l.text || `[${l.kind}]`}
            </div>
            {l.guard && <Typography.Text style={{ fontSize: 12, color: '#d46b08' }}>⚠ {l.guard.warnings.join(' ')}</Typography.Text>}
            {l.flags?.map((f, i) => (
              <Typography.Text key={i} style={{ fontSize: 12, color: '#d4380d' }}>
                {t(`coach.flags.${f.id}`)}：{f.message}
              </Typography.Text>
            ))}
          </div>
        );
      })}
    </div>
  );
}

/** 质检: reviews of closed conversations; supervisors sample, read and score; agents see their own. */
export function ReviewsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { shop } = useAuth();
  const { message } = App.useApp();
  const manager = me.agent.role !== 'agent';
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().subtract(7, 'day').startOf('day'), dayjs().endOf('day')]);
  const [agentId, setAgentId] = useState<string | undefined>();
  const [status, setStatus] = useState<ReviewStatus>('all');
  const [data, setData] = useState<{ reviews: ReviewItem[]; total: number; avgAuto: number | null; avgManual: number | null } | null>(null);
  const [loading, setLoading] = useState(false);
  const [n, setN] = useState(5);
  const [openId, setOpenId] = useState<string | null>(null);
  const [agents, setAgents] = useState<Map<string, string>>(new Map());
  const shopId = shop?.id ?? '';
  const query = useMemo(() => ({ from: range[0].valueOf(), to: range[1].valueOf(), ...(agentId ? { agentId } : {}), status }), [range, agentId, status]);

  const load = useCallback(async () => {
    if (!shopId) return;
    setLoading(true);
    try {
      const r = await reviewsApi.list(shopId, { ...query, limit: 200 });
      setData(r);
      setAgents((cur) => {
        const next = new Map(cur);
        for (const x of r.reviews) if (x.agentId && x.agentName) next.set(x.agentId, x.agentName);
        return next;
      });
    } catch (err) {
      void message.error(errorMessage(err));
    } finally {
      setLoading(false);
    }
  }, [shopId, query, message]);
  useEffect(() => void load(), [load]);

  async function sample() {
    try {
      const r = await reviewsApi.sample(shopId, { n, from: query.from, to: query.to, ...(agentId ? { agentId } : {}) });
      if (r.reviews.length === 0) void message.info(t('reviews.noneToSample'));
      else void message.success(t('reviews.sampled', { n: r.reviews.length }));
      setStatus('pending');
      await load();
    } catch (err) {
      void message.error(errorMessage(err));
    }
  }

  if (!shop) return <Card variant="borderless"><Typography.Text type="secondary">{t('header.noShop')}</Typography.Text></Card>;
  return (
    <Card title={manager ? `${t('reviews.title')} · ${shop.name}` : t('reviews.mine')} variant="borderless" data-testid="reviews-page">
      {!manager && <Alert type="info" showIcon title={t('reviews.agentOnly')} style={{ marginBottom: 12 }} />}
      <Space wrap style={{ marginBottom: 12 }} size={12}>
        <DatePicker.RangePicker value={range} allowClear={false} onChange={(v) => v && v[0] && v[1] && setRange([v[0].startOf('day'), v[1].endOf('day')])} />
        {manager && (
          <Select
            allowClear
            placeholder={t('reviews.allAgents')}
            style={{ width: 160 }}
            value={agentId}
            onChange={setAgentId}
            options={[...agents].map(([value, label]) => ({ value, label }))}
          />
        )}
        <Segmented<ReviewStatus>
          value={status}
          onChange={setStatus}
          options={(['all', 'sampled', 'pending', 'reviewed'] as const).map((s) => ({ value: s, label: t(`reviews.status.${s}`) }))}
        />
        {manager && (
          <Space.Compact>
            <InputNumber min={1} max={100} value={n} onChange={(v) => setN(v ?? 5)} style={{ width: 72 }} aria-label={t('reviews.sampleN')} />
            <Button type="primary" icon={<ExperimentOutlined />} onClick={() => void sample()} data-testid="reviews-sample">
              {t('reviews.sample')}
            </Button>
          </Space.Compact>
        )}
      </Space>
      <Space size={40} style={{ marginBottom: 12 }}>
        <Statistic title={t('reviews.count')} value={data?.total ?? 0} />
        <Statistic title={t('reviews.avgAuto')} value={data?.avgAuto ?? '—'} />
        <Statistic title={t('reviews.avgManual')} value={data?.avgManual ?? '—'} />
      </Space>
      <Table<ReviewItem>
        size="middle"
        rowKey="id"
        loading={loading}
        dataSource={data?.reviews ?? []}
        pagination={{ pageSize: 10, showSizeChanger: false }}
        locale={{ emptyText: <Empty description={t('reviews.autoFirst')} /> }}
        onRow={(r) => ({ onClick: () => setOpenId(r.id), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('reviews.cols.closedAt'), dataIndex: 'closedAt', width: 150, render: (v: number) => dayjs(v).format('MM-DD HH:mm') },
          { title: t('reviews.cols.buyer'), dataIndex: 'buyerNickname', render: (v: string | null) => v ?? '—' },
          { title: t('reviews.cols.agent'), dataIndex: 'agentName', render: (v: string | null) => v ?? '—' },
          { title: t('reviews.cols.auto'), dataIndex: 'autoScore', width: 100, render: (v: number) => <ScoreTag score={v} /> },
          { title: t('reviews.cols.manual'), dataIndex: 'manualScore', width: 100, render: (v: number | null) => <ScoreTag score={v} /> },
          {
            title: t('reviews.cols.state'),
            width: 110,
            render: (_: unknown, r) =>
              r.reviewedAt ? <Tag color="blue">{t('reviews.status.reviewed')}</Tag> : r.sampledAt ? <Tag color="gold">{t('reviews.status.pending')}</Tag> : <Tag>{t('reviews.status.auto')}</Tag>,
          },
          { title: '', width: 70, render: (_: unknown, r) => <Button size="small" type="link" onClick={() => setOpenId(r.id)}>{t('reviews.view')}</Button> },
        ]}
      />
      <ReviewDrawer shopId={shopId} id={openId} manager={manager} onClose={() => setOpenId(null)} onSaved={() => void load()} />
    </Card>
  );
}

function ReviewDrawer({ shopId, id, manager, onClose, onSaved }: { shopId: string; id: string | null; manager: boolean; onClose(): void; onSaved(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [review, setReview] = useState<ReviewDetail | null>(null);
  const [form] = Form.useForm<{ score: number; comment?: string }>();
  useEffect(() => {
    setReview(null);
    if (!id) return;
    reviewsApi.get(shopId, id).then(
      (r) => {
        setReview(r);
        form.setFieldsValue({ score: r.manualScore ?? r.autoScore, comment: r.comment ?? '' });
      },
      (err: unknown) => void message.error(errorMessage(err)),
    );
  }, [shopId, id, form, message]);

  async function save(v: { score: number; comment?: string }) {
    if (!id) return;
    try {
      const r = await reviewsApi.score(shopId, id, { score: v.score, ...(v.comment ? { comment: v.comment } : {}) });
      setReview((cur) => (cur ? { ...cur, ...r } : cur));
      void message.success(t('common.saved'));
      onSaved();
    } catch (err) {
      void message.error(errorMessage(err));
    }
  }

  return (
    <Drawer open={id !== null} onClose={onClose} size={760} title={review ? `${review.buyerNickname ?? ''} · ${review.agentName ?? ''}` : t('reviews.title')} destroyOnHidden>
      {!review ? (
        <Spin />
      ) : (
        <div data-testid="review-detail" style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
          <div style={{ flex: '1 1 300px', minWidth: 280 }}>
            <Descriptions size="small" column={1} style={{ marginBottom: 8 }}>
              <Descriptions.Item label={t('reviews.cols.closedAt')}>{dayjs(review.closedAt).format('YYYY-MM-DD HH:mm')}</Descriptions.Item>
              <Descriptions.Item label={t('reviews.cols.auto')}>
                <ScoreTag score={review.autoScore} />
              </Descriptions.Item>
            </Descriptions>
            <BreakdownView b={review.breakdown} />
            <Typography.Title level={5} style={{ marginTop: 8 }}>
              {t('reviews.manualTitle')}
            </Typography.Title>
            {manager ? (
              <Form form={form} layout="vertical" onFinish={(v) => void save(v)} data-testid="review-form">
                <Form.Item name="score" label={t('reviews.score')} rules={[{ required: true }]}>
                  <InputNumber min={0} max={100} style={{ width: 120 }} />
                </Form.Item>
                <Form.Item name="comment" label={t('reviews.comment')}>
                  <Input.TextArea rows={3} maxLength={2000} />
                </Form.Item>
                <Button type="primary" htmlType="submit">
                  {t('reviews.saveReview')}
                </Button>
                {review.reviewerName && (
                  <Typography.Text type="secondary" style={{ marginInlineStart: 12 }}>
                    {t('reviews.reviewer')}：{review.reviewerName}
                  </Typography.Text>
                )}
              </Form>
            ) : review.manualScore === null ? (
              <Typography.Text type="secondary">{t('reviews.notReviewed')}</Typography.Text>
            ) : (
              <div data-testid="review-manual">
                <ScoreTag score={review.manualScore} /> {review.reviewerName}
                <Typography.Paragraph style={{ marginTop: 6 }}>{review.comment}</Typography.Paragraph>
              </div>
            )}
          </div>
          <div style={{ flex: '1 1 340px', minWidth: 300 }}>
            <Typography.Title level={5} style={{ marginTop: 0 }}>
              {t('reviews.transcript')}
            </Typography.Title>
            <Transcript lines={review.transcript} />
          </div>
        </div>
      )}
    </Drawer>
  );
}
