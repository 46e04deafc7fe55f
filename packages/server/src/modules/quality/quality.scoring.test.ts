import { defaultCoachRules, defaultLadder } from '@kefu/core';
import { describe, expect, it } from 'vitest';
import { type ScoredMessage, STEP_CUES, buyerTurns, scoreSession, sellingApplies } from './quality.scoring.js';

const rules = defaultCoachRules('taobao');
const ladder = defaultLadder();
let t0 = 1_700_000_000_000;
/** Builds a transcript: [sender, text, seconds after the previous message]. */
function chat(...lines: Array<[ScoredMessage['sender'], string, number?]>): ScoredMessage[] {
  let t = (t0 += 10_000_000);
  return lines.map(([sender, text, dt]) => ({ sender, kind: 'text', text, createdAt: (t += (dt ?? 5) * 1000) }));
}
const score = (messages: ScoredMessage[], scenario: string | null = null) => scoreSession({ messages, rules, ladder, scenario });

const GOOD = chat(
  ['buyer', '在吗？这件外套有M码吗？'],
  ['agent', '亲，您好，我是客服小美，很高兴为您服务~ 请问您平时穿什么尺码呢？', 10],
  ['buyer', '平时穿M，身高165', 20],
  ['agent', '好的亲，M码有货的哦，您可以放心拍下，这款搭配我们家的白色T恤也很好看呢~', 15],
  ['buyer', '好的，拍了', 30],
  ['agent', '收到亲，已经付款成功了哦，麻烦您核对一下收货地址，收到后满意的话给个好评哦~', 20],
  ['buyer', '地址没问题，谢谢', 10],
  ['agent', '谢谢亲的支持，祝您生活愉快，欢迎再次光临哦~', 8],
);

