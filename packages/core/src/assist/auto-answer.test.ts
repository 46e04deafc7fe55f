import { describe, expect, it } from 'vitest';
import { QUICK_REPLIES } from '../seed/index.js';
import { AUTO_ANSWER, DEFAULT_AUTO_ANSWER_SETTING, autoAnswerThreshold, chooseAutoAnswer, type AutoAnswerInput } from './auto-answer.js';

const on = { enabled: true };
const base: AutoAnswerInput = {
  scenario: 'shipping_fee',
  confidence: 0.95,
  setting: on,
  replies: [
    { id: 'unsafe', scenario: 'shipping_fee', text: '亲，运费是快递收的' },
    { id: 'safe', scenario: 'shipping_fee', text: '亲，这款是包邮的～', safeForAuto: true },
  ],
};

describe('chooseAutoAnswer', () => {
  it('is off by default', () => {
    expect(DEFAULT_AUTO_ANSWER_SETTING.enabled).toBe(false);
    expect(chooseAutoAnswer({ ...base, setting: DEFAULT_AUTO_ANSWER_SETTING })).toBeNull();
  });

  it('sends a safe reply when enabled and confident', () => {
    expect(chooseAutoAnswer(base)).toEqual({ id: 'safe', text: '亲，这款是包邮的～' });
  });

  it('never sends a reply not marked safe', () => {
    expect(chooseAutoAnswer({ ...base, replies: [base.replies[0]!] })).toBeNull();
  });

  it('needs the default threshold, and a shop cannot set it below the floor', () => {
    expect(chooseAutoAnswer({ ...base, confidence: AUTO_ANSWER.defaultThreshold - 0.01 })).toBeNull();
    expect(chooseAutoAnswer({ ...base, confidence: AUTO_ANSWER.defaultThreshold })).not.toBeNull();
    expect(autoAnswerThreshold({ enabled: true, minConfidence: 0.3 })).toBe(AUTO_ANSWER.minThreshold);
    expect(chooseAutoAnswer({ ...base, confidence: 0.6, setting: { enabled: true, minConfidence: 0.3 } })).toBeNull();
    expect(chooseAutoAnswer({ ...base, confidence: 0.75, setting: { enabled: true, minConfidence: 0.7 } })).not.toBeNull();
  });

  it('declines when the runner-up scenario is close', () => {
    expect(chooseAutoAnswer({ ...base, alternatives: [{ scenario: 'bargain', score: 0.8 }] })).toBeNull();
    expect(chooseAutoAnswer({ ...base, alternatives: [{ scenario: 'bargain', score: 0.5 }] })).not.toBeNull();
  });

  it('never answers complaints or off-platform requests, even with a safe reply', () => {
    for (const scenario of ['complaint', 'off_platform', 'quality_problem', 'other'] as const) {
      expect(chooseAutoAnswer({ ...base, scenario, replies: [{ id: 'x', scenario, text: '亲', safeForAuto: true }] })).toBeNull();
    }
  });

  it('fills variables and skips a reply that would leave a placeholder', () => {
    const replies = [
      { id: 'needs-amount', scenario: 'shipping_fee' as const, text: '亲，满{金额}元包邮', safeForAuto: true },
      { id: 'plain', scenario: 'shipping_fee' as const, text: '{买家称呼}，这款包邮', safeForAuto: true },
    ];
    expect(chooseAutoAnswer({ ...base, replies, vars: { 买家称呼: '亲' } })).toEqual({ id: 'plain', text: '亲，这款包邮' });
    expect(chooseAutoAnswer({ ...base, replies, vars: { 金额: '99' } })).toEqual({ id: 'needs-amount', text: '亲，满99元包邮' });
    expect(chooseAutoAnswer({ ...base, replies, vars: {} })).toBeNull();
  });

  it('follows the ranking when given', () => {
    const replies = [
      { id: 'a', scenario: 'shipping_fee' as const, text: '亲，A', safeForAuto: true },
      { id: 'b', scenario: 'shipping_fee' as const, text: '亲，B', safeForAuto: true },
    ];
    expect(chooseAutoAnswer({ ...base, replies })!.id).toBe('a');
    expect(chooseAutoAnswer({ ...base, replies, rankedIds: ['b', 'a'] })!.id).toBe('b');
  });

  it('works on the seeded library for a greeting', () => {
    const got = chooseAutoAnswer({ scenario: 'greeting', confidence: 0.9, setting: on, replies: QUICK_REPLIES, vars: { 店铺: '青禾户外旗舰店', 客服: '小禾', 买家称呼: '亲' } });
    expect(got?.text).toContain('青禾户外旗舰店');
  });
});
