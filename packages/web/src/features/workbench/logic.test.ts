import type { ConversationDto, MessageDto } from '@kefu/contracts';
import { describe, expect, it } from 'vitest';
import { fillVariables, inFilter, isWaitingForMe, lastAgentTextSeq, lastBuyerText, matchQuickReplies, seqIndex, slashQuery, sortConversations } from './logic.js';
import { formatWait } from './time.js';

const c = (over: Partial<ConversationDto>): ConversationDto => ({
  id: 'x', shopId: 's', buyer: { id: 'b', nickname: '买家' }, status: 'assigned', assignedAgentId: 'me', groupId: null, lastSeq: 1,
  lastMessageAt: 100, waitingSince: null, unread: 0, createdAt: 1, closedAt: null, ...over,
});

describe('list filters', () => {
  it('mine = open and assigned to me; queued = waiting/open; all = not closed; closed = closed', () => {
    expect(inFilter(c({}), 'mine', 'me')).toBe(true);
    expect(inFilter(c({ assignedAgentId: 'other' }), 'mine', 'me')).toBe(false);
    expect(inFilter(c({ status: 'closed' }), 'mine', 'me')).toBe(false);
    expect(inFilter(c({ status: 'waiting', assignedAgentId: null }), 'queued', 'me')).toBe(true);
    expect(inFilter(c({}), 'queued', 'me')).toBe(false);
    expect(inFilter(c({ assignedAgentId: 'other' }), 'all', 'me')).toBe(true);
    expect(inFilter(c({ status: 'closed' }), 'all', 'me')).toBe(false);
    expect(inFilter(c({ status: 'closed' }), 'closed', 'me')).toBe(true);
  });
  it('sorts the longest-waiting buyer first, then by latest activity', () => {
    const out = sortConversations([
      c({ id: 'recent', lastMessageAt: 500 }),
      c({ id: 'wait-new', waitingSince: 300 }),
      c({ id: 'older', lastMessageAt: 200 }),
      c({ id: 'wait-old', waitingSince: 100 }),
    ]);
    expect(out.map((x) => x.id)).toEqual(['wait-old', 'wait-new', 'recent', 'older']);
  });
  it('exports the waiting rule used by the title badge', () => {
    expect(isWaitingForMe(c({ status: 'waiting', assignedAgentId: null }), 'me')).toBe(true);
    expect(isWaitingForMe(c({ waitingSince: 5 }), 'me')).toBe(true);
    expect(isWaitingForMe(c({ waitingSince: null }), 'me')).toBe(false);
    expect(isWaitingForMe(c({ waitingSince: 5, assignedAgentId: 'other' }), 'me')).toBe(false);
    expect(isWaitingForMe(c({ status: 'closed', waitingSince: 5 }), 'me')).toBe(false);
  });
});

describe('quick-reply picker', () => {
  it('finds a /query before the caret at the start or after a space', () => {
    expect(slashQuery('/ch', 3)).toEqual({ start: 0, query: 'ch' });
    expect(slashQuery('亲 /尺码', 5)).toEqual({ start: 2, query: '尺码' });
    expect(slashQuery('/', 1)).toEqual({ start: 0, query: '' });
  });
  it('ignores slashes inside words and URLs', () => {
    expect(slashQuery('a/b', 3)).toBeNull();
    expect(slashQuery('http://x', 8)).toBeNull();
    expect(slashQuery('/ch ', 4)).toBeNull();
  });
  it('ranks shortcut matches before title and text matches', () => {
    const list = [
      { id: '1', title: '运费说明', text: '满99包邮哦' },
      { id: '2', title: '包邮', text: '亲，本店全场包邮', shortcut: 'by' },
      { id: '3', title: '尺码', text: '按平时的码数拍就可以', shortcut: 'cm' },
    ];
    expect(matchQuickReplies(list, 'cm').map((r) => r.id)).toEqual(['3']);
    expect(matchQuickReplies(list, '包邮').map((r) => r.id)).toEqual(['2', '1']);
    expect(matchQuickReplies(list, '没有这个')).toEqual([]);
    expect(matchQuickReplies(list, '')).toHaveLength(3);
  });
  it('fills buyer, shop and agent variables in both spellings', () => {
    expect(fillVariables('{买家}您好，我是{shop}的{客服}', { buyer: '阿杰', shop: '山野户外', agent: '小美' })).toBe('阿杰您好，我是山野户外的小美');
    expect(fillVariables('{买家称呼}，{订单号}', { buyer: '', shop: 'b', agent: 'c' })).toBe('亲，{订单号}');
  });
});

describe('formatWait', () => {
  it('formats seconds, minutes and hours in Chinese and English', () => {
    expect(formatWait(12_400, 'zh-CN')).toBe('12秒');
    expect(formatWait(185_000, 'zh-CN')).toBe('3分05秒');
    expect(formatWait(3_720_000, 'zh-CN')).toBe('1小时02分');
    expect(formatWait(185_000, 'en')).toBe('3m05s');
    expect(formatWait(-5, 'en')).toBe('0s');
  });
});

describe('thread helpers', () => {
  const m = (seq: number, sender: MessageDto['sender'], kind: MessageDto['kind'] = 'text'): MessageDto => ({
    id: `m${seq}`, conversationId: 'c', seq, clientId: `c${seq}`, sender, kind, text: `t${seq}`, createdAt: seq,
  });
  const thread = [m(1, 'buyer'), m(2, 'agent'), m(3, 'buyer', 'image'), m(4, 'agent', 'note'), m(5, 'system'), m(7, 'buyer')];

  it('finds the last buyer text and the last agent text seq from the end', () => {
    expect(lastBuyerText(thread)).toBe('t7');
    expect(lastBuyerText(thread.slice(0, 5))).toBe('t1');
    expect(lastBuyerText([])).toBe('');
    expect(lastAgentTextSeq(thread)).toBe(2);
    expect(lastAgentTextSeq([m(1, 'buyer')])).toBe(0);
  });

  it('finds the first message at or after a seq by binary search', () => {
    expect(seqIndex(thread, 1)).toBe(0);
    expect(seqIndex(thread, 4)).toBe(3);
    expect(seqIndex(thread, 6)).toBe(5);
    expect(seqIndex(thread, 8)).toBe(6);
    expect(seqIndex([], 3)).toBe(0);
  });
});