describe('scoreSession', () => {
  it('gives a model conversation full marks in every part', () => {
    const b = score(GOOD);
    expect(b.response.score).toBe(30);
    expect(b.answered.score).toBe(15);
    expect(b.coach.score).toBe(25);
    expect(b.steps.results.every((r) => r.done)).toBe(true);
    expect(b.total).toBe(100);
  });

  describe('response times', () => {
    it('full marks when the first reply and every turn are within the targets', () => {
      const b = score(chat(['buyer', '有货吗？'], ['agent', '亲，有货的哦~', 20]));
      expect(b.response).toMatchObject({ score: 30, firstResponseSec: 20, withinTarget: 1 });
    });
    it('loses the first-response points after 2× the target and turn points after the turn target', () => {
      const b = score(chat(['buyer', '有货吗？'], ['agent', '亲，有货的哦~', 90], ['buyer', '什么时候发货？', 5], ['agent', '亲，今天下午就发货哦~', 30]));
      expect(b.response.firstResponseSec).toBe(90);
      expect(b.response.withinTarget).toBe(1);
      expect(b.response.score).toBe(0 + 10);
    });
    it('half the first-response points between 1× and 2× the target', () => {
      expect(score(chat(['buyer', '有货吗？'], ['agent', '亲，有货的哦~', 45])).response.score).toBe(5 + 20);
    });
    it('counts auto replies for nothing: only agent messages answer', () => {
      const b = score(chat(['buyer', '有货吗？'], ['auto', '您好，客服马上就来~', 1]));
      expect(b.response).toMatchObject({ score: 0, firstResponseSec: null, answeredTurns: 0 });
    });
  });

  describe('unanswered questions', () => {
    it('a question turn without any agent message after it costs 5 points', () => {
      const b = score(chat(['buyer', '有货吗？'], ['agent', '亲，有货的哦~'], ['buyer', '那什么时候发货呢？']));
      expect(b.answered).toMatchObject({ questionTurns: 2, unanswered: 1, score: 10 });
      expect(b.answered.unansweredTexts[0]).toContain('发货');
    });
    it('a closing statement that is not a question is not unanswered', () => {
      const b = score(chat(['buyer', '有货吗？'], ['agent', '亲，有货的哦~'], ['buyer', '好的知道了']));
      expect(b.answered).toMatchObject({ questionTurns: 1, unanswered: 0, score: 15 });
    });
  });

  describe('coach flags on agent messages', () => {
    it('off-platform contact costs 10, a cold refusal 5', () => {
      const b = score(chat(['buyer', '能便宜点吗？'], ['agent', '不行。加我微信吧', 5]));
      expect(b.coach.flags.find((f) => f.id === 'off_platform_contact')?.penalty).toBe(10);
      expect(b.coach.flags.find((f) => f.id === 'cold_tone')?.penalty).toBe(5);
      expect(b.coach.score).toBeLessThanOrEqual(10);
    });
    it('tracks concessions: a price cut before free shipping is a concession_jump, after it is not', () => {
      const jump = score(chat(['buyer', '能便宜点吗？'], ['agent', '亲，可以给您便宜5元哦~']));
      expect(jump.coach.flags.map((f) => f.id)).toContain('concession_jump');
      const stepwise = score(
        chat(
          ['buyer', '能便宜点吗？'],
          ['agent', '亲，价格是实价的呢，不过可以给您包邮哦~'],
          ['buyer', '再便宜点呗'],
          ['agent', '亲，再送您一张5元优惠券和我们的VIP会员卡哦~'],
          ['buyer', '还能少吗？'],
          ['agent', '亲，那我再帮您申请便宜5元哦~'],
        ),
      );
      expect(stepwise.coach.flags.map((f) => f.id)).not.toContain('concession_jump');
    });
    it('clean replies keep all 25 points', () => {
      expect(score(chat(['buyer', '有货吗？'], ['agent', '亲，有货的哦，今天拍下今天发~'])).coach).toMatchObject({ score: 25, flags: [] });
    });
  });

  describe('reception steps (seed 002)', () => {
    const cases: Array<[keyof typeof STEP_CUES, string, string]> = [
      ['greeting', '亲，您好，我是客服小美，很高兴为您服务~', '亲，有货的'],
      ['needs', '请问您平时穿多大码呢？', '好的亲'],
      ['related', '这款搭配我们家的短裙也很好看哦~', '好的亲'],
      ['payment', '亲，确认好了就可以拍下付款哦~', '好的亲'],
      ['after_payment', '亲，麻烦核对一下收货地址哦，收到满意给个好评~', '好的亲'],
      ['thanks', '谢谢亲的支持，欢迎再次光临~', '好的亲'],
    ];
    it.each(cases)('%s: found in a matching agent message, not in a neutral one', (step, yes, no) => {
      expect(STEP_CUES[step].test(yes)).toBe(true);
      expect(STEP_CUES[step].test(no)).toBe(false);
    });
    it('a greeting without the agent naming themself does not count (seed 002: 介绍自己旺旺名)', () => {
      expect(STEP_CUES.greeting.test('亲，您好，很高兴为您服务~')).toBe(false);
      expect(STEP_CUES.greeting.test('您好，客服阿杰为您服务')).toBe(true);
    });
    it('only agent messages count: a buyer saying 谢谢 is not the agent thanking', () => {
      const b = score(chat(['buyer', '谢谢'], ['agent', '好的亲']));
      expect(b.steps.results.find((r) => r.step === 'thanks')?.done).toBe(false);
    });
    it('after-sales sessions skip the selling steps and rescale the rest', () => {
      expect(sellingApplies('return_refund')).toBe(false);
      expect(sellingApplies('size')).toBe(true);
      expect(sellingApplies(null)).toBe(true);
      const msgs = chat(['buyer', '我要退货'], ['agent', '亲，您好，我是客服小美，请问是什么问题呢？'], ['agent', '好的，已为您处理，谢谢亲的理解~']);
      const after = score(msgs, 'return_refund');
      expect(after.steps.results.filter((r) => !r.applies).map((r) => r.step)).toEqual(['related', 'payment', 'after_payment']);
      expect(after.steps.score).toBe(30);
      expect(score(msgs, 'size').steps.score).toBe(15);
    });
    it('a session with no agent message scores no step points', () => {
      expect(score(chat(['buyer', '在吗？'])).steps.score).toBe(0);
    });
  });

  it('builds buyer turns from runs of buyer messages', () => {
    const turns = buyerTurns(chat(['buyer', '在吗'], ['buyer', '有货吗？'], ['agent', '有的'], ['buyer', '好']));
    expect(turns.map((t) => [t.texts.length, t.replyAt !== null])).toEqual([
      [2, true],
      [1, false],
    ]);
  });

  it('does not crash on empty, emoji-only, very long or mixed-script transcripts', () => {
    expect(score([]).total).toBe(30 + 15 + 25 + 0);
    const long = '亲'.repeat(20000);
    expect(() => score(chat(['buyer', '😀😀😀'], ['agent', '🙂'], ['buyer', 'Hello 你好 مرحبا Привет？'], ['agent', long]))).not.toThrow();
  });
});
