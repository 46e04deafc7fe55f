import { SearchOutlined } from '@ant-design/icons';
import type { ConversationDto, MessageDto } from '@kefu/contracts';
import { Avatar, Badge, Empty, Input, Segmented, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { memo, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { LIST_FILTERS, type ListFilter, isVip } from './logic.js';
import { formatWait, useClock, useToday, useUntil } from './time.js';

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

/** Rows rendered above and below the visible ones (scrolling a few rows never shows a gap). */
const OVERSCAN = 8;
/** Row height before the first row is measured (they all have the same height: one-line name and preview). */
const ROW_HEIGHT = 64;

/**
 * Left pane: filter tabs, search and the conversation rows with ticking wait timers. Memoised, and each row too: a
 * frame for one conversation re-renders that row only; the wait timers tick on their own (a text node per second).
 * The rows are windowed: only the visible ones (plus a margin) are in the DOM, so 500 or 2,000 open conversations
 * cost the page what a screenful does in layout, paint and hit testing.
 */
export const ConversationList = memo(function ConversationList(p: Props) {
  const { t } = useTranslation();
  const scroller = useRef<HTMLDivElement>(null);
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
      <div
        ref={scroller}
        style={{ flex: 1, overflowY: 'auto', contain: 'strict' }}
        role="listbox"
        aria-label={t('menu.workbench')}
        data-testid="conversation-list"
        data-total={p.items.length}
      >
        {p.items.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('workbench.noConversations')} style={{ marginTop: 48 }} />
        ) : (
          <Rows {...p} scroller={scroller} />
        )}
      </div>
    </div>
  );
});

/** The visible slice of the scroller: scroll position and height, updated at most once per frame. */
function useViewport(scroller: RefObject<HTMLDivElement | null>): { top: number; height: number } {
  const [view, setView] = useState({ top: 0, height: 800 });
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    let frame = 0;
    const read = () => {
      frame = 0;
      setView((v) => (v.top === el.scrollTop && v.height === el.clientHeight ? v : { top: el.scrollTop, height: el.clientHeight }));
    };
    const onScroll = () => {
      frame ||= requestAnimationFrame(read);
    };
    read();
    el.addEventListener('scroll', onScroll, { passive: true });
    const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(onScroll);
    ro?.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      ro?.disconnect();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [scroller]);
  return view;
}

function Rows(p: Props & { scroller: RefObject<HTMLDivElement | null> }) {
  // Rows show HH:mm for today and MM-DD before: they re-render at midnight, not every second.
  const today = useToday();
  const view = useViewport(p.scroller);
  const [rowHeight, setRowHeight] = useState(ROW_HEIGHT);
  const n = p.items.length;
  const start = Math.max(0, Math.floor(view.top / rowHeight) - OVERSCAN);
  const end = Math.min(n, Math.ceil((view.top + view.height) / rowHeight) + OVERSCAN);

  // Measure a real row once (fonts and antd sizes decide it), so the spacers match the rows they stand for.
  useLayoutEffect(() => {
    const row = p.scroller.current?.querySelector<HTMLElement>('[data-testid="conversation-row"]');
    const h = row?.offsetHeight;
    if (h && h !== rowHeight) setRowHeight(h);
  }, [p.scroller, rowHeight, n > 0]);

  // Keyboard moves (Alt+↑/↓, Alt+N) bring the selected row into view.
  const selectedIndex = p.selectedId ? p.items.findIndex((c) => c.id === p.selectedId) : -1;
  useLayoutEffect(() => {
    const el = p.scroller.current;
    if (!el || selectedIndex < 0) return;
    const top = selectedIndex * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
  }, [p.selectedId, p.scroller, rowHeight]);

  return (
    <>
      {start > 0 && <div style={{ height: start * rowHeight }} aria-hidden />}
      {p.items.slice(start, end).map((c) => (
        <Row
          key={c.id}
          c={c}
          selected={c.id === p.selectedId}
          onSelect={p.onSelect}
          today={today}
          last={p.lastMessage(c.id)}
          targetSec={p.targetSec}
        />
      ))}
      {end < n && <div style={{ height: (n - end) * rowHeight }} aria-hidden />}
    </>
  );
}

/** The ticking part of a row: only this text re-renders every second. */
function WaitText({ since }: { since: number }) {
  const { i18n } = useTranslation();
  return <>{formatWait(useClock() - since, i18n.language)}</>;
}

const Row = memo(function Row({ c, selected, onSelect, today, last, targetSec }: {
  c: ConversationDto;
  selected: boolean;
  onSelect(id: string): void;
  today: number;
  last: MessageDto | undefined;
  targetSec: number;
}) {
  const { t } = useTranslation();
  const since = c.waitingSince !== null && c.status !== 'closed' ? c.waitingSince : null;
  // Turns red once, when the wait passes the target (one re-render of the row then, no ticking before).
  const onTime = useUntil(since === null ? 0 : since + targetSec * 1000 + 1);
  const late = since !== null && !onTime;
  const time = c.lastMessageAt ?? c.createdAt;
  const sameDay = time >= today && time < today + 86_400_000;
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
            {dayjs(time).format(sameDay ? 'HH:mm' : 'MM-DD')}
          </Typography.Text>
        </div>
        <div style={{ display: 'flex', alignItems: 'center', gap: 4, marginTop: 2 }}>
          <Typography.Text type="secondary" ellipsis style={{ flex: 1, minWidth: 0, fontSize: 12 }}>
            {/* A no-break space keeps the line when there is no preview: every row has the same height (windowing). */}
            {preview || '\u00a0'}
          </Typography.Text>
          {scenario && <Tag style={{ marginInlineEnd: 0, fontSize: 11, lineHeight: '16px', padding: '0 4px' }}>{scenario}</Tag>}
          {since !== null && (
            <Tooltip title={<WaitTitle since={since} />}>
              <span data-testid="wait-timer" data-late={late} style={{ fontSize: 12, fontVariantNumeric: 'tabular-nums', color: late ? '#f5222d' : '#fa8c16', fontWeight: late ? 600 : 400, flex: '0 0 auto' }}>
                <WaitText since={since} />
              </span>
            </Tooltip>
          )}
        </div>
      </div>
    </div>
  );
});

/** The tooltip of a wait timer (rendered only while it is open). */
function WaitTitle({ since }: { since: number }) {
  const { t, i18n } = useTranslation();
  return <>{t('workbench.waiting', { time: formatWait(useClock() - since, i18n.language) })}</>;
}
