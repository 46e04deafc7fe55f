import type { MessageDto, Platform, WidgetBootstrapDto } from '@kefu/contracts';
import { renderSafeSegments, screenBuyerMessage } from '@kefu/core';
import { BuyerSocket } from './socket.js';
import { MessageStore, newAnonId, newClientId, parentOriginOf, type PendingSend, safeImageUrl, safeLink } from './store.js';
import './style.css';

// The buyer chat app inside the widget iframe. Every buyer/agent text goes through textContent, never innerHTML.
const PROTOCOL = 1;
const EMOJIS = ['😀', '😊', '😂', '🥰', '😘', '🤔', '😅', '😭', '😡', '👍', '👌', '🙏', '👏', '💪', '🌹', '🎉', '❤️', '💔', '🤝', '😳', '😴', '🙂', '🤗', '👀'];

const params = new URLSearchParams(location.search);
const shopKey = params.get('key') ?? '';
const parentOrigin = window.parent !== window ? parentOriginOf(params.get('parent')) : null;

const store = new MessageStore();
let token = '';
let visible = window.parent === window;
let unread = 0;
let socket: BuyerSocket | null = null;
let typingTimer: ReturnType<typeof setTimeout> | null = null;
let lastTypingSent = 0;
let historyDone = false;

// ---- DOM ---------------------------------------------------------------------------------------

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

const root = document.getElementById('kefu-app')!;
const head = el('div', 'kf-head');
const titleBox = el('div', 'kf-title');
const title = el('div', undefined, '在线客服');
const sub = el('div', 'kf-sub', '连接中…');
titleBox.append(title, sub);
const closeBtn = el('button', undefined, '×');
closeBtn.setAttribute('aria-label', '关闭');
head.append(titleBox, closeBtn);
const notice = el('div', 'kf-notice');
const list = el('div', 'kf-list');
list.setAttribute('role', 'log');
list.dataset.testid = 'kf-list';
const more = el('button', 'kf-more', '查看更早的消息');
const typing = el('div', 'kf-typing');
const emojiBox = el('div', 'kf-emoji');
const bar = el('div', 'kf-bar');
const emojiBtn = el('button', undefined, '😊');
emojiBtn.setAttribute('aria-label', '表情');
const imgBtn = el('button', undefined, '🖼️');
imgBtn.setAttribute('aria-label', '发送图片');
const fileInput = el('input');
fileInput.type = 'file';
fileInput.accept = 'image/png,image/jpeg,image/gif,image/webp';
fileInput.hidden = true;
const input = el('textarea');
input.rows = 1;
input.placeholder = '请输入您的问题…';
input.maxLength = 2000;
input.dataset.testid = 'kf-input';
const sendBtn = el('button', 'kf-send', '发送');
sendBtn.dataset.testid = 'kf-send';
bar.append(emojiBtn, imgBtn, fileInput, input, sendBtn);
for (const e of EMOJIS) {
  const b = el('button', undefined, e);
  b.type = 'button';
  b.addEventListener('click', () => {
    input.value += e;
    input.focus();
  });
  emojiBox.append(b);
}
root.append(head, notice, list, typing, emojiBox, bar);
if (!parentOrigin) closeBtn.hidden = true;

// ---- parent (loader) protocol ------------------------------------------------------------------

function toParent(type: string, extra: Record<string, unknown> = {}): void {
  if (parentOrigin) window.parent.postMessage({ kefu: PROTOCOL, type, ...extra }, parentOrigin);
}

window.addEventListener('message', (e: MessageEvent) => {
  if (!parentOrigin || e.origin !== parentOrigin || e.source !== window.parent) return;
  const d = e.data as { kefu?: number; type?: string; buyer?: { id?: string; sig?: string; name?: string } } | null;
  if (!d || d.kefu !== PROTOCOL) return;
  if (d.type === 'init') void start(d.buyer);
  else if (d.type === 'open') {
    visible = true;
    setUnread(0);
    markRead();
    input.focus();
    scrollDown();
  } else if (d.type === 'hide') visible = false;
});

function setUnread(n: number): void {
  unread = n;
  toParent('unread', { count: n });
}

closeBtn.addEventListener('click', () => toParent('close'));

// ---- rendering ---------------------------------------------------------------------------------

const rows = new Map<string, HTMLElement>(); // by message id or pending clientId

function who(m: MessageDto): string {
  if (m.sender === 'auto') return '自动回复';
  if (m.sender === 'agent') return '客服';
  return '';
}

