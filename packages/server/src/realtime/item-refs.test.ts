import { expandSuggestionItems, newSuggestionRefTable, SUGGESTION_LISTS_KEPT, type SuggestionItem } from '@kefu/contracts';
import { describe, expect, it } from 'vitest';
import { ItemRefs } from './item-refs.js';

/** Items written the way the assist engine writes them (`{"id":…,"kind":…,"title":…,"text":…,"reasons":[…]…}`). */
function item(n: number, over: Partial<SuggestionItem> = {}): SuggestionItem {
  return { id: `qr_${n}`, kind: 'reply', title: `话术 ${n}`, text: `亲，这是第 ${n} 条回复哦～`, reasons: ['场景：议价'], shortcut: `jj${n}`, ...over };
}
const json = (items: SuggestionItem[]) => JSON.stringify(items);
type WireItem = { def?: number; ref?: number; reasons?: string[] };
type WireList = { list: number; items?: WireItem[] };
/** One frame's `items` as the socket would carry them. */
const wire = (refs: ItemRefs, items: string) => JSON.parse(refs.encode(items)) as WireList;
/** The items of a newly defined list (fails when the frame named an earlier list instead). */
function defined(w: WireList): WireItem[] {
  expect(w.items).toBeDefined();
  return w.items!;
}

