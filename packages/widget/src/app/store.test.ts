import type { MessageDto } from '@kefu/contracts';
import { describe, expect, it } from 'vitest';
import { MessageStore, newAnonId, newClientId, parentOriginOf, safeImageUrl, safeLink } from './store.js';

const m = (seq: number, clientId = `c${seq}`): MessageDto => ({ id: `m${seq}`, conversationId: 'conv1', seq, clientId, sender: 'agent', kind: 'text', text: `t${seq}`, createdAt: seq });

describe('MessageStore', () => {
  it('keeps each seq once and lists in order whatever the arrival order', () => {
    const s = new MessageStore();
    expect([s.add(m(2)), s.add(m(1)), s.add(m(2)), s.add(m(3))]).toEqual([true, true, false, true]);
    expect(s.list().map((x) => x.seq)).toEqual([1, 2, 3]);
    expect(s.resume()).toEqual({ conv1: 3 });
  });
  it('clears an outbox entry when its message or ack arrives, keeps the rest for resending', () => {
    const s = new MessageStore();
    s.queue({ clientId: 'a', kind: 'text', text: 'x' });
    s.queue({ clientId: 'b', kind: 'text', text: 'y' });
    s.add(m(1, 'a'));
    s.ack('zzz');
    expect(s.pending().map((p) => p.clientId)).toEqual(['b']);
  });
  it('ignores messages of another conversation', () => {
    const s = new MessageStore();
    s.add(m(1));
    expect(s.add({ ...m(2), conversationId: 'other' })).toBe(false);
  });
});

describe('widget safety helpers', () => {
  it('pins the parent origin exactly', () => {
    expect(parentOriginOf('https://shop.example')).toBe('https://shop.example');
    expect(parentOriginOf('https://shop.example/path')).toBeNull();
    expect(parentOriginOf('javascript:alert(1)')).toBeNull();
    expect(parentOriginOf(null)).toBeNull();
  });
  it('shows only our file URLs and follows only http(s) or site links', () => {
    expect(safeImageUrl('/files/file_abc')).toBe('/files/file_abc');
    expect(safeImageUrl('https://evil.example/x.png')).toBeNull();
    expect(safeLink('javascript:alert(1)')).toBeNull();
    expect(safeLink('//evil.example')).toBeNull();
    expect(safeLink('/p/1')).toBe('/p/1');
  });
  it('makes valid clientIds that sort by creation time, and random anonymous ids', () => {
    const a = newClientId();
    expect(a).toMatch(/^w[0-9a-z]{21}$/);
    expect(newAnonId()).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(newAnonId()).not.toBe(newAnonId());
  });
});
