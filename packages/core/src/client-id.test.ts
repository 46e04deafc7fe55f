import { describe, expect, it } from 'vitest';
import { newClientId } from './client-id.js';

describe('newClientId', () => {
  it('is prefix + 9 digits of time + 12 random, within the protocol’s clientId charset', () => {
    const id = newClientId('w', 1_795_000_000_000);
    expect(id).toMatch(/^w[0-9a-z]{21}$/);
    expect(id.slice(1, 10)).toBe((1_795_000_000_000).toString(36).padStart(9, '0'));
    expect(id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });

  it('sorts by creation time, whatever the random part', () => {
    const times = [0, 1, 35, 36, 1_700_000_000_000, 1_700_000_000_001, 1_795_000_000_000, 2_000_000_000_000];
    const ids = times.map((t) => newClientId('c', t));
    expect([...ids].sort()).toEqual(ids);
  });

  it('differs between two ids of the same millisecond', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) seen.add(newClientId('w', 1_795_000_000_000));
    expect(seen.size).toBe(1000);
  });
});