describe('ItemRefs (suggestion items by number on one socket)', () => {
  it('sends an item whole with a number the first time and by that number after', () => {
    const refs = new ItemRefs();
    const table = newSuggestionRefTable();
    const a = [item(1), item(2), item(3)];
    const first = wire(refs, json(a));
    expect(first).toEqual({ list: 0, items: a.map((x, n) => ({ def: n, ...x })) });
    const again = wire(refs, json([item(3), item(1)]));
    expect(again).toEqual({ list: 1, items: [{ ref: 2, reasons: ['场景：议价'] }, { ref: 0, reasons: ['场景：议价'] }] });
    expect(expandSuggestionItems(first, table)).toEqual(a);
    expect(expandSuggestionItems(again, table)).toEqual([item(3), item(1)]);
  });

  it('treats an item whose text or missing variables changed as a new item; new reasons travel with the number', () => {
    const refs = new ItemRefs();
    const table = newSuggestionRefTable();
    expandSuggestionItems(wire(refs, json([item(1)])), table);
    const changed = [item(1, { text: '王先生，这是第 1 条回复哦～' }), item(1, { missing: ['优惠券'] }), item(1, { reasons: ['场景：议价', '与买家消息重合：便宜]"'] })];
    const w = wire(refs, json(changed));
    expect(defined(w).map((x) => x.def ?? `ref ${x.ref}`)).toEqual([1, 2, 'ref 0']);
    expect(defined(w)[2]).toEqual({ ref: 0, reasons: ['场景：议价', '与买家消息重合：便宜]"'] });
    expect(expandSuggestionItems(w, table)).toEqual(changed);
    expect(refs.size).toBe(3);
  });

  it('splits items only at their boundaries, whatever their texts hold', () => {
    const tricky = [item(1, { text: '亲，格式是 },{"id":"x"} 这样哦', title: '[{"id":' }), item(2, { text: '\\"},{\\"id\\":', reasons: ['重合：,"reasons":["x"]'] }), item(3, { text: '看这里 ,"reasons":["场景"] 哦' })];
    const refs = new ItemRefs();
    const table = newSuggestionRefTable();
    expect(expandSuggestionItems(wire(refs, json(tricky)), table)).toEqual(tricky);
    // The same items with other reasons: a new list, every item by number.
    const reasoned = tricky.map((x) => ({ ...x, reasons: ['常被选用'] }));
    const w = wire(refs, json(reasoned));
    expect(defined(w).every((x) => x.ref !== undefined)).toBe(true);
    expect(expandSuggestionItems(w, table)).toEqual(reasoned);
  });

  it('names an items array sent before by its list number, even after its items were renumbered', () => {
    const refs = new ItemRefs(2);
    const table = newSuggestionRefTable();
    const ab = json([item(1), item(2)]);
    const send = (items: string) => expandSuggestionItems(wire(refs, items), table);
    expect(send(ab)).toEqual([item(1), item(2)]);
    // The same text again (another string with the same characters): the list's number, nothing else.
    expect(refs.encode(`${ab} `.trimEnd())).toBe('{"list":0}');
    expect(send(ab)).toEqual([item(1), item(2)]);
    // Items 3 and 4 take numbers 0 and 1 from items 1 and 2; list 0 is still [1, 2] on both sides.
    expect(send(json([item(3), item(4)]))).toEqual([item(3), item(4)]);
    expect(refs.encode(ab)).toBe('{"list":0}');
    expect(expandSuggestionItems({ list: 0 }, table)).toEqual([item(1), item(2)]);
    // Other reasons make another array: a new list whose items come whole again (their numbers went to 3 and 4).
    const w = wire(refs, json([item(1, { reasons: [] }), item(2, { reasons: [] })]));
    expect(w.list).toBe(2);
    expect(defined(w).map((x) => x.def)).toEqual([0, 1]);
  });

  it(`keeps the latest ${SUGGESTION_LISTS_KEPT} lists on both sides, and defines an older one again`, () => {
    const refs = new ItemRefs();
    const table = newSuggestionRefTable();
    const lists = Array.from({ length: SUGGESTION_LISTS_KEPT + 1 }, (_, n) => json([item(n)]));
    for (const l of lists) expandSuggestionItems(wire(refs, l), table);
    expect(table.lists.size).toBe(SUGGESTION_LISTS_KEPT);
    expect(expandSuggestionItems({ list: 0 }, table)).toBeNull();
    // List 0's array went out with list 32: it is sent again under a new number (its item still by number).
    const again = wire(refs, lists[0]!);
    expect(again).toEqual({ list: SUGGESTION_LISTS_KEPT + 1, items: [{ ref: 0, reasons: ['场景：议价'] }] });
    expect(expandSuggestionItems(again, table)).toEqual([item(0)]);
    // That pushed list 1 out; list 2 is still kept on both sides.
    expect(expandSuggestionItems({ list: 1 }, table)).toBeNull();
    expect(refs.encode(lists[2]!)).toBe('{"list":2}');
    expect(expandSuggestionItems({ list: 2 }, table)).toEqual([item(2)]);
  });

  it('leaves an empty list and anything not shaped like engine items as it is', () => {
    const refs = new ItemRefs();
    expect(refs.encode('[]')).toBe('[]');
    expect(refs.encode('[{"kind":"reply"}]')).toBe('[{"kind":"reply"}]');
    expect(refs.size).toBe(0);
    expect(refs.listsSent).toBe(0);
  });

  it('keeps the client in step when full: new items take the oldest numbers, lists come and go, over many frames', () => {
    const refs = new ItemRefs(4);
    const table = newSuggestionRefTable();
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), (seed >>> 16) % n);
    let byRef = 0;
    let byList = 0;
    for (let f = 0; f < 2000; f++) {
      const ids = [...new Set(Array.from({ length: 1 + rand(3) }, () => rand(7)))];
      const items = ids.map((n) => item(n));
      const w = wire(refs, json(items));
      if (w.items) {
        byRef += w.items.filter((x) => x.ref !== undefined).length;
        for (const x of w.items) expect((x.ref ?? x.def)!).toBeLessThan(4);
      } else byList++;
      expect(expandSuggestionItems(w, table)).toEqual(items);
    }
    expect(refs.size).toBe(4);
    expect(table.lists.size).toBe(SUGGESTION_LISTS_KEPT);
    expect(byRef).toBeGreaterThan(100);
    expect(byList).toBeGreaterThan(100);
  });

  it('the client refuses a number it never received (the frame is dropped, REST fills in)', () => {
    const table = newSuggestionRefTable();
    expect(expandSuggestionItems([{ ref: 3 }], table)).toBeNull();
    expect(expandSuggestionItems([null], table)).toBeNull();
    expect(expandSuggestionItems({ list: 0 }, table)).toBeNull();
    expect(expandSuggestionItems({ list: 0, items: [{ ref: 3 }] }, table)).toBeNull();
    expect(table.lists.size).toBe(0);
    expect(expandSuggestionItems({ list: '0' }, table)).toBeNull();
    expect(expandSuggestionItems({ list: 0, items: 'x' }, table)).toBeNull();
    expect(expandSuggestionItems('[]', table)).toBeNull();
    expect(expandSuggestionItems([item(1)], table)).toEqual([item(1)]);
  });

  it('finds a list by its key when one is given: equal keys name the list sent, other keys define new lists', () => {
    const refs = new ItemRefs();
    const table = newSuggestionRefTable();
    const a = json([item(1), item(2)]);
    expect(expandSuggestionItems(wire2(refs, a, 'k-a'), table)).toEqual([item(1), item(2)]);
    // The same items as another string object (as a worker's answer is): found by the key alone.
    expect(wire2(refs, `${a.slice(0, 10)}${a.slice(10)}`, 'k-a')).toEqual({ list: 0 });
    // The same items under another key (another thread's or library version's parts): a new list, its items by ref.
    const other = wire2(refs, a, 'k-b');
    expect(other).toEqual({ list: 1, items: [{ ref: 0, reasons: ['场景：议价'] }, { ref: 1, reasons: ['场景：议价'] }] });
    expect(expandSuggestionItems(other, table)).toEqual([item(1), item(2)]);
  });
});

const wire2 = (refs: ItemRefs, items: string, key: string) => JSON.parse(refs.encode(items, key)) as WireList;
