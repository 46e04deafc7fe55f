import { ImportOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.js';
import { useAuth, useMe } from '../../auth/AuthContext.js';
import { ORDER_STATUS_IDS, ordersApi, STATUS_COLOR, type OrderDto } from './api.js';
import { ImportDialog } from './ImportDialog.js';
import { fmt, OrderDrawer } from './OrderDrawer.js';

/** 订单: list with status/search filters (receiver data masked), detail drawer, Taobao export import. */
export function OrdersPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { shop } = useAuth();
  const me = useMe();
  const [status, setStatus] = useState<string | undefined>();
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ orders: OrderDto[]; total: number }>({ orders: [], total: 0 });
  const [loading, setLoading] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const shopId = shop?.id;

  // Only the latest request may fill the table: a reload after an import must not overwrite a search typed meanwhile.
  const latest = useRef(0);
  const load = useCallback(async () => {
    if (!shopId) return;
    const n = ++latest.current;
    setLoading(true);
    try {
      const res = await ordersApi.list(shopId, { status, search: search.trim() || undefined, limit: 20, offset: (page - 1) * 20 });
      if (n === latest.current) setData(res);
    } catch (err) {
      if (n === latest.current) message.error(errorMessage(err));
    } finally {
      if (n === latest.current) setLoading(false);
    }
  }, [shopId, status, search, page, message]);
  useEffect(() => {
    void load();
  }, [load]);

  if (!shopId) return null;
  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('orders.title')}</Typography.Title>}
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => void load()} />
          <Button type="primary" icon={<ImportOutlined />} onClick={() => setImporting(true)} data-testid="open-import">{t('orders.import.button')}</Button>
        </Space>
      }
    >
      <Space style={{ marginBottom: 16 }} wrap>
        <Select allowClear placeholder={t('orders.status')} style={{ width: 140 }} value={status} onChange={(v) => { setStatus(v); setPage(1); }}
          options={ORDER_STATUS_IDS.map((s) => ({ value: s, label: t(`orders.statuses.${s}`) }))} />
        <Input.Search allowClear placeholder={t('orders.searchPlaceholder')} style={{ width: 280 }} onSearch={(v) => { setSearch(v); setPage(1); }} />
      </Space>
      <Table<OrderDto>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={data.orders}
        data-testid="orders-table"
        onRow={(r) => ({ onClick: () => setOpenId(r.id), style: { cursor: 'pointer' } })}
        pagination={{ current: page, pageSize: 20, total: data.total, onChange: setPage, showTotal: (n) => t('orders.total', { count: n }) }}
        columns={[
          { title: t('orders.externalId'), dataIndex: 'externalId' },
          { title: t('orders.buyer'), dataIndex: 'buyerNick' },
          { title: t('orders.items'), render: (_, r) => r.items.map((i) => i.title ?? i.sku).join('、') },
          { title: t('orders.amount'), dataIndex: 'amount', render: (v: number) => `¥${v.toFixed(2)}` },
          { title: t('orders.status'), dataIndex: 'status', render: (s: OrderDto['status'], r) => (<><Tag color={STATUS_COLOR[s]}>{t(`orders.statuses.${s}`)}</Tag>{r.refund !== 'none' && <Tag color="red">{t(`orders.refunds.${r.refund}`)}</Tag>}</>) },
          { title: t('orders.address'), dataIndex: 'addressText', render: (v: string | null) => v ?? '—' },
          { title: t('orders.createdAt'), dataIndex: 'createdAt', render: (v: number) => fmt(v) },
          { title: t('urging.next'), render: (_, r) => (r.urging?.nextDueAt ? fmt(r.urging.nextDueAt) : '—') },
        ]}
      />
      <OrderDrawer shopId={shopId} orderId={openId} onClose={() => setOpenId(null)} onChanged={() => void load()} />
      <ImportDialog shopId={shopId} csrf={me.csrfToken} open={importing} onClose={(changed) => { setImporting(false); if (changed) void load(); }} />
    </Card>
  );
}
