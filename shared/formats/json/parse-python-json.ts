/**
 * Python's JSON dialect, parsed from UTF-8 bytes into the value tree, with findings precise
 * enough to act on at 3 a.m.
 *
 * What "Python's dialect" means here is what `json.load(open(path))` accepts on a UTF-8 system:
 * - `NaN`, `Infinity`, `-Infinity` are values; integers of any size are kept as exact text and
 *   floats keep the text they were written with;
 * - strings must not contain raw control characters (Python's `strict=True`); `\uXXXX` escapes may
 *   form surrogate pairs, and a lone surrogate is kept as Python keeps it;
 * - a repeated key keeps the position of its first occurrence and the value of its last, exactly
 *   as `dict` does, and is reported (`json.duplicate_key`), since a value was silently dropped;
 * - the bytes must be valid UTF-8 (Python decodes the whole file before parsing) and must not
 *   start with a byte-order mark (`json.load` on a text file refuses one).
 *
 * When decoding fails, the first problem met is classified so the person knows what happened:
 * `json.truncated` (the text stops while something is still open: a killed writer),
 * `json.zero_filled` (NUL bytes: a zero-filled block or tail left by a crash or a `dd`),
 * otherwise `json.syntax`. The value decoded up to that point is returned as `partial`.
 *
 * The parser is a loop over an explicit stack (never the JS call stack), so a file nested 100k
 * levels deep yields a finding instead of a stack overflow. It scans bytes; the file is decoded to
 * one string once and each finished token is a substring of it. On a big checkpoint most of the
 * time goes to the garbage collector copying the tree, so the tree is kept small: short strings
 * (keys above all: real checkpoints repeat them millions of times), null, booleans, NaN/Infinity
 * and small ints are shared frozen leaf nodes (walkers only track containers, so sharing leaves is
 * invisible to them), and each container gets an exact-size array of children when it closes.
 */
import { childPointer } from '../../model/json-pointer';
import type { Finding, FindingCode } from '../../model/finding';
import type { DictValue, IntValue, ListValue, StrValue, Value } from '../../model/value';
import type { DecodeResult } from '../types';
import { endsInsideSequence, utf8Sequence } from '../../text/utf8-sequence';

/** Options for {@link parsePythonJson}. */
export interface ParsePythonJsonOptions {
  /** Nesting depth at which decoding stops (default 100000). */
  readonly maxDepth?: number;
}

/**
 * Nesting depth past which Python's own `json.load` raises RecursionError. CPython's recursion
 * limit is 1000 frames and the caller already uses a few; a top-level script fails at 996.
 */
export const PYTHON_JSON_DEPTH_LIMIT = 990;

/** Python 3.11+ refuses to convert integers with more decimal digits than this (`sys.int_info`). */
export const PYTHON_INT_MAX_STR_DIGITS = 4300;

const DEFAULT_MAX_DEPTH = 100_000;
/** Beyond this many duplicate-key findings one summary finding is added instead. */
const MAX_DUPLICATE_FINDINGS = 50;

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const UPPER_E = 0x45;
const UPPER_I = 0x49;
const UPPER_N = 0x4e;
const LBRACKET = 0x5b;
const BACKSLASH = 0x5c;
const RBRACKET = 0x5d;
const LOWER_E = 0x65;
const LOWER_F = 0x66;
const LOWER_N = 0x6e;
const LOWER_T = 0x74;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

const utf8 = new TextDecoder('utf-8');

/*
 * Leaf nodes are immutable and the walkers only track containers (see walk-value.ts), so the
 * commonest leaves are shared instead of allocated per occurrence: on a big checkpoint the tree's
 * size is what the parse time goes to (the garbage collector copies every node it keeps).
 */
const NULL_NODE: Value = Object.freeze({ kind: 'null' });
const TRUE_NODE: Value = Object.freeze({ kind: 'bool', value: true });
const FALSE_NODE: Value = Object.freeze({ kind: 'bool', value: false });
const NAN_NODE: Value = Object.freeze({ kind: 'float', text: 'NaN' });
const INF_NODE: Value = Object.freeze({ kind: 'float', text: 'Infinity' });
const NEG_INF_NODE: Value = Object.freeze({ kind: 'float', text: '-Infinity' });
const SMALL_INTS: readonly IntValue[] = Array.from({ length: 1024 }, (_, i) => Object.freeze({ kind: 'int', text: String(i) }));
/**
 * Files up to this size are decoded to one string up front and tokens are cut from it by index
 * (far cheaper than building each from bytes); past it, tokens are built from the bytes.
 */
const WHOLE_TEXT_MAX_BYTES = 256 * 1024 * 1024;

/** One open container on the explicit stack. */
interface Frame {
  readonly node: ListValue | DictValue;
  /** Byte offset of the opening bracket. */
  readonly open: number;
  /** Where this container's children start in the parser's scratch array. */
  readonly start: number;
  /** The key whose value is being parsed (dicts only). */
  key: StrValue;
  /** Byte offset of that key's opening quote. */
  keyOffset: number;
  /** Key → entry index (from `start`), built once a dict grows past a handful of entries. */
  index: Map<string, number> | null;
}

/** Why parsing stopped. */
interface Failure {
  readonly code: FindingCode;
  readonly message: string;
  readonly offset: number;
  readonly pointer?: string;
}

const EMPTY_KEY: StrValue = Object.freeze({ kind: 'str', value: '' });
/** What an open container holds until it closes (or parsing stops) and gets its exact-size array. */
const PENDING: never[] = Object.freeze([]) as unknown as never[];

