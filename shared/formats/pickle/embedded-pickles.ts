/**
 * Pickles hidden inside values: workflow engines (DBOS in seed 004, and others) store step outputs
 * and errors as base64 text of `pickle.dumps(...)` in a JSON or SQLite column. Such a string
 * starts `gA` + one of `I`…`X` (base64 of 0x80 and protocols 2–5). Each one is decoded safely and
 * judged like a pickle file, and its findings are pinned to the string's JSON Pointer, so an
 * `os.system` or a class only the worker can import is flagged where it sits.
 */
import type { Finding } from '../../model/finding';
import type { Value } from '../../model/value';
import { walkValue } from '../../model/walk-value';
import { decodePickle } from './decode-pickle';
import { pickleSafetyFindings } from './safety';

/** One pickle found inside a value. */
export interface EmbeddedPickle {
  /** JSON Pointer of the string (or bytes) that holds it. */
  readonly pointer: string;
  /** The decoded value (the recovered part when the pickle is damaged), or null. */
  readonly decoded: Value | null;
  /** Decoder and safety findings, each carrying `pointer`. */
  readonly findings: Finding[];
}

const BASE64_PICKLE = /^gA[I-X]/;
const MIN_CHARS = 8;
/** Embedded pickles nested inside embedded pickles are followed this deep. */
const MAX_NESTING = 3;
/** Total decoded bytes across all embedded pickles of one value, so a value cannot make us decode without end. */
const MAX_TOTAL_BYTES = 256 * 1024 * 1024;

const ALPHABET = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  ALPHABET['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
}

/** Strict standard base64 (whitespace between lines allowed, `=` padding required), or null. */
export function decodeBase64(text: string): Uint8Array | null {
  const s = text.replace(/[\r\n\t ]+/g, '');
  if (s.length % 4 !== 0) return null;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const c = s.charCodeAt(i + k);
      const last = i + 4 === s.length;
      if (c === 0x3d && last && k >= 4 - pad) {
        n <<= 6;
        continue;
      }
      const v = c < 128 ? ALPHABET[c] : -1;
      if (v < 0) return null;
      n = (n << 6) | v;
    }
    if (o < out.length) out[o++] = (n >> 16) & 0xff;
    if (o < out.length) out[o++] = (n >> 8) & 0xff;
    if (o < out.length) out[o++] = n & 0xff;
  }
  return out;
}

function pickleBytesOf(v: Value): Uint8Array | null {
  if (v.kind === 'str') {
    if (v.value.length < MIN_CHARS || !BASE64_PICKLE.test(v.value)) return null;
    const bytes = decodeBase64(v.value);
    return bytes && bytes.length >= 3 && bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5 ? bytes : null;
  }
  // A pickle stored as raw bytes (a BLOB column): PROTO 2–5 at the start and STOP at the end.
  if (v.kind === 'bytes') {
    const b = v.value;
    return b.length >= 3 && b[0] === 0x80 && b[1] >= 2 && b[1] <= 5 && b[b.length - 1] === 0x2e ? b : null;
  }
  return null;
}

function pinned(f: Finding, pointer: string): Finding {
  const { offset, line: _line, column: _column, ...rest } = f;
  void _line;
  void _column;
  const at = offset === undefined ? '' : ' (byte offsets count from the start of that pickle)';
  return { ...rest, pointer, message: `In the base64 pickle stored at ${pointer || '/'}${at}: ${f.message}` };
}

interface Found {
  readonly pointer: string;
  readonly decoded: Value | null;
  /** Findings as the decoder and safety check wrote them, offsets relative to the embedded pickle. */
  readonly raw: Finding[];
}

/** Options of {@link findEmbeddedPickles} and {@link mayHoldPickle}. */
export interface EmbeddedPicklesOptions {
  /**
   * The caller knows no container or object appears twice in the value (true for any JSON tree;
   * pickles may share and cycle). Lets the pre-scan skip remembering every container it visits.
   * Same result, faster. Never pass it for a pickle: a cycle would then never end.
   */
  readonly unshared?: boolean;
}

/**
 * Find, decode and judge every base64 (or raw) pickle inside `value`. Walks without recursion and
 * visits each shared node once, so deep, shared and cyclic trees are fine. `file` is the name
 * findings carry.
 */
