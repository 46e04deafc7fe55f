import { SendOutlined, WarningOutlined } from '@ant-design/icons';
import { Button, Empty, Input, Segmented, Tag, Typography } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea.js';
import { forwardRef, useImperativeHandle, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { QuickReplyItem } from './api.js';
import { matchQuickReplies, slashQuery } from './logic.js';
import type { SendKind } from './store.js';
import { missingPlaceholders } from './variables.js';

export interface ComposerHandle {
  focus(): void;
  /** Inserts text at the caret (quick-reply panel). */
  insert(text: string): void;
  openPicker(): void;
}

interface Props {
  value: string;
  onChange(v: string): void;
  mode: SendKind;
  onMode(m: SendKind): void;
  onSend(text: string, kind: SendKind): void;
  onTyping(): void;
  disabled: boolean;
  quickReplies: QuickReplyItem[];
  fill(text: string): string;
  maxLength: number;
  /** Called on send with the text; false keeps the draft unsent (reply coach: blocking flags). */
  beforeSend?(text: string): boolean;
}

/**
 * Reply box: Enter sends, Shift+Enter breaks the line, `/` opens the quick-reply picker, note mode. Variables a quick
 * reply could not fill (`{订单号}` for a buyer without orders …) stay in the text, listed above it; the first is selected
 * so typing replaces it, and a reply still holding one is sent only on a second press.
 */
export const Composer = forwardRef<ComposerHandle, Props>(function Composer(p, ref) {
  const { t } = useTranslation();
  const area = useRef<TextAreaRef>(null);
  const [picker, setPicker] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const matches = useMemo(() => (picker ? matchQuickReplies(p.quickReplies, picker.query) : []), [picker, p.quickReplies]);
  const el = () => area.current?.resizableTextArea?.textArea ?? null;
  const note = p.mode === 'note';
  const unfilled = useMemo(() => (note ? [] : missingPlaceholders(p.value)), [note, p.value]);
  /** The draft as it was when a send was held back for unfilled variables: sending it unchanged goes through. */
  const [heldText, setHeldText] = useState<string | null>(null);
  const held = heldText !== null && heldText === p.value.trim() && unfilled.length > 0;

  /** Selects a range of the textarea; `later` waits a frame for a value just set through onChange to render. */
  function select(start: number, end: number, later = false) {
    const apply = () => {
      const ta = el();
      if (ta) {
        ta.focus();
        ta.setSelectionRange(start, end);
      }
    };
    if (later) requestAnimationFrame(apply);
    else apply();
  }

  function insertAt(text: string, from: number, to: number) {
    const next = p.value.slice(0, from) + text + p.value.slice(to);
    p.onChange(next);
    // Select the first placeholder the insert left open (typing replaces it), else put the caret after the text.
    const open = missingPlaceholders(text)[0];
    if (open) select(from + open.start, from + open.end, true);
    else select(from + text.length, from + text.length, true);
  }

  useImperativeHandle(ref, () => ({
    focus: () => el()?.focus(),
    insert(text) {
      const ta = el();
      const s = ta?.selectionStart ?? p.value.length;
      const e = ta?.selectionEnd ?? p.value.length;
      insertAt(p.fill(text), s, e);
    },
    openPicker() {
      const ta = el();
      const caret = ta?.selectionStart ?? p.value.length;
      const needsSpace = caret > 0 && !/\s/.test(p.value[caret - 1] ?? '');
      const ins = (needsSpace ? ' ' : '') + '/';
      insertAt(ins, caret, caret);
      setPicker({ start: caret + ins.length - 1, query: '' });
      setActive(0);
    },
  }));

  function choose(r: QuickReplyItem) {
    if (!picker) return;
    const end = picker.start + 1 + picker.query.length;
    insertAt(p.fill(r.text), picker.start, end);
    setPicker(null);
  }

  function send() {
    const text = p.value.trim();
    if (!text || p.disabled) return;
    const first = unfilled[0];
    if (first && heldText !== text) {
      setHeldText(text);
      select(first.start, first.end);
      return;
    }
    if (p.beforeSend && !p.beforeSend(text)) return;
    setHeldText(null);
    p.onSend(text, p.mode);
    p.onChange('');
  }

  return (
    <div style={{ borderTop: '1px solid #f0f0f0', background: note ? '#fffdf2' : '#fff', padding: '8px 12px 10px', position: 'relative' }}>
      {picker && (
        <div
          data-testid="quick-picker"
          role="listbox"
          style={{ position: 'absolute', bottom: '100%', left: 12, right: 12, maxHeight: 260, overflowY: 'auto', background: '#fff', border: '1px solid #d9d9d9', borderRadius: 8, boxShadow: '0 6px 16px rgba(0,0,0,0.08)', zIndex: 10 }}
        >
          {matches.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('workbench.quick.empty')} style={{ margin: '12px 0' }} />
          ) : (
            matches.map((r, i) => (
              <div
                key={r.id}
                role="option"
                aria-selected={i === active}
                onMouseDown={(e) => {
                  e.preventDefault();
                  choose(r);
                }}
                onMouseEnter={() => setActive(i)}
                style={{ padding: '6px 12px', cursor: 'pointer', background: i === active ? '#e6f4ff' : undefined }}
              >
                <Typography.Text strong style={{ fontSize: 13 }}>
                  {r.shortcut ? `/${r.shortcut} ` : ''}
                  {r.title}
                </Typography.Text>
                <div style={{ fontSize: 12, color: '#8c8c8c', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>{p.fill(r.text)}</div>
              </div>
            ))
          )}
          <div style={{ position: 'sticky', bottom: 0, padding: '4px 12px', fontSize: 12, color: '#8c8c8c', background: '#fff', borderTop: '1px solid #f0f0f0' }}>{t('workbench.quick.pickerHint')}</div>
        </div>
      )}
      {unfilled.length > 0 && (
        <div
          data-testid="composer-unfilled"
          data-held={held}
          role={held ? 'alert' : undefined}
          style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 4, marginBottom: 6, fontSize: 12, color: held ? '#cf1322' : '#d46b08' }}
        >
          <WarningOutlined />
          <span>{held ? t('workbench.quick.blocked') : t('workbench.quick.unfilled')}</span>
          {unfilled.map((v) => (
            <Tag
              key={v.name}
              color={held ? 'error' : 'warning'}
              data-testid="unfilled-var"
              style={{ cursor: 'pointer', marginInlineEnd: 0 }}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => select(v.start, v.end)}
            >
              {`{${v.name}}`}
            </Tag>
          ))}
        </div>
      )}
      <div style={{ display: 'flex', alignItems: 'center', marginBottom: 6, gap: 8 }}>
        <Segmented<SendKind>
          size="small"
          value={p.mode}
          onChange={p.onMode}
          data-testid="composer-mode"
          options={[
            { value: 'text', label: t('workbench.replyMode') },
            { value: 'note', label: t('workbench.noteMode') },
          ]}
        />
        <div style={{ flex: 1 }} />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {p.value.length}/{p.maxLength}
        </Typography.Text>
      </div>
      <div style={{ display: 'flex', gap: 8, alignItems: 'flex-end' }}>
        <Input.TextArea
          ref={area}
          data-testid="composer-input"
          value={p.value}
          disabled={p.disabled}
          maxLength={p.maxLength}
          autoSize={{ minRows: 2, maxRows: 6 }}
          placeholder={note ? t('workbench.notePlaceholder') : t('workbench.inputPlaceholder')}
          style={note ? { background: '#fffbe6', borderColor: '#ffe58f' } : undefined}
          onChange={(e) => {
            p.onChange(e.target.value);
            p.onTyping();
            const q = slashQuery(e.target.value, e.target.selectionStart);
            setPicker(q);
            if (q && q.query !== picker?.query) setActive(0);
          }}
          onBlur={() => setTimeout(() => setPicker(null), 150)}
          onKeyDown={(e) => {
            if (picker && matches.length > 0) {
              if (e.key === 'ArrowDown') {
                e.preventDefault();
                setActive((a) => (a + 1) % matches.length);
                return;
              }
              if (e.key === 'ArrowUp') {
                e.preventDefault();
                setActive((a) => (a - 1 + matches.length) % matches.length);
                return;
              }
              if (e.key === 'Enter' || e.key === 'Tab') {
                e.preventDefault();
                const r = matches[active];
                if (r) choose(r);
                return;
              }
            }
            if (picker && e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              setPicker(null);
              return;
            }
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              // IME composition (pinyin) uses Enter to confirm characters: never send then.
              e.preventDefault();
              send();
            }
          }}
        />
        <Button type="primary" icon={<SendOutlined />} onClick={send} disabled={p.disabled || !p.value.trim()} data-testid="composer-send" style={note ? { background: '#faad14', borderColor: '#faad14' } : undefined}>
          {t('workbench.send')}
        </Button>
      </div>
    </div>
  );
});