/** Signals a failure already recorded on the parser; never escapes this module. */
class Stop {}
const STOP = new Stop();

/**
 * Parse Python-dialect JSON bytes. Never throws on bad input: a file Python's `json.load` would
 * refuse gives `corrupt` (or, for problems found after a complete decode such as a byte-order mark
 * or nesting past Python's limit, `ok` with an error finding).
 */
export function parsePythonJson(input: Uint8Array, file: string, options?: ParsePythonJsonOptions): DecodeResult {
  const parser = new Parser(input, file, options?.maxDepth ?? DEFAULT_MAX_DEPTH);
  return parser.run();
}

class Parser {
  private pos = 0;
  private readonly stack: Frame[] = [];
  /**
   * The children of every open container, innermost last. A container gets them as one
   * exact-size array when it closes: no growth slack kept in the tree, no regrowth copies.
   */
  private readonly scratch: Value[] = [];
  private root: Value | undefined;
  private readonly findings: Finding[] = [];
  private failure: Failure | null = null;
  /** True while the top frame's next child is being parsed and is not attached yet. */
  private inValue = false;
  private duplicates = 0;
  /** Values attached plus keys read: the tree's node count (JSON trees share no containers). */
  private nodes = 0;
  private deepest = 0;
  /** Offset of the first bracket nested past Python's limit. */
  private tooDeepAt = -1;
  private longIntAt = -1;
  private longIntDigits = 0;
  private longIntPointer = '';
  private longIntCount = 0;
  /** Short ASCII strings met recently, by hash: their nodes are shared (keys repeat millions of times). */
  private readonly strCache: (StrValue | undefined)[] = new Array(4096);
  /**
   * The whole file decoded once (null when too big), and how many more bytes than UTF-16 units
   * precede the current position: text up to it holds `delta` fewer units than bytes, because of
   * a skipped byte-order mark and multi-byte characters in the strings passed so far.
   */
  private src: string | null = null;
  private delta = 0;
  /** The file is UTF-16/32: its NULs belong to the characters. */
  private wide = false;
  private lcMemo = { offset: 0, line: 1, lineStart: 0, column: 1 };

  constructor(
    private readonly b: Uint8Array,
    private readonly file: string,
    private readonly maxDepth: number,
  ) {}

  run(): DecodeResult {
    try {
      this.parse();
    } catch (e) {
      if (e !== STOP) throw e;
    }
    // The partial value shows what was decoded, so the containers left open get their children.
    while (this.stack.length > 0) this.close();
    if (this.failure) {
      const f = this.failure;
      this.findings.push(this.finding(f.code, 'error', f.message, f.offset, f.pointer));
      if (f.code !== 'json.zero_filled' && !this.wide) this.reportNulsAfter(f.offset);
    }
    this.reportDepthAndLongInts();
    if (this.failure) {
      return this.root === undefined
        ? { kind: 'corrupt', findings: this.findings }
        : { kind: 'corrupt', findings: this.findings, partial: this.root };
    }
    // A duplicate key's dropped value was counted too: then the count is not the tree's.
    if (this.duplicates > 0) return { kind: 'ok', value: this.root as Value, findings: this.findings };
    return { kind: 'ok', value: this.root as Value, findings: this.findings, nodes: this.nodes };
  }

  // ---------------------------------------------------------------------------------------------
  // The main loop: alternate between "a value is expected" and "a value just ended".

  private parse(): void {
    const b = this.b;
    const n = b.length;
    const wide = wideEncoding(b);
    if (wide !== null) {
      this.wide = true;
      // Its NUL bytes are part of every character: not zero fill, and not worth a character-by-character complaint.
      this.fail(
        'json.syntax',
        0,
        `The file is encoded as ${wide}, not UTF-8. Python's json.load(open(path)) reads UTF-8 and fails on it (json.loads on the raw ` +
          `bytes would auto-detect ${wide}). The writer opened the file with another encoding; re-encode it as UTF-8, or have the ` +
          `loader open it with encoding='${wide.toLowerCase()}'.`,
        '',
      );
    }
    if (n >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
      this.findings.push(
        this.finding(
          'json.syntax',
          'error',
          'The file starts with a UTF-8 byte-order mark (bytes EF BB BF). Python\'s json.load on a text file refuses it ' +
            '("Unexpected UTF-8 BOM"), so the job cannot load this checkpoint as written. Strip the first 3 bytes, or load it ' +
            "with encoding='utf-8-sig'. The rest was decoded normally.",
          0,
        ),
      );
      this.pos = 3;
    }
    if (n <= WHOLE_TEXT_MAX_BYTES) {
      // Invalid UTF-8 decodes to U+FFFD here, but the parse fails at the first invalid byte
      // before any token after it is cut, so the offsets of everything cut stay exact.
      this.delta = this.pos;
      this.src = utf8.decode(this.pos === 0 ? b : b.subarray(this.pos));
    }
    const stack = this.stack;
    for (;;) {
      // A value is expected at this.pos.
      this.inValue = true;
      let pos = this.ws(this.pos);
      if (pos >= n) {
        if (stack.length === 0) this.blank(pos);
        this.unexpected(pos, 'a value', this.valueContext());
      }
      const c = b[pos];
      if (c === LBRACE || c === LBRACKET) {
        const node: ListValue | DictValue = c === LBRACE ? { kind: 'dict', pairs: PENDING } : { kind: 'list', items: PENDING };
        this.attach(node);
        if (stack.length >= this.maxDepth) this.stopTooDeep(pos);
        stack.push({ node, open: pos, start: this.scratch.length, key: EMPTY_KEY, keyOffset: -1, index: null });
        if (stack.length > this.deepest) {
          this.deepest = stack.length;
          if (stack.length > PYTHON_JSON_DEPTH_LIMIT && this.tooDeepAt < 0) this.tooDeepAt = pos;
        }
        pos = this.ws(pos + 1);
        const close = c === LBRACE ? RBRACE : RBRACKET;
        if (pos < n && b[pos] === close) {
          this.close();
          this.pos = pos + 1;
        } else if (c === LBRACE) {
          this.pos = pos;
          this.key();
          continue;
        } else {
          this.pos = pos;
          continue;
        }
      } else if (c === QUOTE) {
        this.attach(this.string(pos, false));
      } else if ((c >= ZERO && c <= NINE) || c === MINUS) {
        this.attach(this.number(pos));
      } else {
        this.attach(this.literal(pos));
      }
      // A value just ended at this.pos: close containers until one expects another item.
      for (;;) {
        const depth = stack.length;
        if (depth === 0) {
          this.end();
          return;
        }
        const top = stack[depth - 1];
        pos = this.ws(this.pos);
        const isDict = top.node.kind === 'dict';
        const expected = isDict ? "',' or '}'" : "',' or ']'";
        if (pos >= n) this.unexpected(pos, expected, this.afterContext(), "Expecting ',' delimiter");
        const d = b[pos];
        if (d === COMMA) {
          this.pos = pos + 1;
          if (isDict) this.key();
          break;
        }
        if (d === (isDict ? RBRACE : RBRACKET)) {
          this.close();
          this.pos = pos + 1;
          continue;
        }
        this.unexpected(pos, expected, this.afterContext(), "Expecting ',' delimiter");
      }
    }
  }

