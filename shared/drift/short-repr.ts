/**
 * A short Python `repr()` of a decoded value, for the `value` of a drift entry: bounded by
 * `maxChars` however big the value is (a million-item set costs O(maxChars)), iterative, and
 * built from the exact reprs in `render/python-repr.ts` for every leaf, so it reads like what the
 * person's program would print, cut with `…`.
 */
import { pythonFloatRepr } from '../model/python-float';
import { floatValue, type Value } from '../model/value';
import { pythonBytesRepr, pythonStrRepr } from '../render/python-repr';

/** Marks an output cut at `maxChars`. */
const ELLIPSIS = '…';

/** `repr()` of a leaf (anything but a container or object), at most about `maxChars` long. */
function leafRepr(v: Value, maxChars: number): string {
  switch (v.kind) {
    case 'null':
      return 'None';
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'int':
      return v.text;
    case 'float':
      return pythonFloatRepr(floatValue(v));
    case 'str':
      return v.value.length > maxChars ? pythonStrRepr(v.value.slice(0, maxChars)) + ELLIPSIS : pythonStrRepr(v.value);
    case 'bytes': {
      const cut = v.value.length > maxChars;
      const text = pythonBytesRepr(cut ? v.value.subarray(0, maxChars) : v.value) + (cut ? ELLIPSIS : '');
      return v.mutable ? `bytearray(${text})` : text;
    }
    case 'typed':
      return v.repr;
    case 'global':
      return `<class '${v.name}'>`;
    default:
      return ELLIPSIS;
  }
}

/**
 * Python's `repr()` of a value, cut near `maxChars` characters (with `…`). Iterative, so deep
 * trees cannot overflow the stack; a container that contains itself prints as `[...]`/`{...}`
 * like CPython. Objects the decoder kept inert print as `<module.Class object at 0x?>` (no file
 * records the address).
 */
export function shortRepr(value: Value, maxChars = 120): string {
  // Work items: a literal string to emit, a value to render, or the end of an active container.
  type Item = { t: 's'; s: string } | { t: 'v'; v: Value } | { t: 'end'; v: Value };
  const stack: Item[] = [{ t: 'v', v: value }];
  const active = new Set<Value>();
  let out = '';
  while (stack.length > 0) {
    if (out.length > maxChars) return out.slice(0, maxChars) + ELLIPSIS;
    const item = stack.pop() as Item;
    if (item.t === 's') {
      out += item.s;
      continue;
    }
    if (item.t === 'end') {
      active.delete(item.v);
      continue;
    }
    const v = item.v;
    if (v.kind !== 'list' && v.kind !== 'tuple' && v.kind !== 'set' && v.kind !== 'dict' && v.kind !== 'object') {
      out += leafRepr(v, maxChars);
      continue;
    }
    if (active.has(v)) {
      out += v.kind === 'list' ? '[...]' : v.kind === 'dict' ? '{...}' : '...';
      continue;
    }
    active.add(v);
    // Only as many children as could still fit are queued, so a 1M-item list costs O(maxChars).
    const room = Math.max(0, maxChars - out.length) * 3 + 8;
    const seq: Item[] = [];
    const full = (): boolean => {
      if (seq.length <= room) return false;
      seq.push({ t: 's', s: ELLIPSIS });
      return true;
    };
    if (v.kind === 'dict') {
      seq.push({ t: 's', s: v.cls ? `${shortClass(v.cls)}({` : '{' });
      const pairs = v.pairs;
      for (let i = 0; i < pairs.length && !full(); i += 2) {
        if (i > 0) seq.push({ t: 's', s: ', ' });
        seq.push({ t: 'v', v: pairs[i] }, { t: 's', s: ': ' }, { t: 'v', v: pairs[i + 1] });
      }
      seq.push({ t: 's', s: v.cls ? '})' : '}' });
    } else if (v.kind === 'object') {
      seq.push({ t: 's', s: `<${v.cls} object at 0x?>` });
    } else if (v.kind === 'set' && v.items.length === 0) {
      seq.push({ t: 's', s: v.frozen ? 'frozenset()' : 'set()' });
    } else {
      const [open, close] =
        v.kind === 'list' ? ['[', ']'] : v.kind === 'tuple' ? ['(', v.items.length === 1 ? ',)' : ')'] : v.frozen ? ['frozenset({', '})'] : ['{', '}'];
      seq.push({ t: 's', s: open });
      for (let i = 0; i < v.items.length && !full(); i++) {
        if (i > 0) seq.push({ t: 's', s: ', ' });
        seq.push({ t: 'v', v: v.items[i] });
      }
      seq.push({ t: 's', s: close });
    }
    stack.push({ t: 'end', v });
    // Pushed in reverse so the opening text comes out first.
    for (let i = seq.length - 1; i >= 0; i--) stack.push(seq[i]);
  }
  return out.length > maxChars ? out.slice(0, maxChars) + ELLIPSIS : out;
}

function shortClass(cls: string): string {
  const dot = cls.lastIndexOf('.');
  return dot >= 0 ? cls.slice(dot + 1) : cls;
}
