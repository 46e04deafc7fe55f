import { describe, expect, it } from 'vitest';
import { EventBus, type KefuEvent } from './bus.js';

describe('event bus', () => {
  it('calls the listeners of the name, then those of every event, each once, and stops after off', () => {
    const bus = new EventBus('p1');
    const calls: string[] = [];
    const a = () => void calls.push('a');
    const offA = bus.on('message.created', a);
    bus.on('message.created', a); // the same listener twice is one listener
    bus.on('message.created', () => void calls.push('b'));
    bus.on('other', () => void calls.push('other'));
    bus.onAny((e) => void calls.push(`any:${e.name}`));
    bus.emit('message.created', 'shop_1', { x: 1 });
    expect(calls).toEqual(['a', 'b', 'any:message.created']);
    calls.length = 0;
    offA();
    bus.emit('message.created', 'shop_1', null);
    expect(calls).toEqual(['b', 'any:message.created']);
  });

  it('a listener added or removed during an event takes effect from the next event', () => {
    const bus = new EventBus('p1');
    const calls: string[] = [];
    let offLate: () => void = () => {};
    const offB = bus.on('e', () => {
      calls.push('first');
      offLate = bus.on('e', () => void calls.push('late'));
      offC();
    });
    const offC = bus.on('e', () => void calls.push('c'));
    bus.emit('e', null, null);
    expect(calls).toEqual(['first', 'c']);
    calls.length = 0;
    offB();
    bus.emit('e', null, null);
    expect(calls).toEqual(['late']);
    offLate();
  });

  it('isolates a failing listener (thrown or rejected) from the emitter and the other listeners', async () => {
    const bus = new EventBus('p1');
    const failed: Array<[string, string]> = [];
    bus.onError = (err, e: KefuEvent) => void failed.push([e.name, (err as Error).message]);
    const calls: string[] = [];
    bus.on('e', () => {
      throw new Error('boom');
    });
    bus.on('e', () => Promise.reject(new Error('later')));
    bus.on('e', () => void calls.push('ok'));
    expect(() => bus.emit('e', null, null)).not.toThrow();
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual(['ok']);
    expect(failed).toEqual([['e', 'boom'], ['e', 'later']]);
  });
});