function renderBody(bubble: HTMLElement, kind: string, text: string | undefined, payload: any): void {
  if (kind === 'image') {
    const src = safeImageUrl(payload?.url);
    if (src) {
      const img = el('img');
      img.src = src;
      img.alt = '图片';
      img.loading = 'lazy';
      bubble.append(img);
    } else bubble.append(el('span', undefined, '[图片]'));
  } else if (kind === 'product') {
    bubble.classList.add('kf-card');
    bubble.append(el('div', 'kf-card-title', String(payload?.title ?? '商品')), el('div', 'kf-price', `¥ ${Number(payload?.price ?? 0).toFixed(2)}`));
    const href = safeLink(payload?.url);
    if (href) {
      const a = el('a', undefined, '查看商品');
      a.href = href;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      bubble.append(a);
    }
  } else if (kind === 'order') {
    bubble.classList.add('kf-card');
    bubble.append(
      el('div', 'kf-card-title', `订单 ${String(payload?.orderId ?? '')}`),
      el('div', undefined, `状态：${String(payload?.status ?? '')}`),
      el('div', 'kf-price', `实付 ¥ ${Number(payload?.amount ?? 0).toFixed(2)}`),
    );
  }
  if (text) bubble.append(safeText(text));
}

let shopPlatform: Platform = 'web';
/** Message text as text nodes; links outside the shop's platform are marked disarmed (never clickable, never HTML). */
function safeText(text: string): HTMLElement {
  const div = el('div');
  for (const s of renderSafeSegments(text, screenBuyerMessage({ text, platform: shopPlatform }))) {
    if (s.kind !== 'disarmed-link') {
      div.append(document.createTextNode(s.text));
      continue;
    }
    const d = el('span', 'kf-disarmed', `⚠${s.text}`);
    d.title = '非本平台链接，为了您的账户安全已停用，请勿打开';
    div.append(d);
  }
  return div;
}

function rowFor(sender: string, kind: string, text: string | undefined, payload: unknown, label: string): HTMLElement {
  const row = el('div', `kf-row ${sender === 'buyer' ? 'buyer' : sender === 'system' ? 'system' : 'them'}`);
  // Stable hooks for tests: kf-msg-buyer / kf-msg-agent / kf-msg-auto / kf-msg-system.
  row.dataset.testid = `kf-msg-${sender}`;
  const bubble = el('div', 'kf-bubble');
  if (label) bubble.append(el('div', 'kf-who', label));
  renderBody(bubble, kind, text, payload);
  row.append(bubble);
  return row;
}

function renderAll(): void {
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren();
  if (!historyDone && store.minSeq > 1) list.append(more);
  for (const m of store.list()) {
    let row = rows.get(m.id);
    if (!row) {
      row = rowFor(m.sender, m.kind, m.text, m.payload, who(m));
      rows.set(m.id, row);
    }
    list.append(row);
  }
  for (const p of store.pending()) {
    const row = rowFor('buyer', p.kind, p.text, p.payload, '');
    row.classList.add(p.failed ? 'failed' : 'pending');
    if (p.failed) row.title = p.failed;
    list.append(row);
  }
  if (atBottom) scrollDown();
}

function scrollDown(): void {
  list.scrollTop = list.scrollHeight;
}

function showConversation(c: { status: string; agent: { displayName: string } | null; queuePosition: number | null } | null): void {
  if (!c) return;
  if (c.status === 'waiting') notice.textContent = queueText(c.queuePosition);
  else notice.textContent = '';
  sub.textContent = c.status === 'assigned' && c.agent ? `客服 ${c.agent.displayName} 为您服务` : c.status === 'closed' ? '会话已结束，发消息可再次咨询' : c.status === 'waiting' ? '排队中' : '在线';
}

function queueText(position: number | null): string {
  if (!position || position <= 1) return '客服马上就来，您是下一位～';
  return `当前咨询人数较多，您前面还有 ${position - 1} 位买家，请稍候～`;
}

