import { describe, expect, it } from 'vitest';
import { type Candidate, pickAgent } from './routing.policy.js';
import { groupKindOf, scenarioOf } from './scenario.js';

const c = (agentId: string, load: number, over: Partial<Candidate> = {}): Candidate => ({ agentId, status: 'online', load, maxConcurrent: 5, ...over });

describe('pickAgent', () => {
  it('gives a returning buyer their last agent when online with room', () => {
    expect(pickAgent([c('a', 0), c('b', 3)], 'b')).toBe('b');
  });
  it('does not give the last agent when they are full or not online', () => {
    expect(pickAgent([c('a', 1), c('b', 5)], 'b')).toBe('a');
    expect(pickAgent([c('a', 1), c('b', 0, { status: 'away' })], 'b')).toBe('a');
  });
  it('picks the least-loaded online agent under capacity', () => {
    expect(pickAgent([c('a', 3), c('b', 1), c('c', 2)], null)).toBe('b');
    expect(pickAgent([c('a', 0, { status: 'busy' }), c('b', 4)], null)).toBe('b');
  });
  it('returns null (queue) when nobody online has room', () => {
    expect(pickAgent([c('a', 5), c('b', 0, { status: 'offline' })], null)).toBeNull();
    expect(pickAgent([], 'a')).toBeNull();
  });
});

describe('scenarioOf / groupKindOf', () => {
  it('sends after-sales words to 售后 and pre-sales words to 售前', () => {
    expect(groupKindOf(scenarioOf('鞋子穿了两天就开胶了'))).toBe('aftersales');
    expect(groupKindOf(scenarioOf('我要退货'))).toBe('aftersales');
    expect(groupKindOf(scenarioOf('平时穿 42 码拍几码？'))).toBe('presales');
    expect(groupKindOf(scenarioOf('能便宜点吗'))).toBe('presales');
  });
  it('leaves unknown or neutral text without a group', () => {
    expect(scenarioOf('')).toBeNull();
    expect(groupKindOf(scenarioOf('嗯嗯'))).toBeNull();
  });
});