  /** Parse `"key" :` at this.pos (after `{` or `,`), leaving this.pos at the value. */
  private key(): void {
    const b = this.b;
    const top = this.stack[this.stack.length - 1];
    let pos = this.ws(this.pos);
    if (pos >= this.b.length || b[pos] !== QUOTE) {
      const at = this.containerPointer();
      this.unexpected(pos, 'a key in double quotes', `where a key of the object at ${this.where(at)} should start`, 'Expecting property name enclosed in double quotes', at);
    }
    top.keyOffset = pos;
    top.key = this.string(pos, true);
    this.nodes++;
    pos = this.ws(this.pos);
    if (pos >= b.length || b[pos] !== COLON) {
      this.unexpected(pos, "':'", `after the key ${quoteKey(top.key.value)} of the object at ${this.where(this.containerPointer())}`, "Expecting ':' delimiter");
    }
    this.pos = pos + 1;
  }

  private end(): void {
    const b = this.b;
    const pos = this.ws(this.pos);
    if (pos < b.length) {
      if (b[pos] === 0) this.zeroFilled(pos);
      this.fail(
        'json.syntax',
        pos,
        `The JSON value ends at byte ${pos} but the file goes on: ${describeAt(b, pos)} follows at ${this.lcText(pos)}. ` +
          'Python\'s json.load fails with "Extra data". Two writes may have landed in the same file (a second writer, or a ' +
          'shorter state written over a longer one without truncating); fall back to an earlier healthy generation.',
        '',
      );
    }
    this.pos = pos;
  }

  private ws(pos: number): number {
    const b = this.b;
    const n = b.length;
    while (pos < n) {
      const c = b[pos];
      if (c === SPACE || c === LF || c === CR || c === TAB) pos++;
      else break;
    }
    return pos;
  }

  /** Attach a finished value (or a container being opened) to its parent. */
  private attach(v: Value): void {
    this.nodes++;
    const stack = this.stack;
    const depth = stack.length;
    if (depth === 0) {
      this.root = v;
      this.inValue = false;
      return;
    }
    const top = stack[depth - 1];
    const scratch = this.scratch;
    this.inValue = false;
    if (top.node.kind === 'list') {
      scratch.push(v);
      return;
    }
    // A dict's scratch holds its keys and values alternately, as its `pairs` will.
    const start = top.start;
    const count = (scratch.length - start) >> 1;
    const keyNode = top.key;
    const key = keyNode.value;
    let dup = -1;
    if (top.index !== null) {
      const i = top.index.get(key);
      if (i !== undefined) dup = i;
    } else if (count < 12) {
      for (let i = 0; i < count; i++) {
        const k = scratch[start + 2 * i] as StrValue;
        if (k === keyNode || k.value === key) {
          dup = i;
          break;
        }
      }
    } else {
      const index = new Map<string, number>();
      for (let i = 0; i < count; i++) index.set((scratch[start + 2 * i] as StrValue).value, i);
      top.index = index;
      const i = index.get(key);
      if (i !== undefined) dup = i;
    }
    if (dup >= 0) {
      // dict semantics: the first position stays, the last value wins.
      scratch[start + 2 * dup + 1] = v;
      this.duplicateKey(top, key);
      return;
    }
    if (top.index !== null) top.index.set(key, count);
    scratch.push(keyNode, v);
  }

  /** Close the innermost container: it takes its children from the scratch array. */
  private close(): void {
    const f = this.stack.pop() as Frame;
    const scratch = this.scratch;
    const children = scratch.slice(f.start);
    scratch.length = f.start;
    if (f.node.kind === 'list') (f.node as { items: Value[] }).items = children;
    else (f.node as { pairs: Value[] }).pairs = children;
  }

  // ---------------------------------------------------------------------------------------------
  // Tokens.

