import { ExclamationCircleFilled, LoadingOutlined } from '@ant-design/icons';
import type { MessageDto } from '@kefu/contracts';
import { Button, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { memo, type CSSProperties, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { SafeText } from '../coach/SafeText.js';
import type { PendingMessage } from './store.js';

const bubble: CSSProperties = { maxWidth: '72%', padding: '8px 12px', borderRadius: 10, whiteSpace: 'pre-wrap', wordBreak: 'break-word', lineHeight: 1.6, fontSize: 14 };

/** The body of a message as React text; images only from our own /files/ path. */
function Body({ m }: { m: MessageDto }) {
  const p = m.payload as Record<string, unknown> | undefined;
  if (m.kind === 'image' && p && typeof p.url === 'string' && /^\/files\/[A-Za-z0-9_-]+$/.test(p.url)) {
    return (
      <a href={p.url} target="_blank" rel="noopener noreferrer">
        <img src={p.url} alt="" style={{ maxWidth: 220, maxHeight: 220, borderRadius: 6, display: 'block' }} />
      </a>
    );
  }
  if ((m.kind === 'product' || m.kind === 'order') && p) {
    const title = typeof p.title === 'string' ? p.title : typeof p.orderId === 'string' ? p.orderId : '';
    const amount = typeof p.price === 'number' ? p.price : typeof p.amount === 'number' ? p.amount : null;
    return (
      <div>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{m.kind === 'product' ? '商品' : '订单'}</Typography.Text>
        <div>{title}</div>
        {amount !== null && <div style={{ color: '#f5222d' }}>¥{amount.toFixed(2)}</div>}
        {m.text && <div>{m.text}</div>}
      </div>
    );
  }
  return m.sender === 'buyer' ? <SafeText text={m.text ?? ''} /> : <>{m.text ?? ''}</>;
}

/** antd's secondary text colour; a plain span here, since a history renders this line for every bubble. */
const metaStyle: CSSProperties = { color: 'rgba(0, 0, 0, 0.45)', fontSize: 12, marginBottom: 2, lineHeight: 1.5714 };

function Line({ side, meta, children }: { side: 'left' | 'right' | 'center'; meta: ReactNode; children: ReactNode }) {
  return (
    <div style={{ display: 'flex', flexDirection: 'column', alignItems: side === 'left' ? 'flex-start' : side === 'right' ? 'flex-end' : 'center', margin: '10px 0' }}>
      {meta !== null && <span style={metaStyle}>{meta}</span>}
      {children}
    </div>
  );
}

/** One stored message, styled by sender: buyer, agent, auto reply, internal note, system. */
export const MessageBubble = memo(function MessageBubble({ m, buyerName, agentName }: { m: MessageDto; buyerName: string; agentName(id?: string): string }) {
  const { t } = useTranslation();
  const time = dayjs(m.createdAt).format('HH:mm:ss');
  if (m.kind === 'note') {
    return (
      <Line side="right" meta={`${t('workbench.internalNote')} · ${agentName(m.agentId)} · ${time}`}>
        <div data-testid="msg-note" style={{ ...bubble, background: '#fffbe6', border: '1px dashed #faad14', color: '#614700' }}>
          <Body m={m} />
        </div>
      </Line>
    );
  }
  if (m.sender === 'system') {
    return (
      <Line side="center" meta={null}>
        <Typography.Text type="secondary" style={{ fontSize: 12, background: '#f0f0f0', padding: '2px 10px', borderRadius: 10 }} data-testid="msg-system">
          {m.text ?? ''} · {time}
        </Typography.Text>
      </Line>
    );
  }
  if (m.sender === 'buyer') {
    return (
      <Line side="left" meta={`${buyerName} · ${time}`}>
        <div data-testid="msg-buyer" style={{ ...bubble, background: '#fff', border: '1px solid #f0f0f0' }}>
          <Body m={m} />
        </div>
      </Line>
    );
  }
  if (m.sender === 'auto') {
    return (
      <Line side="right" meta={`${t('workbench.auto')} · ${time}`}>
        <div data-testid="msg-auto" style={{ ...bubble, background: '#f6f6f6', border: '1px solid #e8e8e8', color: '#595959' }}>
          <Body m={m} />
        </div>
      </Line>
    );
  }
  return (
    <Line side="right" meta={`${agentName(m.agentId)} · ${time}`}>
      <div data-testid="msg-agent" style={{ ...bubble, background: '#1677ff', color: '#fff' }}>
        <Body m={m} />
      </div>
    </Line>
  );
});

/** A send without ack: spinner while sending, retry when it failed. */
export function PendingBubble({ p, onRetry, onDiscard }: { p: PendingMessage; onRetry(): void; onDiscard(): void }) {
  const { t } = useTranslation();
  const note = p.kind === 'note';
  return (
    <Line side="right" meta={note ? t('workbench.internalNote') : t('workbench.you')}>
      <Space align="center" size={6} style={{ maxWidth: '80%' }} data-testid={p.status === 'failed' ? 'msg-failed' : 'msg-pending'}>
        {p.status === 'sending' ? (
          <LoadingOutlined style={{ color: '#8c8c8c' }} />
        ) : (
          <>
            <Button size="small" type="link" danger onClick={onDiscard} style={{ padding: 0 }}>
              {t('common.delete')}
            </Button>
            <Button size="small" danger icon={<ExclamationCircleFilled />} onClick={onRetry} title={p.error ?? t('workbench.failed')}>
              {t('workbench.retry')}
            </Button>
          </>
        )}
        <div style={{ ...bubble, maxWidth: '100%', background: note ? '#fffbe6' : '#91caff', color: note ? '#614700' : '#fff', opacity: 0.85, border: note ? '1px dashed #faad14' : undefined }}>
          {p.text}
        </div>
      </Space>
    </Line>
  );
}
