/**
 * The canonical text of a decoded value: what the read-only editor shows, what the text diff
 * compares and what `ckpt-doctor inspect --json` prints. Deterministic, and laid out exactly as a
 * standard JSON pretty-printer lays out the tagged document below (`json.dumps(doc, indent=2,
 * ensure_ascii=False)` gives the same text), so any JSON tool can read it back.
 *
 * Plain JSON values print as themselves, with integers in their exact digits and floats in the
 * text they were written with (a pickle's `nan`/`inf` are spelled `NaN`/`Infinity` as Python's json
 * does). Everything JSON cannot say is a tagged object:
 *
 *   tuple                  {"$tuple": [...]}
 *   set / frozenset        {"$set": [...]} / {"$frozenset": [...]}
 *   bytes / bytearray      {"$bytes": "<base64>", "length": N} / {"$bytearray": ..., "length": N}
 *   stdlib typed value     {"$type": "datetime.datetime", "repr": "...", "str": "..."}
 *   inert object           {"$class": "mod.Qual", "args": [...], "state": ..., "items": [...], "entries": {...}}
 *                          (each member only when present, as `walk-value.ts` walks objects)
 *   global reference       {"$global": "mod.name"}
 *   dict with non-str keys, a dict subclass, or a key that would read as a tag
 *                          {"$dict": [[key, value], ...], "$class": "collections.OrderedDict"}
 *   shared or cyclic node  {"$ref": "<pointer of its first occurrence>"}
 *
 * `locations` maps `pointer:<json pointer>` (pointers as `walk-value.ts` names them) to the 1-based
 * line and UTF-16 column where that node starts: its key for a dict member, its value otherwise.
 * With `maxChars`, rendering stops once the budget is spent and the text is cut at the last line
 * break that fits; `truncated` says so.
 */
import type { TextLocation } from '../api/contract';
import { pythonJsonFloat } from '../model/python-float';
import { floatValue, type Value, type FloatValue } from '../model/value';
import { parsePointer } from '../model/json-pointer';
import { walkValue, type WalkEntry } from '../model/walk-value';

/** Options of {@link renderCanonical}. */
export interface RenderCanonicalOptions {
  /** Spaces per level (default 2). */
  readonly indent?: number;
  /** Stop after about this many characters. */
  readonly maxChars?: number;
  /** Pointers whose position in the text should be reported. */
  readonly locate?: readonly string[];
}

/** Rendered text. */
export interface RenderedText {
  readonly text: string;
  readonly truncated: boolean;
  readonly locations: Record<string, TextLocation>;
}

/** Keys a plain dict may not use without being mistaken for a tag. */
const TAG_KEYS = new Set(['$tuple', '$set', '$frozenset', '$bytes', '$bytearray', '$type', '$class', '$global', '$dict', '$ref']);

/** Render a value as canonical, tagged, pretty-printed JSON text. */
export function renderCanonical(value: Value, options?: RenderCanonicalOptions): RenderedText {
  const em = new Emitter(Math.max(0, options?.indent ?? 2), options?.maxChars ?? Infinity);
  const locate = options?.locate && options.locate.length > 0 ? pointerTrie(options.locate) : null;
  const found: Located = new Map();
  renderValue(em, value, 0, locate, found);
  const { text, truncated } = em.finish();
  const locations: Record<string, TextLocation> = {};
  for (const [key, at] of found) if (at.offset < text.length || !truncated) locations[key] = { line: at.line, column: at.column };
  return { text, truncated, locations };
}

/**
 * The pointers to locate as a tree of their tokens, so the walk follows it token by token and never
 * builds the pointer of a node with nothing to locate beneath it (building one per node cost more
 * than the rendering itself on a 50 MB value).
 */
interface PointerTrie {
  /** The pointer ending here, when one does. */
  pointer: string | null;
  readonly children: Map<string, PointerTrie>;
}

function pointerTrie(pointers: readonly string[]): PointerTrie {
  const root: PointerTrie = { pointer: null, children: new Map() };
  for (const pointer of pointers) {
    if (pointer !== '' && !pointer.startsWith('/')) continue; // not a pointer: it names nothing
    let at = root;
    for (const token of parsePointer(pointer)) {
      let next = at.children.get(token);
      if (next === undefined) at.children.set(token, (next = { pointer: null, children: new Map() }));
      at = next;
    }
    at.pointer = pointer;
  }
  return root;
}

/** Where located nodes start, with their character offset so a cut can drop the lost ones. */
type Located = Map<string, { line: number; column: number; offset: number }>;

/** How a container lays out its children. */
interface Layout {
  /** `members`: `"key": value`; `items`: values; `pairs`: `[key, value]` arrays. */
  readonly mode: 'members' | 'items' | 'pairs';
  /** Indent level of the children's lines. */
  readonly childLevel: number;
  /** Members written before the walked children (an object's `$class`). */
  readonly preamble: number;
  readonly close: () => void;
}

