import { App, Button, Collapse, Descriptions, Empty, List, Progress, Space, Spin, Tag, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../api/client.js';
import { buyersApi, GROUP_COLOR, STATUS_COLOR, type BuyerDetail, type OrderDto } from '../orders/api.js';
import { fmt, OrderDrawer } from '../orders/OrderDrawer.js';

/**
 * The buyer panel of the workbench: group, profile summary with the strategies to use, orders with
 * status and actions, the urging state (next reminder time) and, when the latest order was just paid,
 * the after-payment quick replies (confirm address and courier, review, favourite).
 * `onInsert` puts a text into the composer; with `conversationId` an order card can be sent.
 */
export function BuyerPanel({ shopId, buyerId, conversationId, onInsert }: { shopId: string; buyerId: string | null; conversationId?: string | null; onInsert?(text: string): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [buyer, setBuyer] = useState<BuyerDetail | null>(null);
  const [loading, setLoading] = useState(false);
  const [orderId, setOrderId] = useState<string | null>(null);

  const load = useCallback(async () => {
    if (!buyerId) return;
    setLoading(true);
    try {
      setBuyer(await buyersApi.get(shopId, buyerId));
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setLoading(false);
    }
  }, [shopId, buyerId, message]);
  useEffect(() => {
    setBuyer(null);
    void load();
  }, [load]);

  const sendCard = async (o: OrderDto) => {
    if (!conversationId) return;
    try {
      await api.post(`/api/shops/${encodeURIComponent(shopId)}/conversations/${encodeURIComponent(conversationId)}/messages`, {
        clientId: `order_${o.id}_${Date.now()}`.slice(0, 64),
        kind: 'order',
        payload: { orderId: o.externalId, status: o.statusZh, amount: o.amount, itemCount: o.itemCount, title: o.items[0]?.title ?? o.items[0]?.sku, createdAt: o.createdAt },
      });
      message.success(t('buyers.panel.cardSent'));
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  if (!buyerId) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('buyers.panel.none')} />;
  if (!buyer) return <div style={{ padding: 24, textAlign: 'center' }}>{loading ? <Spin /> : null}</div>;
  const unpaid = buyer.orders.filter((o) => o.status === 'unpaid' && o.urging);
  return (
    <div data-testid="buyer-panel-commerce" style={{ padding: 12 }}>
      <Space style={{ marginBottom: 8 }} wrap>
        <Typography.Text strong>{buyer.nickname}</Typography.Text>
        <Tag color={GROUP_COLOR[buyer.group]} data-testid="buyer-group">{t(`buyers.groups.${buyer.group}`)}</Tag>
        {buyer.groupOverride && <Tag>{t('buyers.manual')}</Tag>}
        {buyer.tags.map((tag) => <Tag key={tag}>{tag}</Tag>)}
      </Space>
      <Descriptions size="small" column={1} colon={false} styles={{ label: { color: '#8c8c8c', minWidth: 80, whiteSpace: 'nowrap', paddingInlineEnd: 12 } }}>
        <Descriptions.Item label={t('buyers.phone')}>{buyer.phoneFull ?? buyer.phone ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('buyers.paid')}>{t('buyers.paidSummary', { orders: buyer.paidOrders, amount: buyer.paidAmount.toFixed(2) })}</Descriptions.Item>
        <Descriptions.Item label={t('buyers.temperament')}>{buyer.profile.temperament.value ? t(`buyers.traits.${buyer.profile.temperament.value}`) : '—'}</Descriptions.Item>
      </Descriptions>
      {unpaid.map((o) => (
        <div key={o.id} data-testid="urging-state" style={{ background: '#fff7e6', border: '1px solid #ffd591', borderRadius: 6, padding: 8, margin: '8px 0' }}>
          <Typography.Text strong>{t('urging.title')}</Typography.Text> · {o.externalId}
          <div data-testid="next-reminder">{o.urging?.nextDueAt ? t('urging.nextAt', { time: fmt(o.urging.nextDueAt) }) : t(`urging.planStatus.${o.urging?.status ?? 'none'}`, { defaultValue: o.urging?.status })}</div>
          <Typography.Text type="secondary">{t('urging.sentCount', { count: o.urging?.sent ?? 0 })}</Typography.Text>
        </div>
      ))}
      {buyer.afterPayment && (
        <div data-testid="after-payment" style={{ background: '#f6ffed', border: '1px solid #b7eb8f', borderRadius: 6, padding: 8, margin: '8px 0' }}>
          <Typography.Text strong>{t('buyers.panel.afterPayment')}</Typography.Text>
          <List
            size="small"
            dataSource={buyer.afterPayment.replies}
            renderItem={(r) => (
              <List.Item actions={onInsert ? [<a key="use" onClick={() => onInsert(r.text)}>{t('buyers.panel.use')}</a>] : []}>
                <Typography.Text style={{ fontSize: 12 }}>{r.text}</Typography.Text>
              </List.Item>
            )}
          />
        </div>
      )}
      <Collapse
        size="small"
        ghost
        defaultActiveKey={['orders', 'strategies']}
        items={[
          {
            key: 'orders',
            label: t('buyers.orders', { count: buyer.orders.length }),
            children: buyer.orders.length ? (
              <List
                size="small"
                dataSource={buyer.orders}
                renderItem={(o) => (
                  // Actions under the order, not beside it: the side panel of the workbench is 300 px wide.
                  <List.Item style={{ display: 'block' }}>
                    <Space direction="vertical" size={0} style={{ width: '100%' }}>
                      <span><Tag color={STATUS_COLOR[o.status]}>{t(`orders.statuses.${o.status}`)}</Tag>¥{o.amount.toFixed(2)}</span>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>{o.items.map((i) => i.title ?? i.sku).join('、')} · {fmt(o.createdAt)}</Typography.Text>
                      <Space size={12} style={{ fontSize: 12 }}>
                        <a onClick={() => setOrderId(o.id)}>{t('buyers.panel.manage')}</a>
                        {conversationId && <a onClick={() => void sendCard(o)}>{t('buyers.panel.sendCard')}</a>}
                      </Space>
                    </Space>
                  </List.Item>
                )}
              />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('buyers.noOrders')} />
            ),
          },
          {
            key: 'strategies',
            label: t('buyers.strategies'),
            children: buyer.strategies.length ? (
              <List
                size="small"
                dataSource={buyer.strategies}
                renderItem={(s) => (
                  <List.Item>
                    <Space direction="vertical" size={2} style={{ width: '100%' }}>
                      <Space>
                        <Tag color="purple">{t(`buyers.traits.${s.id}`, { defaultValue: s.zh })}</Tag>
                        <Tooltip title={t('buyers.confidence')}><Progress percent={Math.round(s.confidence * 100)} size="small" style={{ width: 80 }} /></Tooltip>
                      </Space>
                      {/* The seeds' advice is written in Chinese in core; the English UI has its own copy (i18n/content.en.ts). */}
                      <Typography.Text style={{ fontSize: 12 }}>{t(`content.strategies.${s.id}`, { defaultValue: s.strategy })}</Typography.Text>
                      {s.evidence.map((e) => <Typography.Text key={e} type="secondary" style={{ fontSize: 12 }}>“{e}”</Typography.Text>)}
                    </Space>
                  </List.Item>
                )}
              />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('buyers.noStrategies')} />
            ),
          },
        ]}
      />
      <Button size="small" onClick={() => void buyersApi.estimate(shopId, buyer.id).then(setBuyer)}>{t('buyers.reestimate')}</Button>
      <OrderDrawer shopId={shopId} orderId={orderId} onClose={() => setOrderId(null)} onChanged={() => void load()} />
    </div>
  );
}
