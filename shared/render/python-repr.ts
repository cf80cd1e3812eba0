/**
 * Python's `repr()` and `str()` of decoded values, as far as the value tree can know them.
 *
 * Used for dict-key pointer tokens (`(1, 2)`), for `json.dumps(..., default=str)` of sets and
 * bytes, and by viewers. Exact for None, bools, ints, floats, str, bytes/bytearray, tuples, lists,
 * plain dicts, sets and frozensets (in the order the pickle listed them, which is the order the
 * writing process iterated them), and typed stdlib nodes (their recorded repr/str). Limits:
 * - an arbitrary object's repr holds a memory address (`<mod.Cls object at 0x7f…>`) that no file
 *   records: we write `<mod.Cls object at 0x?>`; exceptions are rendered `Cls(args…)` as Python does;
 * - a global's repr depends on whether it names a class or a function: we write `<class 'mod.name'>`;
 * - "printable" for str repr follows the JS engine's Unicode tables, which may be a version apart
 *   from the Python that wrote the file;
 * - dict subclasses: `OrderedDict` uses the 3.12+ form `OrderedDict({...})`; a `defaultdict`'s
 *   factory is unknown and written as `defaultdict(?, {...})`.
 *
 * Iterative (explicit work stack), so deeply nested tuples cannot overflow the JS stack, and a
 * container met again inside itself prints as Python's `[...]` / `{...}`.
 */
import { pythonFloatRepr } from '../model/python-float';
import { floatValue, type Value } from '../model/value';

type Work = string | Value | { readonly leave: object };

/** Python's `repr()` of a value. */
export function pythonRepr(value: Value): string {
  const out: string[] = [];
  const active = new Set<object>();
  const work: Work[] = [value];
  while (work.length > 0) {
    const w = work.pop() as Work;
    if (typeof w === 'string') {
      out.push(w);
      continue;
    }
    if ('leave' in w) {
      active.delete(w.leave);
      continue;
    }
    const v = w;
    switch (v.kind) {
      case 'null':
        out.push('None');
        break;
      case 'bool':
        out.push(v.value ? 'True' : 'False');
        break;
      case 'int':
        out.push(v.text);
        break;
      case 'float':
        out.push(pythonFloatRepr(floatValue(v)));
        break;
      case 'str':
        out.push(pythonStrRepr(v.value));
        break;
      case 'bytes':
        out.push(v.mutable ? `bytearray(${pythonBytesRepr(v.value)})` : pythonBytesRepr(v.value));
        break;
      case 'typed':
        out.push(v.repr);
        break;
      case 'global':
        out.push(`<class '${v.name}'>`);
        break;
      case 'object': {
        if (active.has(v)) {
          out.push('...');
          break;
        }
        if (!isExceptionClass(v.cls)) {
          out.push(`<${v.cls} object at 0x?>`);
          break;
        }
        const args = v.args ?? [];
        active.add(v);
        const seq: Work[] = [`${shortName(v.cls)}(`];
        args.forEach((a, i) => {
          if (i > 0) seq.push(', ');
          seq.push(a);
        });
        seq.push(')', { leave: v });
        pushReversed(work, seq);
        break;
      }
      case 'list':
      case 'tuple':
      case 'set': {
        if (active.has(v)) {
          out.push(v.kind === 'list' ? '[...]' : '...');
          break;
        }
        let open: string;
        let close: string;
        if (v.kind === 'list') {
          open = '[';
          close = ']';
        } else if (v.kind === 'tuple') {
          open = '(';
          close = v.items.length === 1 ? ',)' : ')';
        } else if (v.items.length === 0) {
          out.push(v.frozen ? 'frozenset()' : 'set()');
          break;
        } else {
          open = v.frozen ? 'frozenset({' : '{';
          close = v.frozen ? '})' : '}';
        }
        active.add(v);
        const seq: Work[] = [open];
        v.items.forEach((item, i) => {
          if (i > 0) seq.push(', ');
          seq.push(item);
        });
        seq.push(close, { leave: v });
        pushReversed(work, seq);
        break;
      }
      case 'dict': {
        if (active.has(v)) {
          out.push('{...}');
          break;
        }
        active.add(v);
        const seq: Work[] = [];
        if (v.cls === 'collections.OrderedDict') seq.push('OrderedDict(');
        else if (v.cls === 'collections.defaultdict') seq.push('defaultdict(?, ');
        else if (v.cls === 'collections.Counter') seq.push('Counter(');
        else if (v.cls) seq.push(`${shortName(v.cls)}(`);
        seq.push('{');
        for (let i = 0; i < v.pairs.length; i += 2) {
          if (i > 0) seq.push(', ');
          seq.push(v.pairs[i], ': ', v.pairs[i + 1]);
        }
        seq.push('}');
        if (v.cls) seq.push(')');
        seq.push({ leave: v });
        pushReversed(work, seq);
        break;
      }
    }
  }
  return out.join('');
}