  /** Parse a string token whose opening quote is at `q`; sets this.pos after the closing quote. */
  private string(q: number, isKey: boolean): StrValue {
    const b = this.b;
    const n = b.length;
    let i = q + 1;
    let h = 0;
    while (i < n) {
      const c = b[i];
      if (c === QUOTE) {
        this.pos = i + 1;
        const len = i - q - 1;
        if (len <= 24) return this.cachedAscii(q + 1, len, h);
        return { kind: 'str', value: this.slice(q + 1, i) };
      }
      if (c === BACKSLASH || c < SPACE || c >= 0x80) break;
      h = (Math.imul(h, 31) + c) | 0;
      i++;
    }
    return { kind: 'str', value: this.stringSlow(q, i, isKey) };
  }

  /** Short ASCII strings (keys, enum-like values) repeat: reuse the node built last time. */
  private cachedAscii(start: number, len: number, h: number): StrValue {
    const b = this.b;
    const slot = (h ^ (h >>> 12) ^ len) & 4095;
    const hit = this.strCache[slot];
    if (hit !== undefined) {
      const s = hit.value;
      if (s.length === len) {
        let k = 0;
        while (k < len && s.charCodeAt(k) === b[start + k]) k++;
        if (k === len) return hit;
      }
    }
    const node: StrValue = Object.freeze({ kind: 'str', value: this.slice(start, start + len) });
    this.strCache[slot] = node;
    return node;
  }

  /** The ASCII-only token at bytes [start, end), which lie after every multi-byte character passed so far. */
  private slice(start: number, end: number): string {
    const src = this.src;
    if (src === null) return asciiSlice(this.b, start, end);
    const d = this.delta;
    return src.substring(start - d, end - d);
  }

  private stringSlow(q: number, from: number, isKey: boolean): string {
    const b = this.b;
    const n = b.length;
    const pieces: string[] = [];
    let segStart = q + 1;
    let segAscii = true;
    let i = from;
    const flush = (end: number): void => {
      if (end > segStart) pieces.push(segAscii ? asciiSlice(b, segStart, end) : utf8.decode(b.subarray(segStart, end)));
    };
    for (;;) {
      if (i >= n) this.unexpected(i, 'the rest of the string', this.stringContext(isKey), 'Unterminated string starting at');
      const c = b[i];
      if (c === QUOTE) {
        flush(i);
        this.pos = i + 1;
        return pieces.length === 1 ? pieces[0] : pieces.join('');
      }
      if (c === BACKSLASH) {
        flush(i);
        if (i + 1 >= n) this.unexpected(i + 1, 'an escape', this.stringContext(isKey), 'Unterminated string starting at');
        const e = b[i + 1];
        let unit = -1;
        switch (e) {
          case QUOTE:
            unit = 0x22;
            break;
          case BACKSLASH:
            unit = 0x5c;
            break;
          case 0x2f:
            unit = 0x2f;
            break;
          case 0x62:
            unit = 0x08;
            break;
          case LOWER_F:
            unit = 0x0c;
            break;
          case LOWER_N:
            unit = 0x0a;
            break;
          case 0x72:
            unit = 0x0d;
            break;
          case LOWER_T:
            unit = 0x09;
            break;
          case 0x75: {
            let v = 0;
            for (let k = 0; k < 4; k++) {
              const p = i + 2 + k;
              if (p >= n) this.unexpected(p, 'four hex digits after \\u', this.stringContext(isKey), 'Unterminated string starting at');
              const d = hexValue(b[p]);
              if (d < 0) {
                if (b[p] === 0) this.zeroFilled(p);
                this.fail(
                  'json.syntax',
                  i,
                  `Invalid \\u escape at byte ${i} (${this.lcText(i)}) ${this.stringContext(isKey)}: expected four hex digits, found ${describeAt(b, p)}. ` +
                    'Python\'s json.load fails with "Invalid \\uXXXX escape". The file was damaged or written by a broken encoder; fall back to an earlier healthy generation.',
                  this.stringPointer(isKey),
                );
              }
              v = (v << 4) | d;
            }
            // Surrogates are kept as UTF-16 units: a high+low pair becomes one character, a lone
            // one stays lone, exactly as Python's decoder treats them.
            pieces.push(String.fromCharCode(v));
            i += 6;
            segStart = i;
            segAscii = true;
            continue;
          }
          default:
            if (e === 0) this.zeroFilled(i + 1);
            this.fail(
              'json.syntax',
              i,
              `Invalid escape ${describeAt(b, i + 1).replace(/^'/, "'\\")} at byte ${i} (${this.lcText(i)}) ${this.stringContext(isKey)}: only \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX are allowed. ` +
                'Python\'s json.load fails with "Invalid \\escape". The file was damaged or written by a broken encoder; fall back to an earlier healthy generation.',
              this.stringPointer(isKey),
            );
        }
        pieces.push(String.fromCharCode(unit));
        i += 2;
        segStart = i;
        segAscii = true;
        continue;
      }
      if (c < SPACE) {
        if (c === 0) this.zeroFilled(i);
        this.fail(
          'json.syntax',
          i,
          `A raw control character (U+${hex4(c)}) sits inside a string at byte ${i} (${this.lcText(i)}) ${this.stringContext(isKey)}. ` +
            'JSON requires it escaped, and Python\'s json.load fails with "Invalid control character". The string was probably ' +
            'written by hand or by a non-JSON writer, or two writes were spliced; fall back to an earlier healthy generation.',
          this.stringPointer(isKey),
        );
      }
      if (c < 0x80) {
        i++;
        continue;
      }
      const len = utf8SequenceLength(b, i);
      if (len > 0) {
        segAscii = false;
        i += len;
        // 2 and 3 bytes make one UTF-16 unit, 4 bytes a surrogate pair.
        this.delta += len === 4 ? 2 : len - 1;
        continue;
      }
      if (len === 0) {
        // An incomplete sequence exactly at the end: the file was cut inside a character.
        this.unexpected(n, 'the rest of a UTF-8 character', this.stringContext(isKey), 'Unterminated string starting at');
      }
      this.fail(
        'json.syntax',
        i,
        `Invalid UTF-8 at byte ${i} (${this.lcText(i)}) ${this.stringContext(isKey)}: byte 0x${hex2(b[i])} does not start a valid character. ` +
          'Python decodes the whole file first, so json.load fails with UnicodeDecodeError. The bytes were damaged or written in another ' +
          'encoding (e.g. latin-1); fall back to an earlier healthy generation.',
        this.stringPointer(isKey),
      );
    }
  }