function renderValue(em: Emitter, root: Value, baseLevel: number, locate: PointerTrie | null, locations: Located): void {
  const layouts: Layout[] = [];
  // The trie node of each depth on the current path (null: nothing to locate below it).
  const trieAt: (PointerTrie | null)[] = [];
  walkValue(root, {
    enter: (e) => {
      if (em.stopped) return 'stop';
      const parent = layouts.length > 0 ? layouts[layouts.length - 1] : null;
      let level = baseLevel;
      if (parent !== null) {
        if (e.index > 0 || parent.preamble > 0) em.token(',');
        em.newline(parent.childLevel);
        level = parent.childLevel;
      }
      if (locate !== null) {
        const up = e.depth === 0 ? locate : trieAt[e.depth - 1];
        const here = up === null ? null : e.depth === 0 ? locate : (up.children.get(e.token) ?? null);
        trieAt[e.depth] = here;
        if (here !== null && here.pointer !== null) locations.set(`pointer:${here.pointer}`, { line: em.line, column: em.column, offset: em.length });
      }
      if (parent !== null) {
        if (parent.mode === 'members') em.token(`${JSON.stringify(e.token)}: `);
        else if (parent.mode === 'pairs') {
          em.token('[');
          em.newline(level + 1);
          renderValue(em, e.key as Value, level + 1, null, locations);
          em.token(',');
          em.newline(level + 1);
          level += 1;
        }
      }
      return open(em, e, level, layouts);
    },
    leave: (e) => {
      if (em.stopped) return 'stop';
      if (isExpanded(e)) (layouts.pop() as Layout).close();
      const parent = layouts.length > 0 ? layouts[layouts.length - 1] : null;
      if (parent !== null && parent.mode === 'pairs') {
        em.newline(parent.childLevel);
        em.token(']');
      }
    },
  });
}

/** True for a node whose children the walk visits (and which therefore pushed a layout). */
function isExpanded(e: WalkEntry): boolean {
  const k = e.value.kind;
  return e.refTo === undefined && (k === 'list' || k === 'tuple' || k === 'set' || k === 'dict' || k === 'object');
}

/** Write a node's own text (a leaf entirely, a container's opening) at `level`. */
function open(em: Emitter, e: WalkEntry, level: number, layouts: Layout[]): void {
  const v = e.value;
  if (e.refTo !== undefined) {
    tagged(em, level, [['$ref', JSON.stringify(e.refTo)]]);
    return;
  }
  switch (v.kind) {
    case 'null':
      em.token('null');
      return;
    case 'bool':
      em.token(v.value ? 'true' : 'false');
      return;
    case 'int':
      em.token(v.text);
      return;
    case 'float':
      em.token(floatText(v));
      return;
    case 'str':
      em.string(v.value);
      return;
    case 'bytes':
      em.token('{');
      em.newline(level + 1);
      em.token(`"${v.mutable ? '$bytearray' : '$bytes'}": `);
      em.base64(v.value);
      em.token(',');
      em.newline(level + 1);
      em.token(`"length": ${v.value.length}`);
      em.newline(level);
      em.token('}');
      return;
    case 'typed':
      tagged(em, level, [['$type', JSON.stringify(v.type)], ['repr', JSON.stringify(v.repr)], ['str', JSON.stringify(v.str)]]);
      return;
    case 'global':
      tagged(em, level, [['$global', JSON.stringify(v.name)]]);
      return;
    case 'list': {
      const n = v.items.length;
      em.token(n === 0 ? '[]' : '[');
      layouts.push({ mode: 'items', childLevel: level + 1, preamble: 0, close: () => closeWith(em, n, level, ']') });
      return;
    }
    case 'tuple':
    case 'set': {
      const tag = v.kind === 'tuple' ? '$tuple' : v.frozen ? '$frozenset' : '$set';
      const n = v.items.length;
      em.token('{');
      em.newline(level + 1);
      em.token(`"${tag}": ${n === 0 ? '[]' : '['}`);
      layouts.push({
        mode: 'items',
        childLevel: level + 2,
        preamble: 0,
        close: () => {
          closeWith(em, n, level + 1, ']');
          em.newline(level);
          em.token('}');
        },
      });
      return;
    }
    case 'dict': {
      const n = v.pairs.length >> 1;
      const plain = v.cls === undefined && plainKeys(v.pairs);
      if (plain) {
        em.token(n === 0 ? '{}' : '{');
        layouts.push({ mode: 'members', childLevel: level + 1, preamble: 0, close: () => closeWith(em, n, level, '}') });
        return;
      }
      const cls = v.cls;
      em.token('{');
      em.newline(level + 1);
      em.token(`"$dict": ${n === 0 ? '[]' : '['}`);
      layouts.push({
        mode: 'pairs',
        childLevel: level + 2,
        preamble: 0,
        close: () => {
          closeWith(em, n, level + 1, ']');
          if (cls !== undefined) {
            em.token(',');
            em.newline(level + 1);
            em.token(`"$class": ${JSON.stringify(cls)}`);
          }
          em.newline(level);
          em.token('}');
        },
      });
      return;
    }
    case 'object':
      em.token('{');
      em.newline(level + 1);
      em.token(`"$class": ${JSON.stringify(v.cls)}`);
      layouts.push({
        mode: 'members',
        childLevel: level + 1,
        preamble: 1,
        close: () => {
          em.newline(level);
          em.token('}');
        },
      });
      return;
  }
}