/**
 * Python's `str()` of a value: the string itself for str, the recorded `str` for typed nodes,
 * `str(args[0])` / `''` / the args tuple for exceptions, and `repr()` otherwise.
 */
export function pythonStr(value: Value): string {
  switch (value.kind) {
    case 'str':
      return value.value;
    case 'typed':
      return value.str;
    case 'object': {
      if (!isExceptionClass(value.cls)) return pythonRepr(value);
      const args = value.args ?? [];
      if (args.length === 0) return '';
      if (args.length === 1) return pythonStr(args[0]);
      return pythonRepr({ kind: 'tuple', items: args });
    }
    default:
      return pythonRepr(value);
  }
}

/** Python's `repr()` of a str: quote choice, escapes and printable test as CPython's `unicode_repr`. */
export function pythonStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === quote.charCodeAt(0) || c === 0x5c) {
      out += `\\${s[i]}`;
    } else if (c === 0x09) {
      out += '\\t';
    } else if (c === 0x0a) {
      out += '\\n';
    } else if (c === 0x0d) {
      out += '\\r';
    } else if (c < 0x20 || c === 0x7f) {
      out += `\\x${c.toString(16).padStart(2, '0')}`;
    } else if (c < 0x7f) {
      out += s[i];
    } else {
      const cp = s.codePointAt(i) as number;
      const ch = String.fromCodePoint(cp);
      const width = cp > 0xffff ? 2 : 1;
      if (cp >= 0xd800 && cp <= 0xdfff) out += `\\u${cp.toString(16)}`;
      else if (NON_PRINTABLE.test(ch)) {
        if (cp <= 0xff) out += `\\x${cp.toString(16).padStart(2, '0')}`;
        else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, '0')}`;
        else out += `\\U${cp.toString(16).padStart(8, '0')}`;
      } else out += ch;
      i += width - 1;
    }
  }
  return out + quote;
}

/** Python's `repr()` of bytes: `b'...'` with `\xhh` for anything outside printable ASCII. */
export function pythonBytesRepr(bytes: Uint8Array): string {
  let hasSingle = false;
  let hasDouble = false;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x27) hasSingle = true;
    else if (bytes[i] === 0x22) hasDouble = true;
  }
  const quote = hasSingle && !hasDouble ? 0x22 : 0x27;
  const parts: string[] = ['b', String.fromCharCode(quote)];
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === quote || c === 0x5c) parts.push(`\\${String.fromCharCode(c)}`);
    else if (c === 0x09) parts.push('\\t');
    else if (c === 0x0a) parts.push('\\n');
    else if (c === 0x0d) parts.push('\\r');
    else if (c < 0x20 || c >= 0x7f) parts.push(`\\x${c.toString(16).padStart(2, '0')}`);
    else parts.push(String.fromCharCode(c));
  }
  parts.push(String.fromCharCode(quote));
  return parts.join('');
}

// CPython's Py_UNICODE_ISPRINTABLE: everything except categories Cc, Cf, Cs, Co, Cn, Zl, Zp and
// Zs (but the ASCII space is printable, and never reaches this test).
const NON_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

function pushReversed(work: Work[], seq: readonly Work[]): void {
  for (let i = seq.length - 1; i >= 0; i--) work.push(seq[i]);
}

function shortName(qualified: string): string {
  const dot = qualified.lastIndexOf('.');
  return dot < 0 ? qualified : qualified.slice(dot + 1);
}

/** Builtin exception classes (and anything named like one) repr as `Name(args)`. */
function isExceptionClass(cls: string): boolean {
  return /(?:Error|Exception|Warning|Exit|Interrupt|StopIteration|StopAsyncIteration)$/.test(cls);
}
