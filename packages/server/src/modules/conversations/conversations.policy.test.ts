import { describe, expect, it } from 'vitest';
import { canTransition, validateContent } from './conversations.policy.js';

describe('conversation state machine', () => {
  it('allows open → waiting → assigned → closed and reopening by a buyer message', () => {
    expect(canTransition('open', 'waiting')).toBe(true);
    expect(canTransition('waiting', 'assigned')).toBe(true);
    expect(canTransition('assigned', 'closed')).toBe(true);
    expect(canTransition('closed', 'open')).toBe(true);
  });
  it('refuses assigning or queueing a closed conversation directly', () => {
    expect(canTransition('closed', 'assigned')).toBe(false);
    expect(canTransition('closed', 'waiting')).toBe(false);
  });
});

describe('validateContent', () => {
  it('keeps text verbatim, including HTML', () => {
    expect(validateContent('buyer', 'text', '<b>hi</b>', undefined).text).toBe('<b>hi</b>');
  });
  it('rejects empty text, oversize text, and notes from buyers', () => {
    expect(() => validateContent('buyer', 'text', '  ', undefined)).toThrow(/不能为空/);
    expect(() => validateContent('buyer', 'text', 'x'.repeat(2001), undefined)).toThrowError(expect.objectContaining({ code: 'message.too_large' }));
    expect(() => validateContent('buyer', 'note', 'x', undefined)).toThrowError(expect.objectContaining({ code: 'message.invalid' }));
  });
  it('validates product and order card payloads', () => {
    expect(validateContent('agent', 'product', undefined, { productId: 'p1', title: '徒步鞋', price: 399, url: '/p/1' }).payload).toMatchObject({ price: 399 });
    expect(() => validateContent('agent', 'product', undefined, { productId: 'p1', title: '徒步鞋', price: 399, url: 'javascript:alert(1)' })).toThrow(/payload/);
    expect(validateContent('buyer', 'order', undefined, { orderId: 'o1', status: '待付款', amount: 399 }).payload).toMatchObject({ orderId: 'o1' });
    expect(() => validateContent('buyer', 'order', undefined, { orderId: 'o1' })).toThrow(/payload/);
  });
  it('accepts only /files/ image payloads', () => {
    expect(() => validateContent('buyer', 'image', undefined, { fileId: 'f', url: 'https://evil/x.png', mime: 'image/png', size: 10 })).toThrow(/payload/);
    expect(validateContent('buyer', 'image', undefined, { fileId: 'file_x', url: '/files/file_x', mime: 'image/png', size: 10 }).payload).toBeTruthy();
  });
});
