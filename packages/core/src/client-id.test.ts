import { describe, expect, it } from 'vitest';
import { formatClientId } from './client-id.js';

const bytes = (fill: number) => new Uint8Array(12).fill(fill);

describe('formatClientId', () => {
  it('is prefix + 9 digits of time + 12 from the random bytes, within the protocol’s clientId charset', () => {
    const id = formatClientId('w', 1_795_000_000_000, bytes(37));
    expect(id).toBe(`w${(1_795_000_000_000).toString(36).padStart(9, '0')}${'1'.repeat(12)}`);
    expect(id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });

  it('sorts by creation time, whatever the random part', () => {
    const times = [0, 1, 35, 36, 1_700_000_000_000, 1_700_000_000_001, 1_795_000_000_000, 2_000_000_000_000];
    const ids = times.map((t, i) => formatClientId('c', t, bytes(255 - i * 30)));
    expect([...ids].sort()).toEqual(ids);
  });

  it('differs by its random part within one millisecond, and refuses too few bytes', () => {
    expect(formatClientId('w', 5, bytes(1))).not.toBe(formatClientId('w', 5, bytes(2)));
    expect(() => formatClientId('w', 5, new Uint8Array(4))).toThrow(RangeError);
  });
});
