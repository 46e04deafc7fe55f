import { SearchOutlined } from '@ant-design/icons';
import type { ConversationDto, MessageDto } from '@kefu/contracts';
import { Avatar, Badge, Empty, Input, Segmented, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { LIST_FILTERS, type ListFilter, isVip } from './logic.js';
import { formatWait, useNow } from './time.js';

interface Props {
  filter: ListFilter;
  onFilter(f: ListFilter): void;
  counts: Record<ListFilter, number>;
  items: ConversationDto[];
  selectedId: string | null;
  onSelect(id: string): void;
  search: string;
  onSearch(s: string): void;
  lastMessage(id: string): MessageDto | undefined;
  targetSec: number;
}

/** Left pane: filter tabs, search and the conversation rows with ticking wait timers. */
export function ConversationList(p: Props) {
  const { t } = useTranslation();
  return (
    <div style={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0 }}>
      <div style={{ padding: '12px 12px 8px', borderBottom: '1px solid #f0f0f0' }}>
        <Segmented<ListFilter>
          block
          size="small"
          className="kefu-filters"
          data-testid="conversation-filters"
          value={p.filter}
          onChange={p.onFilter}
          options={LIST_FILTERS.map((f) => ({
            value: f,
            label: (
              <span style={{ whiteSpace: 'nowrap' }}>
                {t(`workbench.filters.${f}`)}
                {f !== 'closed' && p.counts[f] > 0 ? ` ${p.counts[f]}` : ''}
              </span>
            ),
          }))}
        />
        <Input
          size="small"
          allowClear
          prefix={<SearchOutlined style={{ color: '#bfbfbf' }} />}
          placeholder={t('workbench.searchPlaceholder')}
          value={p.search}
          onChange={(e) => p.onSearch(e.target.value)}
          style={{ marginTop: 8 }}
        />
      </div>
      <div style={{ flex: 1, overflowY: 'auto' }} role="listbox" aria-label={t('menu.workbench')} data-testid="conversation-list">
        {p.items.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('workbench.noConversations')} style={{ marginTop: 48 }} />
        ) : (
          <Rows {...p} />
        )}
      </div>
    </div>
  );
}

function Rows(p: Props) {
  const now = useNow(1000);
  return (
    <>
      {p.items.map((c) => (
        <Row key={c.id} c={c} selected={c.id === p.selectedId} onSelect={p.onSelect} now={now} last={p.lastMessage(c.id)} targetSec={p.targetSec} />
      ))}
    </>
  );
}

const Row = memo(function Row({ c, selected, onSelect, now, last, targetSec }: { c: ConversationDto; selected: boolean; onSelect(id: string): void; now: number; last: MessageDto | undefined; targetSec: number }) {
  const { t, i18n } = useTranslation();
  const waitMs = c.waitingSince !== null && c.status !== 'closed' ? now - c.waitingSince : null;
  const late = waitMs !== null && waitMs > targetSec * 1000;
  const time = c.lastMessageAt ?? c.createdAt;
  const preview = last ? (last.kind === 'note' ? `[${t('workbench.internalNote')}] ${last.text ?? ''}` : (last.text ?? `[${last.kind}]`)) : '';
  const scenario = c.scenario ? t(`scenarios.${c.scenario}`, { defaultValue: '' }) : '';
  return (
    <div
      role="option"
      aria-selected={selected}
      data-testid="conversation-row"
      data-conversation-id={c.id}
      onClick={() => onSelect(c.id)}
      style={{
        display: 'flex', gap: 10, padding: '10px 12px', cursor: 'pointer', borderBottom: '1px solid #f5f5f5',
        background: selected ? '#e6f4ff' : undefined, borderInlineStart: `3px solid ${selected ? '#1677ff' : 'transparent'}`,
      }}
    >
      <Badge count={c.unread} size="small" offset={[-2, 2]}>
        <Avatar style={{ background: c.status === 'closed' ? '#bfbfbf' : '#87a9d8', flex: '0 0 auto' }}>{c.buyer.nickname.slice(0, 1)}</Avatar>
      </Badge>
      <div style={{ flex: 1, minWidth: 0 }}>
        <div style={{ display: 'flex', alignItems: 'center', gap: 4 }}>
          <Typography.Text strong ellipsis style={{ flex: 1, minWidth: 0 }}>
            {c.buyer.nickname}
          </Typography.Text>
          {isVip(c) && <Tag color="gold" style={{ marginInlineEnd: 0, fontSize: 11, lineHeight: '16px', padding: '0 4px' }}>{t('workbench.vip')}</Tag>}
          <Typography.Text type="secondary" style={{ fontSize: 12, flex: '0 0 auto' }}>
            {dayjs(time).isSame(now, 'day') ? dayjs(time).format('HH:mm') : dayjs(time).format('MM-DD')}
          </Typography.Text>
        </div>
        <div style={{ display: 'flex', alignItems: 'center', gap: 4, marginTop: 2 }}>
          <Typography.Text type="secondary" ellipsis style={{ flex: 1, minWidth: 0, fontSize: 12 }}>
            {preview}
          </Typography.Text>
          {scenario && <Tag style={{ marginInlineEnd: 0, fontSize: 11, lineHeight: '16px', padding: '0 4px' }}>{scenario}</Tag>}
          {waitMs !== null && (
            <Tooltip title={t('workbench.waiting', { time: formatWait(waitMs, i18n.language) })}>
              <span data-testid="wait-timer" data-late={late} style={{ fontSize: 12, fontVariantNumeric: 'tabular-nums', color: late ? '#f5222d' : '#fa8c16', fontWeight: late ? 600 : 400, flex: '0 0 auto' }}>
                {formatWait(waitMs, i18n.language)}
              </span>
            </Tooltip>
          )}
        </div>
      </div>
    </div>
  );
});