  /** Parse a number (or `-Infinity`) starting at `p`. */
  private number(p: number): Value {
    const b = this.b;
    const n = b.length;
    let i = p;
    const neg = b[i] === MINUS;
    if (neg) {
      i++;
      if (i >= n) this.unexpected(i, 'a digit after \'-\'', `inside a number ${this.inWhere()}`, 'Expecting value');
      if (b[i] === UPPER_I) return this.literal(p);
    }
    let c = b[i];
    if (c === ZERO) {
      i++;
      if (i < n && b[i] >= ZERO && b[i] <= NINE) {
        this.fail(
          'json.syntax',
          p,
          `The number at byte ${p} (${this.lcText(p)}) ${this.inWhere()} has a leading zero, which JSON forbids. ` +
            'Python\'s json.load stops there. The file was not written by a JSON encoder or was damaged; fall back to an earlier healthy generation.',
          this.valuePointer(),
        );
      }
    } else if (c >= 0x31 && c <= NINE) {
      i++;
      while (i < n && (c = b[i]) >= ZERO && c <= NINE) i++;
    } else {
      this.unexpected(i, "a digit after '-'", `inside a number ${this.inWhere()}`, 'Expecting value');
    }
    let isFloat = false;
    if (i < n && b[i] === DOT) {
      i++;
      if (i >= n) this.unexpected(i, "a digit after '.'", `inside a number ${this.inWhere()}`, 'Expecting value');
      if (!(b[i] >= ZERO && b[i] <= NINE)) this.unexpected(i, "a digit after '.'", `inside a number ${this.inWhere()}`, "Expecting ',' delimiter");
      while (i < n && b[i] >= ZERO && b[i] <= NINE) i++;
      isFloat = true;
    }
    if (i < n && (b[i] === LOWER_E || b[i] === UPPER_E)) {
      i++;
      if (i < n && (b[i] === PLUS || b[i] === MINUS)) i++;
      if (i >= n) this.unexpected(i, 'the exponent digits', `inside a number ${this.inWhere()}`, 'Expecting value');
      if (!(b[i] >= ZERO && b[i] <= NINE)) this.unexpected(i, 'the exponent digits', `inside a number ${this.inWhere()}`, "Expecting ',' delimiter");
      while (i < n && b[i] >= ZERO && b[i] <= NINE) i++;
      isFloat = true;
    }
    this.pos = i;
    if (!isFloat && !neg && i - p <= 4) {
      // Small non-negative ints (counters, enum-like codes) are shared nodes.
      let v = 0;
      for (let k = p; k < i; k++) v = v * 10 + (b[k] - ZERO);
      if (v < SMALL_INTS.length) return SMALL_INTS[v];
    }
    // Integers have no leading zeros or '+', so their text is canonical as written (bar -0).
    const text = this.slice(p, i);
    if (isFloat) return { kind: 'float', text };
    const digits = neg ? i - p - 1 : i - p;
    if (digits > PYTHON_INT_MAX_STR_DIGITS) {
      this.longIntCount++;
      if (this.longIntAt < 0) {
        this.longIntAt = p;
        this.longIntDigits = digits;
        this.longIntPointer = this.valuePointer();
      }
    }
    return { kind: 'int', text: neg && text === '-0' ? '0' : text };
  }

  /** Parse one of Python's literal names at `p`. */
  private literal(p: number): Value {
    const b = this.b;
    const c = b[p];
    let word: string;
    let value: Value;
    if (c === LOWER_N) {
      word = 'null';
      value = NULL_NODE;
    } else if (c === LOWER_T) {
      word = 'true';
      value = TRUE_NODE;
    } else if (c === LOWER_F) {
      word = 'false';
      value = FALSE_NODE;
    } else if (c === UPPER_N) {
      word = 'NaN';
      value = NAN_NODE;
    } else if (c === UPPER_I) {
      word = 'Infinity';
      value = INF_NODE;
    } else if (c === MINUS) {
      word = '-Infinity';
      value = NEG_INF_NODE;
    } else {
      this.unexpected(p, 'a value', this.valueContext(), 'Expecting value');
    }
    const n = b.length;
    for (let k = 1; k < word.length; k++) {
      const at = p + k;
      if (at >= n) this.unexpected(at, `the rest of '${word}'`, `inside the literal ${word} ${this.inWhere()}`, 'Expecting value');
      if (b[at] !== word.charCodeAt(k)) {
        if (b[at] === 0) this.zeroFilled(at);
        this.fail(
          'json.syntax',
          p,
          `Expected a value at byte ${p} (${this.lcText(p)}) ${this.inWhere()}, found ${describeToken(b, p)}; the only bare words JSON ` +
            'allows are true, false, null, NaN, Infinity and -Infinity. Python\'s json.load fails with "Expecting value". ' +
            'The file was damaged or is not JSON; fall back to an earlier healthy generation.',
          this.valuePointer(),
        );
      }
    }
    this.pos = p + word.length;
    return value;
  }