// ---- conversation ------------------------------------------------------------------------------

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(path, { ...init, headers: { ...(init.headers ?? {}), ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  const body = (await res.json().catch(() => null)) as any;
  if (!res.ok) throw new Error(body?.error?.message ?? `请求失败（${res.status}）`);
  return body as T;
}

function anonId(): string {
  const k = `kefu.anon.${shopKey}`;
  try {
    const have = localStorage.getItem(k);
    if (have && /^[A-Za-z0-9_-]{8,64}$/.test(have)) return have;
    const id = newAnonId();
    localStorage.setItem(k, id);
    return id;
  } catch {
    return newAnonId(); // storage blocked (third-party context): a session-only identity
  }
}

let started = false;
async function start(buyer?: { id?: string; sig?: string; name?: string }): Promise<void> {
  if (started) return;
  started = true;
  try {
    const body = buyer?.id && buyer.sig ? { publicKey: shopKey, buyerId: buyer.id, buyerSig: buyer.sig, ...(buyer.name ? { nickname: buyer.name.slice(0, 40) } : {}) } : { publicKey: shopKey, anonId: anonId() };
    const boot = await api<WidgetBootstrapDto>('/api/widget/bootstrap', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    token = boot.buyerToken;
    title.textContent = boot.shop.name;
    shopPlatform = boot.shop.platform;
    sub.textContent = boot.shop.openNow ? (boot.shop.online ? '在线' : '客服暂时不在，可以先留言') : '非工作时间，可以先留言';
    showConversation(boot.conversation);
    await loadHistory();
    socket = new BuyerSocket(() => `${location.origin.replace(/^http/, 'ws')}${boot.wsPath}?token=${encodeURIComponent(token)}`, {
      onOpen: () => {
        socket!.send({ type: 'hello', v: PROTOCOL, ...(store.resume() ? { resume: store.resume() } : {}) });
        for (const p of store.pending()) if (!p.failed) sendFrame(p);
      },
      onFrame,
      onState: (s) => {
        if (s === 'offline') sub.textContent = '网络断开，正在重连…';
      },
    });
    socket.connect();
  } catch (err) {
    sub.textContent = err instanceof Error ? err.message : '加载失败';
    started = false;
  }
}

async function loadHistory(): Promise<void> {
  const before = store.minSeq > 1 ? `&beforeSeq=${store.minSeq}` : '';
  const h = await api<{ messages: MessageDto[] }>(`/api/widget/messages?limit=30${before}`);
  for (const m of h.messages) store.add(m);
  if (h.messages.length < 30) historyDone = true;
  renderAll();
}
more.addEventListener('click', () => void loadHistory());

function onFrame(f: any): void {
  switch (f.type) {
    case 'welcome':
      if (f.conversation) showConversation(f.conversation);
      break;
    case 'message': {
      const m = f.message as MessageDto;
      if (!store.add(m)) break;
      renderAll();
      if (m.sender !== 'buyer') {
        typing.textContent = '';
        if (visible) markRead();
        else setUnread(unread + 1);
      }
      break;
    }
    case 'ack':
      store.ack(f.clientId);
      store.conversationId ??= f.conversationId;
      renderAll();
      break;
    case 'conversation':
      showConversation(f.conversation);
      break;
    case 'queue':
      notice.textContent = queueText(f.position);
      break;
    case 'typing':
      if (f.from === 'agent') {
        typing.textContent = f.on ? '客服正在输入…' : '';
        if (typingTimer) clearTimeout(typingTimer);
        typingTimer = setTimeout(() => (typing.textContent = ''), 6000);
      }
      break;
    case 'error':
      if (f.ref && store.pending().some((p) => p.clientId === f.ref)) {
        if (f.code === 'realtime.rate_limited') setTimeout(() => { const p = store.pending().find((x) => x.clientId === f.ref); if (p) sendFrame(p); }, 2000);
        else store.fail(f.ref, String(f.message ?? '发送失败'));
        renderAll();
      }
      break;
  }
}

function sendFrame(p: PendingSend): void {
  socket?.send({ type: 'send', clientId: p.clientId, ...(store.conversationId ? { conversationId: store.conversationId } : {}), kind: p.kind, ...(p.text ? { text: p.text } : {}), ...(p.payload ? { payload: p.payload } : {}) });
}

function queueSend(p: PendingSend): void {
  store.queue(p);
  renderAll();
  scrollDown();
  sendFrame(p);
}

function markRead(): void {
  if (store.conversationId && store.maxSeq) socket?.send({ type: 'read', conversationId: store.conversationId, seq: store.maxSeq });
}

function submit(): void {
  const text = input.value.trim();
  if (!text || !token) return;
  input.value = '';
  emojiBox.classList.remove('open');
  queueSend({ clientId: newClientId(), kind: 'text', text });
}

sendBtn.addEventListener('click', submit);
input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    submit();
  }
});
input.addEventListener('input', () => {
  const now = Date.now();
  if (store.conversationId && now - lastTypingSent > 3000) {
    lastTypingSent = now;
    socket?.send({ type: 'typing', conversationId: store.conversationId, on: true });
  }
});
emojiBtn.addEventListener('click', () => emojiBox.classList.toggle('open'));
imgBtn.addEventListener('click', () => fileInput.click());
fileInput.addEventListener('change', async () => {
  const file = fileInput.files?.[0];
  fileInput.value = '';
  if (!file || !token) return;
  if (file.size > 5 * 1024 * 1024) {
    notice.textContent = '图片不能超过 5 MB';
    return;
  }
  try {
    const { file: meta } = await api<{ file: unknown }>('/api/widget/uploads', { method: 'POST', headers: { 'content-type': file.type || 'application/octet-stream' }, body: file });
    queueSend({ clientId: newClientId(), kind: 'image', payload: meta });
  } catch (err) {
    notice.textContent = err instanceof Error ? err.message : '图片上传失败';
  }
});
window.addEventListener('online', () => socket?.kick());

// Embedded: wait for the loader's init. Standalone (opened directly): start at once as an anonymous buyer.
if (parentOrigin) toParent('ready', { version: '1' });
else void start();
