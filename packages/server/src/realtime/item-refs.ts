import { SUGGESTION_LISTS_KEPT } from '@kefu/contracts';

/**
 * Server side of `suggestionRefs` (docs/REALTIME.md; the client side is `expandSuggestionItems` in @kefu/contracts):
 * the items of `suggestions` frames already sent on one agent socket, by number. Suggestions repeat — the same
 * questions get the same ranked replies, for buyer after buyer — and an item is ~300 bytes of Chinese text that the
 * socket would otherwise carry again and the browser decode and parse again. An item sent again goes as
 * `{"ref":n,"reasons":[…]}`: the reasons belong to the ranking of each buyer message, so they always come along.
 * A whole items array sent again — a repeated question ranked into the very same items with the very same reasons —
 * goes as `{"list":k}`: each array is sent once as `{"list":k,"items":[…]}`, and the socket's latest
 * `SUGGESTION_LISTS_KEPT` arrays can be named by number.
 */
export class ItemRefs {
  private readonly byItem = new Map<string, number>();
  private readonly slots: string[] = [];
  /** Once full, the slot given to the next new item: the oldest one (first in, first out). */
  private next = 0;
  /**
   * The latest items arrays sent, by their list key (the assist engine's `RunOk.list`, else their JSON), with their
   * list numbers (in number order: the first entry is the oldest). The client keeps each list expanded, so a list
   * stays valid when its items' numbers are given to other items later. A repeated question is ranked into the very
   * same array (the assist service keeps rankings), so its frame is a number: not split and looked up item by item
   * (~2 µs), nor ~400 characters of reasons for the client to decode and parse (~3 µs) again.
   */
  private readonly lists = new Map<string, number>();
  private nextList = 0;

  constructor(readonly capacity = ITEM_REFS_CAPACITY) {}

  get size(): number {
    return this.byItem.size;
  }

  /**
   * The items of a frame (`[{"id":…},…]` as the assist engine writes it) for this socket: `{"list":k}` when this very
   * array was sent as list k, else `{"list":k,"items":[…]}` with a new k, where an item the socket already has (all
   * but its reasons the same) becomes `{"ref":n,"reasons":[…]}` and a new one is sent whole with `"def":n` first and
   * kept. Call it only for a frame that is then written to the socket, in the order they are written: the client
   * numbers the lists and items as it receives them.
   * `key` stands for `items` (equal keys only for equal items: the assist engine's `RunOk.list`). A fresh items string
   * from the worker is ~2.5 K characters that a look-up by itself would hash and compare in full (~2 µs); its key is a
   * fraction of that. Without a key, the items are their own (a key never starts with `[`, so the two never meet).
   */
  encode(items: string, key: string = items): string {
    const list = this.lists.get(key);
    if (list !== undefined) return `{"list":${list}}`;
    if (!items.startsWith(ITEM_START, 1) || items.charCodeAt(0) !== 0x5b /* [ */) return items;
    const k = this.nextList++;
    // A copy of its own, as for items (`keep`): the key may be a slice of a larger string.
    this.lists.set(copy(key), k);
    if (this.lists.size > SUGGESTION_LISTS_KEPT) this.lists.delete(this.lists.keys().next().value!);
    return `{"list":${k},"items":${this.encodeItems(items)}}`;
  }

  /** Lists numbered so far (tests). */
  get listsSent(): number {
    return this.nextList;
  }

  private encodeItems(items: string): string {
    let out = '[';
    let start = 1;
    for (let first = true; ; first = false) {
      const at = items.indexOf(ITEM_SEP, start);
      const item = at < 0 ? items.slice(start, items.length - 1) : items.slice(start, at + 1);
      // The reasons are the ranking's, for this buyer message (the words it shares with the reply, 常被选用 …): they
      // travel with every frame, and the item is known by the rest.
      let key = item;
      let reasons = '';
      const r = item.indexOf(REASONS);
      const end = r < 0 ? -1 : arrayEnd(item, r + REASONS.length - 1);
      if (end > 0) {
        key = item.slice(0, r) + item.slice(end + 1);
        reasons = `,${item.slice(r + 1, end + 1)}`;
      }
      const have = this.byItem.get(key);
      if (have !== undefined) out += `${first ? '' : ','}{"ref":${have}${reasons}}`;
      else out += `${first ? '' : ','}{"def":${this.keep(key)},${item.slice(1)}`;
      if (at < 0) return `${out}]`;
      start = at + 2;
    }
  }

  private keep(slice: string): number {
    // A copy of its own: the key is made of slices of the frame's whole items JSON, and kept as it is it would keep
    // that alive too (measured: ~5× the item's own size). Only new items are copied; look-ups use the slices.
    const item = copy(slice);
    let n: number;
    if (this.slots.length < this.capacity) {
      n = this.slots.length;
      this.slots.push(item);
    } else {
      n = this.next;
      this.byItem.delete(this.slots[n]!);
      this.slots[n] = item;
      this.next = (n + 1) % this.capacity;
    }
    this.byItem.set(item, n);
    return n;
  }
}

/**
 * Items kept per socket: a few scenarios' worth of replies (~400 bytes of heap each, so ~100 KB a socket at most). The
 * lists (`SUGGESTION_LISTS_KEPT`) add ~3 KB each (two-byte strings), ~100 KB a socket at most.
 */
export const ITEM_REFS_CAPACITY = 256;

/** A flat string of its own (not a slice that would keep its parent alive). */
function copy(s: string): string {
  return Buffer.from(s, 'utf16le').toString('utf16le');
}

/**
 * Every item begins `{"id":` (engine `itemJson`). Inside a JSON string a quote is always escaped (`\"`), so `},{"id":`
 * can only be the boundary between two items, never text within one.
 */
const ITEM_START = '{"id":';
const ITEM_SEP = `},${ITEM_START}`;
/** Likewise, `,"reasons":[` can only be the field itself. */
const REASONS = ',"reasons":[';

/** Index of the `]` closing the array that opens at `open`, skipping over its strings; -1 if there is none. */
function arrayEnd(s: string, open: number): number {
  let inString = false;
  for (let i = open + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5d /* ] */) return i;
  }
  return -1;
}
