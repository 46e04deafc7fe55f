import { App, Button, Card, Descriptions, Drawer, Input, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.js';
import { useAuth } from '../../auth/AuthContext.js';
import { buyersApi, GROUP_COLOR, type BuyerDetail, type BuyerListItem } from '../orders/api.js';
import { BuyerPanel } from './BuyerPanel.js';

const TEMPERAMENTS = ['expressive', 'dominant', 'analytical', 'amiable'];
const DIMENSIONS: Array<[string, string[]]> = [
  ['need', ['clear', 'confused']],
  ['decision', ['independent', 'swing']],
  ['price', ['price_sensitive', 'price_insensitive']],
  ['urgency', ['urgent', 'browsing']],
  ['purpose', ['self_use', 'gift']],
  ['quality', ['demanding', 'easygoing']],
  ['trust', ['trusting', 'suspicious']],
];

/** 买家: list with search, group and segment filters (phones masked); a drawer with profile editing and the buyer panel. */
export function BuyersPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { shop } = useAuth();
  const shopId = shop?.id;
  const [q, setQ] = useState<{ search?: string; group?: string; segment?: string }>({});
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ buyers: BuyerListItem[]; total: number; segments: Array<{ id: string; zh: string }> }>({ buyers: [], total: 0, segments: [] });
  const [loading, setLoading] = useState(false);
  const [open, setOpen] = useState<string | null>(null);

  const load = useCallback(async () => {
    if (!shopId) return;
    setLoading(true);
    try {
      setData(await buyersApi.list(shopId, { ...q, limit: 20, offset: (page - 1) * 20 }));
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setLoading(false);
    }
  }, [shopId, q, page, message]);
  useEffect(() => {
    void load();
  }, [load]);

  if (!shopId) return null;
  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('buyers.title')}</Typography.Title>}>
      <Space style={{ marginBottom: 16 }} wrap>
        <Input.Search allowClear placeholder={t('buyers.searchPlaceholder')} style={{ width: 260 }} onSearch={(v) => { setQ({ ...q, search: v || undefined }); setPage(1); }} data-testid="buyer-search" />
        <Select allowClear placeholder={t('buyers.group')} style={{ width: 120 }} value={q.group} onChange={(v) => { setQ({ ...q, group: v }); setPage(1); }}
          options={['inquirer', 'buyer', 'vip'].map((g) => ({ value: g, label: t(`buyers.groups.${g}`) }))} />
        <Select allowClear placeholder={t('buyers.segment')} style={{ width: 200 }} value={q.segment} onChange={(v) => { setQ({ ...q, segment: v }); setPage(1); }}
          options={data.segments.map((s) => ({ value: s.id, label: t(`buyers.segments.${s.id}`, { defaultValue: s.zh }) }))} data-testid="segment-select" />
      </Space>
      <Table<BuyerListItem>
        rowKey="id"
        loading={loading}
        dataSource={data.buyers}
        data-testid="buyers-table"
        onRow={(r) => ({ onClick: () => setOpen(r.id), style: { cursor: 'pointer' } })}
        pagination={{ current: page, pageSize: 20, total: data.total, onChange: setPage }}
        columns={[
          { title: t('buyers.nickname'), dataIndex: 'nickname' },
          { title: t('buyers.group'), dataIndex: 'group', render: (g: string, r) => <Tag color={GROUP_COLOR[g]}>{t(`buyers.groups.${g}`)}{r.groupOverride ? ` · ${t('buyers.manual')}` : ''}</Tag> },
          { title: t('buyers.phone'), dataIndex: 'phone', render: (v: string | null) => v ?? '—' },
          { title: t('buyers.tags'), dataIndex: 'tags', render: (tags: string[]) => tags.map((x) => <Tag key={x}>{x}</Tag>) },
          { title: t('buyers.paid'), render: (_, r) => t('buyers.paidSummary', { orders: r.paidOrders, amount: r.paidAmount.toFixed(2) }) },
          { title: t('buyers.lastPaid'), dataIndex: 'lastPaidAt', render: (v: string | null) => (v ? dayjs(v).format('YYYY-MM-DD') : '—') },
          { title: t('buyers.temperament'), dataIndex: 'temperament', render: (v: string | null) => (v ? t(`buyers.traits.${v}`) : '—') },
        ]}
      />
      <BuyerDrawer shopId={shopId} buyerId={open} onClose={() => { setOpen(null); void load(); }} />
    </Card>
  );
}