/** A small tagged object, one member per line. */
function tagged(em: Emitter, level: number, members: readonly (readonly [string, string])[]): void {
  em.token('{');
  members.forEach(([k, text], i) => {
    if (i > 0) em.token(',');
    em.newline(level + 1);
    em.token(`${JSON.stringify(k)}: `);
    em.token(text);
  });
  em.newline(level);
  em.token('}');
}

function closeWith(em: Emitter, count: number, level: number, bracket: string): void {
  if (count === 0) return;
  em.newline(level);
  em.token(bracket);
}

const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/;

/** A float's source text when it is valid JSON, else Python's json spelling of its value. */
/** True when every key is a str that is not one of the tags this rendering writes for other types. */
function plainKeys(pairs: readonly Value[]): boolean {
  for (let i = 0; i < pairs.length; i += 2) {
    const k = pairs[i];
    if (k.kind !== 'str' || TAG_KEYS.has(k.value)) return false;
  }
  return true;
}

function floatText(v: FloatValue): string {
  return JSON_NUMBER.test(v.text) ? v.text : pythonJsonFloat(floatValue(v));
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Collects output, tracks the 1-based line and UTF-16 column, and enforces the character budget. */
class Emitter {
  private readonly parts: string[] = [];
  length = 0;
  line = 1;
  column = 1;
  stopped = false;
  /** Length of the text up to the last line break, for a clean cut. */
  private lastBreak = 0;
  private readonly indents: string[] = [];

  constructor(
    private readonly indent: number,
    private readonly maxChars: number,
  ) {}

  token(s: string): void {
    if (this.stopped) return;
    this.parts.push(s);
    this.length += s.length;
    this.column += s.length;
    if (this.length > this.maxChars) this.stopped = true;
  }

  newline(level: number): void {
    if (this.stopped) return;
    let pad = this.indents[level];
    if (pad === undefined) {
      pad = ' '.repeat(level * this.indent);
      this.indents[level] = pad;
    }
    this.lastBreak = this.length;
    this.parts.push('\n', pad);
    this.length += 1 + pad.length;
    this.line++;
    this.column = 1 + pad.length;
    if (this.length > this.maxChars) this.stopped = true;
  }

  /** A JSON string; a very long one is cut to the budget before it is escaped. */
  string(s: string): void {
    if (this.stopped) return;
    const room = this.maxChars - this.length;
    this.token(s.length > room ? JSON.stringify(s.slice(0, Math.max(0, room))) : JSON.stringify(s));
  }

  /** Base64 of bytes, as a JSON string; only as much as the budget can show is encoded. */
  base64(bytes: Uint8Array): void {
    if (this.stopped) return;
    const room = this.maxChars - this.length;
    const n = Number.isFinite(room) ? Math.min(bytes.length, Math.ceil((room + 4) / 4) * 3) : bytes.length;
    const chunks: string[] = ['"'];
    for (let start = 0; start < n; start += 3 * 4096) {
      const end = Math.min(n, start + 3 * 4096);
      let s = '';
      for (let i = start; i < end; i += 3) {
        const a = bytes[i];
        const b = i + 1 < end ? bytes[i + 1] : 0;
        const c = i + 2 < end ? bytes[i + 2] : 0;
        s += B64[a >> 2] + B64[((a & 3) << 4) | (b >> 4)];
        s += i + 1 < end ? B64[((b & 15) << 2) | (c >> 6)] : '=';
        s += i + 2 < end ? B64[c & 63] : '=';
      }
      chunks.push(s);
    }
    chunks.push('"');
    this.token(chunks.join(''));
  }

  finish(): { text: string; truncated: boolean } {
    const text = this.parts.join('');
    if (!this.stopped) return { text, truncated: false };
    // Cut at the last line break that fits, or mid-line when a single line is most of the budget.
    let cut = this.lastBreak <= this.maxChars && this.lastBreak > this.maxChars / 2 ? this.lastBreak : Math.min(this.maxChars, text.length);
    if (cut > 0 && cut < text.length) {
      const c = text.charCodeAt(cut - 1);
      if (c >= 0xd800 && c <= 0xdbff) cut--;
    }
    return { text: text.slice(0, cut), truncated: true };
  }
}
