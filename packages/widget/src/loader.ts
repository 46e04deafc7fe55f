/**
 * Kefu widget loader (docs/WIDGET_PROTOCOL.md): a launcher button with an unread badge and the chat
 * iframe, talking to it by postMessage with origins pinned on both sides. No imports: it must stay
 * one small classic script.
 */
(() => {
  const PROTOCOL = 1;
  const w = window as unknown as { __kefuLoaded?: boolean };
  if (w.__kefuLoaded) return;
  w.__kefuLoaded = true;

  const script =
    (document.currentScript as HTMLScriptElement | null) ??
    Array.from(document.querySelectorAll<HTMLScriptElement>('script[src*="/widget/kefu.js"]')).pop() ??
    null;
  const shopKey = script?.dataset.shopKey;
  if (!script || !shopKey) {
    console.warn('[kefu] 缺少 data-shop-key，客服挂件未加载');
    return;
  }
  const kefuOrigin = new URL(script.src, location.href).origin;
  const buyer = script.dataset.buyerId && script.dataset.buyerSig ? { id: script.dataset.buyerId, sig: script.dataset.buyerSig, name: script.dataset.buyerName } : undefined;

  const css = (el: HTMLElement, s: Partial<CSSStyleDeclaration>) => Object.assign(el.style, s);
  const phone = () => window.innerWidth < 640;

  const button = document.createElement('button');
  button.type = 'button';
  button.setAttribute('aria-label', '联系客服');
  button.setAttribute('data-testid', 'kefu-launcher');
  button.textContent = '💬 联系客服';
  css(button, {
    position: 'fixed', right: '20px', bottom: '20px', zIndex: '2147483000', border: '0', borderRadius: '24px',
    padding: '12px 18px', background: '#ff5000', color: '#fff', font: '600 15px/1 -apple-system, "PingFang SC", sans-serif',
    boxShadow: '0 4px 14px rgba(0,0,0,.2)', cursor: 'pointer',
  });
  const badge = document.createElement('span');
  css(badge, {
    display: 'none', position: 'absolute', top: '-6px', right: '-6px', minWidth: '20px', height: '20px', borderRadius: '10px',
    background: '#f5222d', color: '#fff', font: '600 12px/20px sans-serif', textAlign: 'center', padding: '0 5px',
  });
  badge.setAttribute('data-kefu-badge', '');
  button.appendChild(badge);

  const frame = document.createElement('iframe');
  frame.title = '在线客服';
  frame.src = `${kefuOrigin}/widget/app.html?key=${encodeURIComponent(shopKey)}&parent=${encodeURIComponent(location.origin)}`;
  frame.setAttribute('allow', 'clipboard-write');
  frame.setAttribute('data-testid', 'kefu-frame');
  css(frame, { position: 'fixed', zIndex: '2147483001', border: '0', background: '#fff', display: 'none', boxShadow: '0 8px 30px rgba(0,0,0,.25)' });

  let open = false;
  const layout = () => {
    if (phone()) css(frame, { left: '0', top: '0', right: '0', bottom: '0', width: '100%', height: '100%', borderRadius: '0' });
    else css(frame, { left: 'auto', top: 'auto', right: '20px', bottom: '80px', width: '380px', height: 'min(620px, calc(100vh - 100px))', borderRadius: '12px' });
  };
  const post = (type: string, extra: Record<string, unknown> = {}) => frame.contentWindow?.postMessage({ kefu: PROTOCOL, type, ...extra }, kefuOrigin);
  const setOpen = (v: boolean) => {
    open = v;
    frame.style.display = v ? 'block' : 'none';
    button.style.display = v && phone() ? 'none' : 'block';
    post(v ? 'open' : 'hide');
    if (v) badge.style.display = 'none';
  };

  button.addEventListener('click', () => setOpen(!open));
  window.addEventListener('resize', layout);
  window.addEventListener('message', (e: MessageEvent) => {
    if (e.origin !== kefuOrigin || e.source !== frame.contentWindow) return;
    const d = e.data as { kefu?: number; type?: string; count?: number } | null;
    if (!d || d.kefu !== PROTOCOL) return;
    if (d.type === 'ready') post('init', { shopKey, ...(buyer ? { buyer } : {}), page: { url: location.href, title: document.title } });
    else if (d.type === 'unread') {
      const n = Math.max(0, Math.floor(Number(d.count) || 0));
      badge.textContent = n > 99 ? '99+' : String(n);
      badge.style.display = n > 0 && !open ? 'block' : 'none';
    } else if (d.type === 'close') setOpen(false);
  });

  layout();
  const mount = () => {
    document.body.appendChild(frame);
    document.body.appendChild(button);
  };
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