  // ---------------------------------------------------------------------------------------------
  // Failures.

  /**
   * The byte at `pos` is not what the grammar needs: classify it as truncation (end of file),
   * zero fill (a NUL byte) or a syntax error.
   */
  private unexpected(pos: number, expected: string, context: string, pythonSays = 'Expecting value', pointer?: string): never {
    const b = this.b;
    if (pos >= b.length) this.truncated(context, pythonSays);
    if (b[pos] === 0) this.zeroFilled(pos);
    this.fail(
      'json.syntax',
      pos,
      `Expected ${expected} at byte ${pos} (${this.lcText(pos)}) ${context}, found ${describeAt(b, pos)}. ` +
        `Python's json.load fails here with "${pythonSays}". The file was damaged, spliced by two writers, or written by something ` +
        'that is not a JSON encoder; fall back to an earlier healthy generation.',
      pointer ?? (this.stack.length > 0 ? this.valuePointer() : ''),
    );
  }

  /** The file holds no value at all (empty, whitespace, or a lone byte-order mark). */
  private blank(pos: number): never {
    const b = this.b;
    const bom = b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
    const what =
      b.length === bom
        ? `The file is empty${bom ? ' apart from a byte-order mark' : ''}: there is no JSON value in it. The writer was probably killed right after creating or truncating the file (a non-atomic write).`
        : `The file holds only whitespace (${b.length} bytes) and no JSON value. The writer was probably killed before writing any data.`;
    this.fail('json.truncated', pos, `${what} Python's json.load fails with "Expecting value". Fall back to an earlier healthy generation.`, '');
  }

  private truncated(context: string, pythonSays: string): never {
    const b = this.b;
    const n = b.length;
    const open = this.stack.map((f) => (f.node.kind === 'dict' ? '{' : '[')).join('');
    const openText = open.length === 0 ? 'nothing else left open' : `${open.length} unclosed ${open.length === 1 ? 'bracket' : 'brackets'} (${open})`;
    this.fail(
      'json.truncated',
      n,
      `The file ends too early at byte ${n} (${this.lcText(n)}): it stops ${context}, with ${openText}. ` +
        `The writer was probably killed mid-write (OOM, shutdown, eviction). Python's json.load fails with "${pythonSays}". ` +
        'Fall back to the newest earlier generation that is healthy.',
      this.stack.length > 0 ? this.valuePointer() : '',
    );
  }

  private zeroFilled(pos: number): never {
    const b = this.b;
    let count = 0;
    let runEnd = pos;
    while (runEnd < b.length && b[runEnd] === 0) runEnd++;
    for (let i = pos; i < b.length; i++) if (b[i] === 0) count++;
    const run = runEnd - pos;
    const toEnd = runEnd === b.length;
    const plural = (k: number): string => `${k} NUL byte${k === 1 ? '' : 's'}`;
    const more = count > run ? ` The file holds ${count} NUL bytes in all from that point.` : '';
    if (this.stack.length === 0 && this.root !== undefined) {
      // The value itself is whole; only the zeros after it stop Python.
      this.fail(
        'json.zero_filled',
        pos,
        `The JSON value is complete up to byte ${pos}, but ${plural(count)} follow${count === 1 ? 's' : ''} it (${this.lcText(pos)})` +
          `${toEnd ? ': a zero-filled tail, typical when the file was extended but the writer or machine died before the new data reached the disk' : ''}. ` +
          `Python's json.load refuses the file ("Extra data").${more} Truncating the file at byte ${pos} would make it loadable; ` +
          'otherwise fall back to an earlier healthy generation.',
        '',
      );
    }
    const shape = toEnd
      ? `The last ${run} bytes are zeros: a zero-filled tail, typical when the machine or the writer died after the file was ` +
        'extended but before its data reached the disk.'
      : `A block of ${run} zero bytes replaces part of the data: the file was partly overwritten with zeros ` +
        '(a crash during write-back, or a `dd conv=notrunc`).';
    this.fail(
      'json.zero_filled',
      pos,
      `The file contains ${plural(count)}, starting at byte ${pos} (${this.lcText(pos)}) ${this.inWhere()}. ` +
        `${shape}${more} Python's json.load fails there. The data after that point is lost; fall back to an earlier healthy generation.`,
      this.stack.length > 0 ? this.valuePointer() : '',
    );
  }

  private stopTooDeep(pos: number): never {
    this.fail(
      'json.too_deep',
      pos,
      `The data nests more than ${this.maxDepth} levels deep (at byte ${pos}, ${this.lcText(pos)}); decoding stopped there. ` +
        `Python's json.load stops with RecursionError at about 1000 levels, so no Python program can load this file. ` +
        'It is almost certainly damaged or was produced by a runaway recursive structure; fall back to an earlier healthy generation.',
      '',
    );
  }

  private fail(code: FindingCode, offset: number, message: string, pointer: string): never {
    this.failure = pointer === '' ? { code, message, offset } : { code, message, offset, pointer };
    throw STOP;
  }

  private duplicateKey(top: Frame, key: string): void {
    this.duplicates++;
    if (this.duplicates > MAX_DUPLICATE_FINDINGS) return;
    const where = this.containerPointer();
    this.findings.push(
      this.finding(
        'json.duplicate_key',
        'warning',
        `The key ${quoteKey(key)} appears more than once in the object at ${this.where(where)} (again at byte ${top.keyOffset}, ${this.lcText(top.keyOffset)}). ` +
          'Python keeps only the last value and silently drops the earlier one, so what a resuming job sees may differ from what ' +
          'was meant. Check which writer produced the repeated key before trusting this generation.',
        top.keyOffset,
        childPointer(where, key),
      ),
    );
  }

