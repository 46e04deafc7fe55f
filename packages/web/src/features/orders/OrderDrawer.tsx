import { App, Button, Descriptions, Drawer, Form, Input, Popconfirm, Space, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.js';
import { ordersApi, STATUS_COLOR, type OrderDto, type OrderUrging } from './api.js';

export const fmt = (ms: number | null | undefined) => (ms ? dayjs(ms).format('YYYY-MM-DD HH:mm') : '—');

/** Order detail with actions: note (备注), change address or size/colour (before shipping), ship; urging plan. */
export function OrderDrawer({ shopId, orderId, onClose, onChanged }: { shopId: string; orderId: string | null; onClose(): void; onChanged?(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [order, setOrder] = useState<OrderDto | null>(null);
  const [urging, setUrging] = useState<OrderUrging | null>(null);
  const [note, setNote] = useState('');
  const [editing, setEditing] = useState<'address' | 'sku' | 'ship' | null>(null);
  const [form] = Form.useForm();

  const load = useCallback(async () => {
    if (!orderId) return;
    const r = await ordersApi.get(shopId, orderId);
    setOrder(r.order);
    setUrging(await ordersApi.urging(shopId, orderId));
  }, [shopId, orderId]);
  useEffect(() => {
    setOrder(null);
    void load().catch((err) => message.error(errorMessage(err)));
  }, [load, message]);

  const act = async (body: Record<string, unknown>) => {
    if (!order) return;
    try {
      const r = await ordersApi.action(shopId, order.id, body);
      setOrder(r.order);
      setEditing(null);
      setUrging(await ordersApi.urging(shopId, order.id));
      message.success(t('common.saved'));
      onChanged?.();
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  const can = (a: string) => Boolean(order?.allowed.includes(a));
  return (
    <Drawer open={Boolean(orderId)} onClose={onClose} width={560} title={order ? `${t('orders.order')} ${order.externalId}` : t('common.loading')} destroyOnHidden>
      {order && (
        <Space direction="vertical" style={{ width: '100%' }} size="large" data-testid="order-drawer">
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('orders.status')}>
              <Tag color={STATUS_COLOR[order.status]}>{t(`orders.statuses.${order.status}`)}</Tag>
              {order.refund !== 'none' && <Tag color="red">{t(`orders.refunds.${order.refund}`)}</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label={t('orders.buyer')}>{order.buyerNick}</Descriptions.Item>
            <Descriptions.Item label={t('orders.amount')}>¥{order.amount.toFixed(2)}</Descriptions.Item>
            <Descriptions.Item label={t('orders.items')}>
              {order.items.map((it, i) => (
                <div key={i}>
                  {it.title ?? it.sku} × {it.quantity} {it.spec ? Object.entries(it.spec).map(([k, v]) => `${k}:${v}`).join(' ') : ''}
                </div>
              ))}
            </Descriptions.Item>
            <Descriptions.Item label={t('orders.address')}>{order.address ? `${order.address.name} ${order.address.phone} ${order.addressText}` : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('orders.courier')}>{order.courier ? `${order.courier} ${order.trackingNo ?? ''}` : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('orders.createdAt')}>{fmt(order.createdAt)}</Descriptions.Item>
            <Descriptions.Item label={t('orders.paidAt')}>{fmt(order.paidAt)}</Descriptions.Item>
          </Descriptions>
          <Space wrap>
            {can('change_address') && <Button onClick={() => { form.setFieldsValue(order.address ?? {}); setEditing('address'); }}>{t('orders.actions.changeAddress')}</Button>}
            {can('change_sku') && <Button onClick={() => { form.setFieldsValue({ itemIndex: 0, sku: order.items[0]?.sku, spec: order.items[0]?.spec ? Object.entries(order.items[0].spec).map(([k, v]) => `${k}:${v}`).join(' ') : '' }); setEditing('sku'); }}>{t('orders.actions.changeSku')}</Button>}
            {can('ship') && <Button type="primary" onClick={() => { form.resetFields(); setEditing('ship'); }}>{t('orders.actions.ship')}</Button>}
            {can('pay') && <Popconfirm title={t('orders.actions.payConfirm')} onConfirm={() => act({ type: 'pay' })}><Button>{t('orders.actions.pay')}</Button></Popconfirm>}
            {can('close') && <Popconfirm title={t('orders.actions.closeConfirm')} onConfirm={() => act({ type: 'close', reason: 'seller_cancelled' })}><Button danger>{t('orders.actions.close')}</Button></Popconfirm>}
          </Space>
          {editing && (
            <Form form={form} layout="vertical" onFinish={(v: Record<string, string>) => {
              if (editing === 'address') void act({ type: 'change_address', address: { name: v.name, phone: v.phone, province: v.province, city: v.city, ...(v.district ? { district: v.district } : {}), detail: v.detail } });
              if (editing === 'ship') void act({ type: 'ship', ...(v.courier ? { courier: v.courier } : {}), ...(v.trackingNo ? { trackingNo: v.trackingNo } : {}) });
              if (editing === 'sku') {
                const spec = Object.fromEntries(String(v.spec ?? '').split(/\s+/).filter(Boolean).map((p) => p.split(/[:：]/) as [string, string]).filter((p) => p.length === 2));
                void act({ type: 'change_sku', itemIndex: 0, sku: v.sku, spec });
              }
            }}>
              {editing === 'address' && (['name', 'phone', 'province', 'city', 'district', 'detail'] as const).map((k) => (
                <Form.Item key={k} name={k} label={t(`orders.addressFields.${k}`)} rules={k === 'district' ? [] : [{ required: true }]}><Input /></Form.Item>
              ))}
              {editing === 'sku' && (<><Form.Item name="sku" label="SKU" rules={[{ required: true }]}><Input /></Form.Item><Form.Item name="spec" label={t('orders.spec')} extra={t('orders.specHint')}><Input /></Form.Item></>)}
              {editing === 'ship' && (<><Form.Item name="courier" label={t('orders.courier')}><Input /></Form.Item><Form.Item name="trackingNo" label={t('orders.trackingNo')}><Input /></Form.Item></>)}
              <Space><Button type="primary" htmlType="submit">{t('common.save')}</Button><Button onClick={() => setEditing(null)}>{t('common.cancel')}</Button></Space>
            </Form>
          )}
          <div>
            <Typography.Title level={5}>{t('orders.notes')}</Typography.Title>
            {order.notes.map((n, i) => (
              <div key={i}><Typography.Text type="secondary">{dayjs(n.at).format('MM-DD HH:mm')} {n.by}</Typography.Text> {n.text}</div>
            ))}
            <Space.Compact style={{ width: '100%', marginTop: 8 }}>
              <Input value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} placeholder={t('orders.notePlaceholder')} data-testid="order-note-input" />
              <Button disabled={!note.trim()} onClick={() => void act({ type: 'note', text: note }).then(() => setNote(''))}>{t('orders.actions.note')}</Button>
            </Space.Compact>
          </div>
          {urging && urging.status !== 'none' && <UrgingTimeline urging={urging} />}
        </Space>
      )}
    </Drawer>
  );
}

/** The reminder plan: each step's time, status and script; the next reminder first. */
export function UrgingTimeline({ urging }: { urging: OrderUrging }) {
  const { t } = useTranslation();
  return (
    <div data-testid="urging-timeline">
      <Typography.Title level={5}>
        {t('urging.plan')} <Tag>{t(`urging.planStatus.${urging.status}`, { defaultValue: urging.status })}</Tag>
      </Typography.Title>
      {urging.nextDueAt && <Typography.Paragraph>{t('urging.nextAt', { time: fmt(urging.nextDueAt) })}</Typography.Paragraph>}
      <Timeline
        items={urging.reminders.map((r) => ({
          color: r.status === 'sent' ? 'green' : r.status === 'pending' ? 'blue' : 'gray',
          children: `${fmt(Date.parse(r.sentAt ?? r.dueAt))} · ${t(`urging.reminderStatus.${r.status}`, { defaultValue: r.status })}${r.scriptTitle ? ` · ${r.scriptTitle}` : ''}${r.outcome ? ` · ${t(`urging.outcome.${r.outcome}`)}` : ''}`,
        }))}
      />
    </div>
  );
}
