/**
 * Python's `repr()` of a decoded value, bounded. Diff uses it to name non-str dict keys in JSON
 * Pointers (`/1`, `/(1, 2)`), drift uses it for the short `value` of each entry. It follows CPython
 * closely (quote choice and escapes for str and bytes, `(1,)`, `set()`, `frozenset({…})`,
 * `[...]` for a list that contains itself) so that a person recognises what their program printed.
 */
import { pythonFloatRepr } from '../model/python-float';
import type { Value } from '../model/value';

/** Marks an output cut at `maxChars`. */
const ELLIPSIS = '…';

// Python's str.isprintable() is false for these; repr() escapes them.
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** `repr(s)` for a Python str. */
export function pythonStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${hex(code, 2)}`;
    else if (code < 0x7f || ch === ' ') out += ch;
    else if (NON_PRINTABLE.test(ch)) out += code <= 0xff ? `\\x${hex(code, 2)}` : code <= 0xffff ? `\\u${hex(code, 4)}` : `\\U${hex(code, 8)}`;
    else out += ch;
  }
  return out + quote;
}

/** `repr(b)` for bytes (`b'…'`) or bytearray (`bytearray(b'…')`), stopping after `maxBytes` bytes. */
export function pythonBytesRepr(bytes: Uint8Array, mutable = false, maxBytes = Infinity): string {
  let hasSingle = false;
  let hasDouble = false;
  for (const b of bytes) {
    if (b === 0x27) hasSingle = true;
    else if (b === 0x22) hasDouble = true;
  }
  const quote = hasSingle && !hasDouble ? '"' : "'";
  const q = quote.charCodeAt(0);
  const parts: string[] = ['b', quote];
  const n = Math.min(bytes.length, maxBytes);
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0x5c) parts.push('\\\\');
    else if (b === q) parts.push(`\\${quote}`);
    else if (b === 0x0a) parts.push('\\n');
    else if (b === 0x0d) parts.push('\\r');
    else if (b === 0x09) parts.push('\\t');
    else if (b < 0x20 || b >= 0x7f) parts.push(`\\x${hex(b, 2)}`);
    else parts.push(String.fromCharCode(b));
  }
  if (n < bytes.length) parts.push(ELLIPSIS);
  parts.push(quote);
  const text = parts.join('');
  return mutable ? `bytearray(${text})` : text;
}

/** `repr()` of a leaf (anything but a container or object); containers get a placeholder. */
function leafRepr(v: Value, maxChars: number): string {
  switch (v.kind) {
    case 'null':
      return 'None';
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'int':
      return v.text;
    case 'float':
      return pythonFloatRepr(v.value);
    case 'str':
      return pythonStrRepr(v.value.length > maxChars ? v.value.slice(0, maxChars) : v.value);
    case 'bytes':
      return pythonBytesRepr(v.value, v.mutable, maxChars);
    case 'typed':
      return v.repr;
    case 'global':
      return v.name;
    default:
      return '…';
  }
}

/**
 * Python's `repr()` of a value, cut near `maxChars` characters (with `…`). Iterative, so deep
 * trees cannot overflow the stack; a container that contains itself prints as `[...]`/`{...}`
 * like CPython. Objects the decoder kept inert print as `<module.Class object>` (no address).
 */
export function pythonRepr(value: Value, maxChars = 120): string {
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
      for (let i = 0; i < v.entries.length && !full(); i++) {
        if (i > 0) seq.push({ t: 's', s: ', ' });
        seq.push({ t: 'v', v: v.entries[i].key }, { t: 's', s: ': ' }, { t: 'v', v: v.entries[i].value });
      }
      seq.push({ t: 's', s: v.cls ? '})' : '}' });
    } else if (v.kind === 'object') {
      seq.push({ t: 's', s: `<${v.cls} object>` });
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

/** The JSON Pointer token for a dict key: a str key as itself, any other key by its Python repr. */
export function dictKeyToken(key: Value): string {
  return key.kind === 'str' ? key.value : pythonRepr(key, 200);
}

function shortClass(cls: string): string {
  const dot = cls.lastIndexOf('.');
  return dot >= 0 ? cls.slice(dot + 1) : cls;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}