  private reportNulsAfter(offset: number): void {
    const b = this.b;
    const first = b.indexOf(0, Math.min(offset, b.length));
    if (first < 0) return;
    let count = 0;
    for (let i = first; i < b.length; i++) if (b[i] === 0) count++;
    this.findings.push(
      this.finding(
        'json.zero_filled',
        'error',
        `The file also contains ${count} NUL byte${count === 1 ? '' : 's'} from byte ${first} (${this.lcText(first)}): part of it was ` +
          'zero-filled, typical of a crash during write-back. Fall back to an earlier healthy generation.',
        first,
      ),
    );
  }

  private reportDepthAndLongInts(): void {
    if (this.tooDeepAt >= 0 && !(this.failure && this.failure.code === 'json.too_deep')) {
      this.findings.push(
        this.finding(
          'json.too_deep',
          'error',
          `Python's json.load stops with RecursionError at about 1000 levels; this file nests ${this.deepest} levels` +
            `${this.failure ? ' (at least, before decoding stopped)' : ''}, passing ${PYTHON_JSON_DEPTH_LIMIT} at byte ${this.tooDeepAt} ` +
            `(${this.lcText(this.tooDeepAt)}). A Python job cannot load it without raising sys.setrecursionlimit; ` +
            'the nesting usually comes from a runaway recursive structure. Fall back to an earlier healthy generation.',
          this.tooDeepAt,
        ),
      );
    }
    if (this.longIntAt >= 0) {
      const others = this.longIntCount > 1 ? ` (${this.longIntCount - 1} more such integers follow)` : '';
      this.findings.push(
        this.finding(
          'json.int_too_long',
          'error',
          `The integer at ${this.where(this.longIntPointer)} has ${this.longIntDigits} digits${others}. Python 3.11+ (and patched 3.7–3.10) ` +
            `refuse to convert integers longer than ${PYTHON_INT_MAX_STR_DIGITS} digits, so json.load raises ValueError ("Exceeds the limit"). ` +
            'The job can load this file only after sys.set_int_max_str_digits(0); the value itself was kept exactly.',
          this.longIntAt,
          this.longIntPointer === '' ? undefined : this.longIntPointer,
        ),
      );
    }
    if (this.duplicates > MAX_DUPLICATE_FINDINGS) {
      this.findings.push(
        this.finding(
          'json.duplicate_key',
          'warning',
          `${this.duplicates - MAX_DUPLICATE_FINDINGS} more repeated keys were found and not listed one by one (${this.duplicates} in all). ` +
            'So many repeats usually mean two writers interleaved their output; treat this generation with suspicion.',
          undefined,
        ),
      );
    }
  }

  private finding(code: FindingCode, severity: Finding['severity'], message: string, offset?: number, pointer?: string): Finding {
    const f: { -readonly [K in keyof Finding]: Finding[K] } = { code, severity, message, file: this.file };
    if (offset !== undefined) {
      const lc = this.lineColAt(offset);
      f.offset = offset;
      f.line = lc.line;
      f.column = lc.column;
    }
    if (pointer !== undefined) f.pointer = pointer;
    return f;
  }

  /**
   * `lineCol` with a memo of the last answer: findings come mostly in file order, and a 100 MB
   * single-line file must not be rescanned from the start for each of them.
   */
  private lineColAt(offset: number): { line: number; column: number } {
    const b = this.b;
    const end = Math.min(offset, b.length);
    const c = this.lcMemo;
    let line = 1;
    let lineStart = 0;
    let from = 0;
    let column = 1;
    if (end >= c.offset) {
      line = c.line;
      lineStart = c.lineStart;
      from = c.offset;
      column = c.column;
    }
    for (let i = b.indexOf(LF, from); i >= 0 && i < end; i = b.indexOf(LF, i + 1)) {
      line++;
      lineStart = i + 1;
    }
    if (lineStart > from) {
      from = lineStart;
      column = 1;
    }
    for (let i = from; i < end; i++) if ((b[i] & 0xc0) !== 0x80) column++;
    this.lcMemo = { offset: end, line, lineStart, column };
    return { line, column: column + Math.max(0, offset - end) };
  }

  private lcText(offset: number): string {
    const { line, column } = this.lineColAt(offset);
    return `line ${line}, column ${column}`;
  }

  // ---------------------------------------------------------------------------------------------
  // Where we are, for messages.

  /** Pointer of the value being parsed (or just finished) at the top of the stack. */
  private valuePointer(): string {
    let p = '';
    const stack = this.stack;
    for (let i = 0; i < stack.length; i++) p = childPointer(p, this.childToken(i));
    return p;
  }

  /** Pointer of the innermost open container. */
  private containerPointer(): string {
    let p = '';
    const stack = this.stack;
    for (let i = 0; i < stack.length - 1; i++) p = childPointer(p, this.childToken(i));
    return p;
  }

  /** The token of the child being parsed (or just finished) in the open container `stack[i]`. */
  private childToken(i: number): string | number {
    const stack = this.stack;
    const f = stack[i];
    if (f.node.kind !== 'list') return f.key.value;
    // Containers attach when they open, so below the top the child is the container opened
    // next; at the top it is the last item once attached, the next index while it is still
    // being parsed.
    if (i < stack.length - 1) return stack[i + 1].start - 1 - f.start;
    const count = this.scratch.length - f.start;
    return this.inValue ? count : count - 1;
  }

