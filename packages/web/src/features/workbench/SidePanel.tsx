import { SearchOutlined } from '@ant-design/icons';
import type { ConversationDto } from '@kefu/contracts';
import { Button, Descriptions, Empty, Input, List, Tabs, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { QuickReplyItem } from './api.js';
import { isVip } from './logic.js';
import { BuyerPanel as BuyerProfilePanel } from '../buyers/BuyerPanel.js';

/** Right pane: buyer sections and the quick-reply library. */
export function SidePanel({ conversation, quickReplies, quickError, onInsert, shopName }: {
  conversation: ConversationDto | null;
  quickReplies: QuickReplyItem[];
  quickError: string | null;
  onInsert(text: string): void;
  shopName: string;
}) {
  const { t } = useTranslation();
  return (
    <Tabs
      defaultActiveKey="buyer"
      size="small"
      style={{ height: '100%' }}
      tabBarStyle={{ padding: '0 12px', marginBottom: 0 }}
      items={[
        { key: 'buyer', label: t('workbench.buyer.title'), children: <BuyerPanel conversation={conversation} shopName={shopName} onInsert={onInsert} /> },
        { key: 'quick', label: t('workbench.quick.title'), children: <QuickReplyPanel items={quickReplies} error={quickError} onInsert={onInsert} disabled={!conversation} /> },
      ]}
    />
  );
}

function BuyerPanel({ conversation: c, shopName, onInsert }: { conversation: ConversationDto | null; shopName: string; onInsert(text: string): void }) {
  const { t } = useTranslation();
  if (!c) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('workbench.pickConversation')} style={{ marginTop: 48 }} />;
  return (
    <div style={{ overflowY: 'auto', height: '100%', padding: 12 }} data-testid="buyer-panel">
      <Descriptions className="kefu-buyer-desc" size="small" column={1} colon={false} styles={{ label: { color: '#8c8c8c' } }}>
        <Descriptions.Item label={t('workbench.buyer.nickname')}>
          <Typography.Text strong>{c.buyer.nickname}</Typography.Text>
          {isVip(c) && <Tag color="gold" style={{ marginInlineStart: 6 }}>{t('workbench.vip')}</Tag>}
        </Descriptions.Item>
        <Descriptions.Item label={t('workbench.buyer.channel')}>{shopName}</Descriptions.Item>
        <Descriptions.Item label={t('workbench.buyer.firstSeen')}>{dayjs(c.createdAt).format('YYYY-MM-DD HH:mm')}</Descriptions.Item>
      </Descriptions>
      {/* Profile, group, temperament, orders with actions, urging state and after-payment prompts. */}
      <BuyerProfilePanel shopId={c.shopId} buyerId={c.buyer.id} conversationId={c.id} onInsert={onInsert} />
    </div>
  );
}

function QuickReplyPanel({ items, error, onInsert, disabled }: { items: QuickReplyItem[]; error: string | null; onInsert(text: string): void; disabled: boolean }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const shown = useMemo(() => {
    const s = q.trim().toLowerCase();
    return s ? items.filter((r) => r.title.toLowerCase().includes(s) || r.text.toLowerCase().includes(s) || r.shortcut?.toLowerCase().includes(s)) : items;
  }, [items, q]);
  return (
    <div style={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0 }} data-testid="quick-panel">
      <div style={{ padding: 12 }}>
        <Input size="small" allowClear prefix={<SearchOutlined style={{ color: '#bfbfbf' }} />} placeholder={t('workbench.quick.search')} value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      <div style={{ flex: 1, overflowY: 'auto', padding: '0 12px 12px' }}>
        {shown.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={<span style={{ fontSize: 12 }}>{error ?? t('workbench.quick.empty')}</span>} />
        ) : (
          <List
            size="small"
            dataSource={shown}
            renderItem={(r) => (
              <List.Item style={{ padding: '8px 0', display: 'block' }}>
                <div style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
                  <Typography.Text strong ellipsis style={{ flex: 1, minWidth: 0, fontSize: 13 }}>{r.title}</Typography.Text>
                  {r.shortcut && <Tag style={{ marginInlineEnd: 0 }}>/{r.shortcut}</Tag>}
                  <Button size="small" type="link" disabled={disabled} onClick={() => onInsert(r.text)} style={{ padding: 0 }}>
                    {t('workbench.quick.insert')}
                  </Button>
                </div>
                <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ fontSize: 12, margin: 0 }}>{r.text}</Typography.Paragraph>
              </List.Item>
            )}
          />
        )}
      </div>
    </div>
  );
}