export function findEmbeddedPickles(value: Value, file: string, options?: EmbeddedPicklesOptions): EmbeddedPickle[] {
  // Most values hold no pickle: rule that out without building a pointer per node.
  if (!mayHoldPickle(value, options)) return [];
  const budget = { bytes: MAX_TOTAL_BYTES };
  return scan(value, file, 0, budget).map((e) => ({ pointer: e.pointer, decoded: e.decoded, findings: e.raw.map((f) => pinned(f, e.pointer)) }));
}

/** A str that could be base64 of a pickle (the cheap part of {@link pickleBytesOf}'s test). */
function mayBeBase64Pickle(s: string): boolean {
  if (s.length < MIN_CHARS || s.charCodeAt(0) !== 0x67 /* g */ || s.charCodeAt(1) !== 0x41 /* A */) return false;
  const c = s.charCodeAt(2);
  return c >= 0x49 /* I */ && c <= 0x58 /* X */;
}

/**
 * True when some str or bytes node `walkValue` would visit might hold a pickle. Visits the same
 * children as the walk (list, tuple and set items, dict entry values, an object's args, state,
 * items and entry values) with a plain stack, each container once, and builds no pointers. With
 * `unshared` it does not remember the containers it visited (on a 100 MB JSON tree that set is
 * most of the scan's time); a shared node would merely be visited again, which cannot change the
 * answer, but a cycle would never end, hence the hint's contract.
 */
export function mayHoldPickle(root: Value, options?: EmbeddedPicklesOptions): boolean {
  const seen = options?.unshared ? null : new Set<Value>();
  const stack: Value[] = [root];
  while (stack.length > 0) {
    const v = stack.pop() as Value;
    switch (v.kind) {
      case 'str':
        if (mayBeBase64Pickle(v.value)) return true;
        break;
      case 'bytes':
        if (v.value.length >= 3 && v.value[0] === 0x80) return true;
        break;
      case 'list':
      case 'tuple':
      case 'set':
        if (seen !== null) {
          if (seen.has(v)) break;
          seen.add(v);
        }
        for (const item of v.items) stack.push(item);
        break;
      case 'dict':
        if (seen !== null) {
          if (seen.has(v)) break;
          seen.add(v);
        }
        for (let i = 1; i < v.pairs.length; i += 2) stack.push(v.pairs[i]);
        break;
      case 'object':
        if (seen !== null) {
          if (seen.has(v)) break;
          seen.add(v);
        }
        if (v.args) for (const item of v.args) stack.push(item);
        if (v.state !== undefined) stack.push(v.state);
        if (v.items) for (const item of v.items) stack.push(item);
        if (v.pairs) for (let i = 1; i < v.pairs.length; i += 2) stack.push(v.pairs[i]);
        break;
      default:
        break;
    }
  }
  return false;
}

function scan(value: Value, file: string, depth: number, budget: { bytes: number }): Found[] {
  const out: Found[] = [];
  const done = new Set<Value>();
  walkValue(value, {
    enter(entry) {
      const v = entry.value;
      if (v.kind !== 'str' && v.kind !== 'bytes') return;
      // A memoized string met again is the same pickle: judge it once, where it was first seen.
      if (done.has(v)) return;
      done.add(v);
      const bytes = pickleBytesOf(v);
      if (!bytes) return;
      if (bytes.length > budget.bytes) {
        const message = `A pickle of ${bytes.length} bytes is embedded here, past what Checkpoint Doctor decodes inside one value; it was not checked.`;
        out.push({ pointer: entry.pointer, decoded: null, raw: [{ code: 'analysis.failed', severity: 'warning', message, file }] });
        return;
      }
      budget.bytes -= bytes.length;
      const result = decodePickle(bytes, file);
      // Raw bytes that merely start like a pickle (1 in millions of binary blobs) are only
      // reported when they really decode; a base64 text of 0x80 0x0N is a pickle by intent.
      if (v.kind === 'bytes' && result.kind !== 'ok') return;
      const decoded = result.kind === 'ok' ? result.value : result.partial ?? null;
      const raw = [...result.findings, ...pickleSafetyFindings(result.globals, file)];
      if (decoded && depth + 1 < MAX_NESTING) {
        for (const inner of scan(decoded, file, depth + 1, budget)) {
          for (const f of inner.raw) {
            const { offset: _offset, ...rest } = f;
            void _offset;
            raw.push({ ...rest, message: `inside it, in the base64 pickle at ${inner.pointer || '/'} of its decoded value: ${f.message}` });
          }
        }
      }
      out.push({ pointer: entry.pointer, decoded, raw });
    },
  });
  return out;
}