  private stringPointer(isKey: boolean): string {
    return isKey ? this.containerPointer() : this.valuePointer();
  }

  private stringContext(isKey: boolean): string {
    if (isKey) return `inside a key of the object at ${this.where(this.containerPointer())}`;
    return this.stack.length === 0 ? 'inside the top-level string' : `inside a string in ${this.valuePointer()}`;
  }

  private inWhere(): string {
    return this.stack.length === 0 ? 'at the top level' : `in ${this.valuePointer()}`;
  }

  private valueContext(): string {
    const stack = this.stack;
    if (stack.length === 0) return 'where the top-level value should start';
    const top = stack[stack.length - 1];
    if (top.node.kind === 'dict') return `where the value of ${this.valuePointer()} should start`;
    return `where the next item of the list at ${this.where(this.containerPointer())} should start`;
  }

  private afterContext(): string {
    const top = this.stack[this.stack.length - 1];
    const what = top.node.kind === 'dict' ? 'object' : 'list';
    return `after ${this.valuePointer()}, inside the ${what} at ${this.where(this.containerPointer())}`;
  }

  private where(pointer: string): string {
    return pointer === '' ? 'the top level' : pointer;
  }
}

// -----------------------------------------------------------------------------------------------
// Byte helpers.

/** Decode ASCII bytes [start, end) into a string. */
function asciiSlice(b: Uint8Array, start: number, end: number): string {
  const len = end - start;
  if (len === 0) return '';
  if (len === 1) return String.fromCharCode(b[start]);
  if (len <= 64) {
    const codes = new Array<number>(len);
    for (let k = 0; k < len; k++) codes[k] = b[start + k];
    return String.fromCharCode.apply(null, codes);
  }
  return utf8.decode(b.subarray(start, end));
}

const JSON_START = new Set([0x7b, 0x5b, 0x22, 0x20, 0x09, 0x0a, 0x0d]);

/**
 * UTF-16/UTF-32 text, recognised by its byte-order mark or by NULs interleaved with an ASCII
 * opening (`{\0"\0`). A zero-filled block cannot look like that: its zeros come in runs.
 */
function wideEncoding(b: Uint8Array): string | null {
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return 'UTF-32';
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return 'UTF-32';
  if (b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))) return 'UTF-16';
  if (b.length < 8) return null;
  if (JSON_START.has(b[0]) && b[1] === 0 && b[2] === 0 && b[3] === 0 && b[4] !== 0 && b[5] === 0 && b[6] === 0 && b[7] === 0) return 'UTF-32-LE';
  if (b[0] === 0 && b[1] === 0 && b[2] === 0 && JSON_START.has(b[3]) && b[4] === 0 && b[5] === 0 && b[6] === 0 && b[7] !== 0) return 'UTF-32-BE';
  if (JSON_START.has(b[0]) && b[1] === 0 && b[2] !== 0 && b[3] === 0) return 'UTF-16-LE';
  if (b[0] === 0 && JSON_START.has(b[1]) && b[2] === 0 && b[3] !== 0) return 'UTF-16-BE';
  return null;
}

/**
 * Length of the valid UTF-8 sequence at `i` (2–4), 0 when the bytes end in the middle of an
 * otherwise valid sequence, -1 when invalid.
 */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const r = utf8Sequence(b, i);
  if (r > 0) return r;
  return endsInsideSequence(b, i, r) ? 0 : -1;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

function hex2(c: number): string {
  return c.toString(16).toUpperCase().padStart(2, '0');
}

function hex4(c: number): string {
  return c.toString(16).toUpperCase().padStart(4, '0');
}

/** 1-based line and column of a byte offset; columns count characters, as Python's messages do. */
export function lineCol(b: Uint8Array, offset: number): { line: number; column: number } {
  const end = Math.min(offset, b.length);
  let line = 1;
  let lineStart = 0;
  for (let i = b.indexOf(LF); i >= 0 && i < end; i = b.indexOf(LF, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  let column = 1;
  for (let i = lineStart; i < end; i++) if ((b[i] & 0xc0) !== 0x80) column++;
  return { line, column: column + Math.max(0, offset - end) };
}


/** A short description of what sits at `pos`, for "found …" in messages. */
function describeAt(b: Uint8Array, pos: number): string {
  if (pos >= b.length) return 'the end of the file';
  const c = b[pos];
  if (c === 0) return 'a NUL byte';
  if (c === LF) return 'a line break';
  if (c === CR) return 'a carriage return';
  if (c === TAB) return 'a tab';
  if (c < SPACE || c === 0x7f) return `control character U+${hex4(c)}`;
  if (c < 0x80) return `'${String.fromCharCode(c)}'`;
  const len = utf8SequenceLength(b, pos);
  if (len > 0) return `'${utf8.decode(b.subarray(pos, pos + len))}'`;
  return `byte 0x${hex2(c)} (not valid UTF-8)`;
}

/** The bare word at `pos` (up to 20 characters), quoted. */
function describeToken(b: Uint8Array, pos: number): string {
  let end = pos;
  while (end < b.length && end - pos < 20 && ((b[end] >= 0x41 && b[end] <= 0x5a) || (b[end] >= 0x61 && b[end] <= 0x7a) || b[end] === 0x5f || b[end] === MINUS)) end++;
  if (end === pos) return describeAt(b, pos);
  return `'${asciiSlice(b, pos, end)}'`;
}

function quoteKey(key: string): string {
  return JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key);
}