function BuyerDrawer({ shopId, buyerId, onClose }: { shopId: string; buyerId: string | null; onClose(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [buyer, setBuyer] = useState<BuyerDetail | null>(null);
  const [notes, setNotes] = useState('');
  const [revealed, setRevealed] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    setBuyer(null);
    setRevealed(null);
    if (!buyerId) return;
    void buyersApi.get(shopId, buyerId).then((b) => { setBuyer(b); setNotes(b.notes); }).catch((err) => message.error(errorMessage(err)));
  }, [shopId, buyerId, message]);

  const save = async (body: Record<string, unknown>) => {
    if (!buyer) return;
    try {
      const b = await buyersApi.patch(shopId, buyer.id, body);
      setBuyer(b);
      setVersion((v) => v + 1);
      message.success(t('common.saved'));
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  return (
    <Drawer open={Boolean(buyerId)} onClose={onClose} width={640} title={buyer?.nickname ?? t('common.loading')} destroyOnHidden>
      {buyer && (
        <Space direction="vertical" style={{ width: '100%' }} size="middle" data-testid="buyer-drawer">
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('buyers.group')}>
              <Select size="small" style={{ width: 200 }} value={buyer.groupOverride ?? 'auto'} onChange={(v) => void save({ groupOverride: v === 'auto' ? null : v })}
                options={[{ value: 'auto', label: t('buyers.autoGroup', { group: t(`buyers.groups.${buyer.group}`) }) }, ...['inquirer', 'buyer', 'vip'].map((g) => ({ value: g, label: t(`buyers.groups.${g}`) }))]} />
            </Descriptions.Item>
            <Descriptions.Item label={t('buyers.phone')}>
              <Space>
                <span data-testid="buyer-phone">{revealed ?? buyer.phoneFull ?? buyer.phone ?? '—'}</span>
                {!buyer.phoneFull && buyer.phone && !revealed && (
                  <Button size="small" onClick={() => void buyersApi.reveal(shopId, buyer.id).then((r) => setRevealed(r.phone))}>{t('buyers.reveal')}</Button>
                )}
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t('buyers.tags')}>
              <Select mode="tags" size="small" style={{ width: '100%' }} value={buyer.tags} onChange={(v: string[]) => void save({ tags: v })} />
            </Descriptions.Item>
            <Descriptions.Item label={t('buyers.notes')}>
              <Space.Compact style={{ width: '100%' }}>
                <Input.TextArea autoSize value={notes} onChange={(e) => setNotes(e.target.value)} maxLength={2000} />
                <Button onClick={() => void save({ notes })}>{t('common.save')}</Button>
              </Space.Compact>
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5}>{t('buyers.profileTitle')}</Typography.Title>
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('buyers.temperament')}>
              <TraitEditor value={buyer.profile.temperament.value} options={TEMPERAMENTS} trait={buyer.profile.temperament} onChange={(v) => void save({ temperament: v })} />
            </Descriptions.Item>
            {DIMENSIONS.map(([dim, poles]) => (
              <Descriptions.Item key={dim} label={t(`buyers.dimensions.${dim}`)}>
                <TraitEditor value={buyer.profile.demands[dim]?.value ?? null} options={poles} trait={buyer.profile.demands[dim]} onChange={(v) => void save({ demands: { [dim]: v } })} />
              </Descriptions.Item>
            ))}
          </Descriptions>
          <BuyerPanel key={version} shopId={shopId} buyerId={buyer.id} />
        </Space>
      )}
    </Drawer>
  );
}

function TraitEditor({ value, options, trait, onChange }: { value: string | null; options: string[]; trait?: { confidence: number; evidence: string[]; source: string } | undefined; onChange(v: string | null): void }) {
  const { t } = useTranslation();
  return (
    <Space direction="vertical" size={2} style={{ width: '100%' }}>
      <Space>
        <Select size="small" style={{ width: 140 }} allowClear value={value ?? undefined} placeholder={t('buyers.unknown')} onChange={(v) => onChange(v ?? null)}
          options={options.map((o) => ({ value: o, label: t(`buyers.traits.${o}`) }))} />
        {trait && value && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{trait.source === 'manual' ? t('buyers.manual') : t('buyers.confidenceValue', { value: Math.round(trait.confidence * 100) })}</Typography.Text>}
      </Space>
      {trait?.source !== 'manual' && trait?.evidence.map((e) => <Typography.Text key={e} type="secondary" style={{ fontSize: 12 }}>“{e}”</Typography.Text>)}
    </Space>
  );
}
