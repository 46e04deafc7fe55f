import { expandSuggestionItems, type SuggestionItem, type SuggestionRefTable } from '@kefu/contracts';
import { describe, expect, it } from 'vitest';
import { ItemRefs } from './item-refs.js';

/** Items written the way the assist engine writes them (`{"id":…,"kind":…,"title":…,"text":…,"reasons":[…]…}`). */
function item(n: number, over: Partial<SuggestionItem> = {}): SuggestionItem {
  return { id: `qr_${n}`, kind: 'reply', title: `话术 ${n}`, text: `亲，这是第 ${n} 条回复哦～`, reasons: ['场景：议价'], shortcut: `jj${n}`, ...over };
}
const json = (items: SuggestionItem[]) => JSON.stringify(items);

describe('ItemRefs (suggestion items by number on one socket)', () => {
  it('sends an item whole with a number the first time and by that number after', () => {
    const refs = new ItemRefs();
    const a = [item(1), item(2), item(3)];
    const first = JSON.parse(refs.encode(json(a)));
    expect(first).toEqual(a.map((x, n) => ({ def: n, ...x })));
    const again = JSON.parse(refs.encode(json([item(3), item(1)])));
    expect(again).toEqual([{ ref: 2, reasons: ['场景：议价'] }, { ref: 0, reasons: ['场景：议价'] }]);
    const table: SuggestionRefTable = new Map();
    expect(expandSuggestionItems(first, table)).toEqual(a);
    expect(expandSuggestionItems(again, table)).toEqual([item(3), item(1)]);
  });

  it('treats an item whose text or missing variables changed as a new item; new reasons travel with the number', () => {
    const refs = new ItemRefs();
    const table: SuggestionRefTable = new Map();
    expandSuggestionItems(JSON.parse(refs.encode(json([item(1)]))), table);
    const changed = [item(1, { text: '王先生，这是第 1 条回复哦～' }), item(1, { missing: ['优惠券'] }), item(1, { reasons: ['场景：议价', '与买家消息重合：便宜]"'] })];
    const wire = JSON.parse(refs.encode(json(changed)));
    expect(wire.map((x: { def?: number; ref?: number }) => x.def ?? `ref ${x.ref}`)).toEqual([1, 2, 'ref 0']);
    expect(wire[2]).toEqual({ ref: 0, reasons: ['场景：议价', '与买家消息重合：便宜]"'] });
    expect(expandSuggestionItems(wire, table)).toEqual(changed);
    expect(refs.size).toBe(3);
  });

  it('splits items only at their boundaries, whatever their texts hold', () => {
    const tricky = [item(1, { text: '亲，格式是 },{"id":"x"} 这样哦', title: '[{"id":' }), item(2, { text: '\\"},{\\"id\\":', reasons: ['重合：,"reasons":["x"]'] }), item(3, { text: '看这里 ,"reasons":["场景"] 哦' })];
    const refs = new ItemRefs();
    const table: SuggestionRefTable = new Map();
    expect(expandSuggestionItems(JSON.parse(refs.encode(json(tricky))), table)).toEqual(tricky);
    expect(expandSuggestionItems(JSON.parse(refs.encode(json(tricky))), table)).toEqual(tricky);
  });

  it('encodes a repeated array once, and again when one of its numbers was given to another item', () => {
    const refs = new ItemRefs(2);
    const table: SuggestionRefTable = new Map();
    const ab = json([item(1), item(2)]);
    const send = (items: string) => expandSuggestionItems(JSON.parse(refs.encode(items)), table);
    expect(send(ab)).toEqual([item(1), item(2)]);
    const byNumber = refs.encode(ab);
    expect(JSON.parse(byNumber)).toEqual([{ ref: 0, reasons: ['场景：议价'] }, { ref: 1, reasons: ['场景：议价'] }]);
    // Kept: the same text again (another string with the same characters) gets the same encoding.
    expect(refs.encode(`${ab} `.trimEnd())).toBe(byNumber);
    expect(expandSuggestionItems(JSON.parse(byNumber), table)).toEqual([item(1), item(2)]);
    // Item 3 takes number 0 from item 1: the kept encoding of [1, 2] would now name item 3.
    expect(send(json([item(3)]))).toEqual([item(3)]);
    const after = JSON.parse(refs.encode(ab)) as Array<{ ref?: number; def?: number }>;
    // Item 1 is new again (number 1, the oldest), which pushes item 2 out, so item 2 comes whole too (number 0).
    expect(after.map((x) => (x.def !== undefined ? `def ${x.def}` : `ref ${x.ref}`))).toEqual(['def 1', 'def 0']);
    expect(expandSuggestionItems(after, table)).toEqual([item(1), item(2)]);
  });

  it('leaves an empty list and anything not shaped like engine items as it is', () => {
    const refs = new ItemRefs();
    expect(refs.encode('[]')).toBe('[]');
    expect(refs.encode('[{"kind":"reply"}]')).toBe('[{"kind":"reply"}]');
    expect(refs.size).toBe(0);
  });

  it('keeps the client in step when full: new items take the oldest numbers, over many frames', () => {
    const refs = new ItemRefs(4);
    const table: SuggestionRefTable = new Map();
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    let byRef = 0;
    for (let f = 0; f < 500; f++) {
      const ids = [...new Set(Array.from({ length: 1 + rand(5) }, () => rand(9)))];
      const items = ids.map((n) => item(n));
      const wire = JSON.parse(refs.encode(json(items))) as Array<{ ref?: number; def?: number }>;
      byRef += wire.filter((x) => x.ref !== undefined).length;
      for (const x of wire) expect((x.ref ?? x.def)!).toBeLessThan(4);
      expect(expandSuggestionItems(wire, table)).toEqual(items);
    }
    expect(refs.size).toBe(4);
    expect(byRef).toBeGreaterThan(100);
  });

  it('the client refuses a number it never received (the frame is dropped, REST fills in)', () => {
    const table: SuggestionRefTable = new Map();
    expect(expandSuggestionItems([{ ref: 3 }], table)).toBeNull();
    expect(expandSuggestionItems([null], table)).toBeNull();
    expect(expandSuggestionItems([item(1)], table)).toEqual([item(1)]);
  });
});
