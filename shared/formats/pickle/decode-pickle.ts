/**
 * The safe pickle decoder: a stack machine over every opcode of protocols 0–5 that builds a value
 * tree and never imports, calls or evaluates anything.
 *
 * Invariants (read these before changing the machine):
 * - Nothing runs. GLOBAL, STACK_GLOBAL and INST push inert `global` nodes and record where they
 *   were met; REDUCE, NEWOBJ, NEWOBJ_EX, OBJ and INST either rebuild a standard-library value we
 *   model exactly (datetime, Decimal, paths, …: pure computation over the arguments) or make an
 *   inert `object` node `{cls, args}`. BUILD stores state on that node. Every global reached is
 *   reported (`globals`) so the safety check can say what `pickle.load` would have run.
 * - Every length in the file is checked against the bytes that remain before anything is
 *   allocated or sliced; running out of bytes is `pickle.truncated`, never an exception.
 * - The memo holds references, not copies: GET and DUP push the very node again, so later
 *   APPENDs to a memoized list are seen through every reference (as in Python), cycles are
 *   possible, and a memo-expansion bomb stays linear in the input. Work proportional to a
 *   container's size (`set(L)` over a shared `L`) is charged to the operation budget, so a small
 *   file cannot buy quadratic work; past the budget decoding stops with `pickle.invalid`.
 * - Only memo slots some GET reads keep their node (a pre-scan finds them, memo-reads.ts); the
 *   rest are counted, so the millions of nodes Python memoizes but never reads back (each
 *   datetime's state bytes and argument tuple) can be collected while decoding goes on. A
 *   shortcut may skip building such unreachable nodes (stateReduced) only when it leaves
 *   everything else — budget, memo count, globals, findings — exactly as the opcodes would.
 * - Opcodes that take the items above a MARK read them in place on the stack and cut the stack
 *   back in a `finally`, so a failure leaves the stack as popping them first would have.
 * - MARKs are positions in the one stack. An opcode may only pop values above the newest MARK;
 *   reaching below it is an error, as in CPython, so marks never alias stack slots.
 * - Nothing recurses on the JS stack, whatever the nesting depth of the file.
 * - Problems become findings at the offset of the opcode that met them; structural ones stop the
 *   machine (the bottom of the stack is returned as the partial value), while a value Python
 *   itself would refuse to build is recorded and decoding goes on, so a person sees the rest.
 */
import type { Finding } from '../../model/finding';
import type { DictValue, GlobalValue, ObjectValue, SetValue, Value } from '../../model/value';
import { pythonFloatRepr } from '../../model/python-float';
import type { DecodeResult } from '../types';
import { opcodeName } from './opcodes';
import { findMemoReads, MemoSlots, memoIndexFromLine } from './memo-reads';
import { MAX_INT_BYTES, parseFloatLine, parseIntLine, parseLongLine, twosComplementToText } from './pickle-numbers';
import { decodeLatin1, decodeRawUnicodeEscape, decodeStringEscape, decodeUtf8 } from './pickle-strings';
import { PY2_IMPORT_MAPPING, PY2_NAME_MAPPING } from './py2-compat-names';
import { dateFromState, datetimeFromState } from './reductions/datetime-values';
import { reduceKnown } from './reductions/known-reductions';
import { uuidFromState } from './reductions/object-values';
import type { Reduction } from './reductions/reduction';
import { hashKey, unhashableType } from './value-hash-key';

/** One module-level name the pickle reaches (by GLOBAL, STACK_GLOBAL, INST, or a resolved getattr). */
export interface PickleGlobal {
  /** Module as Python would import it (Python 2 names already mapped, as the unpickler does). */
  readonly module: string;
  /** Qualified name inside the module (`DownloadStepFailed`, `ZoneInfo._unpickle`). */
  readonly name: string;
  /** Byte offset of the opcode that named it. */
  readonly offset: number;
  /** True when REDUCE/NEWOBJ/NEWOBJ_EX/INST/OBJ/BUILD reached it (called it or set state on it). */
  called: boolean;
  /** How many times REDUCE/NEWOBJ/…/BUILD reached it (a memoized class is named once, used many times). */
  calls?: number;
  /** `getattr` when the name came from `builtins.getattr(<global>, 'attr')`, resolved without running it. */
  readonly via?: 'getattr';
  /**
   * For `builtins.getattr` itself: true when every use was such a static lookup of a plain
   * attribute on a named class (how Python pickles a classmethod such as `ZoneInfo._unpickle`)
   * and the function never reached the decoded value, so it could reach nothing else.
   */
  staticLookupOnly?: boolean;
  /** True when BUILD set attributes on this class or function itself, not on an instance of it. */
  attributesSet?: boolean;
}

/** A decode result with what the safety check needs: the protocol and every global reached. */
export type PickleDecodeResult = DecodeResult & {
  /** The protocol named by the PROTO opcode, or null for protocols 0–1 (which have none). */
  readonly protocol: number | null;
  readonly globals: readonly PickleGlobal[];
};

/** Options of {@link decodePickle}. */
export interface DecodePickleOptions {
  /**
   * Operation budget (opcodes plus copied items); past it decoding stops with `pickle.invalid`.
   * Default: {@link defaultMaxOps} of the input's size.
   */
  readonly maxOps?: number;
}

/** The fixed part of the default operation budget: far above any small checkpoint, far below a hang. */
export const DEFAULT_MAX_OPS = 50_000_000;

/**
 * Operations the default budget allows per byte of input, on top of DEFAULT_MAX_OPS. An honest
 * pickle costs about one operation per opcode plus one per item it puts in a container, well
 * under one per byte (a 100 MB file of a million small dicts takes about 60 million), while a
 * memo-expansion bomb asks for far more work than its size; a flat 50 million refused the former.
 */
export const MAX_OPS_PER_BYTE = 4;

/** The operation budget decodePickle uses for an input of this size unless told otherwise. */
export function defaultMaxOps(byteLength: number): number {
  return DEFAULT_MAX_OPS + MAX_OPS_PER_BYTE * byteLength;
}

const TRUNCATED_ADVICE =
  'The file is cut short — most likely the program writing it was killed (or the disk filled) mid-write, ' +
  'so pickle.load fails with "pickle data was truncated" or EOFError. Fall back to the newest healthy generation.';
const INVALID_ADVICE =
  "Python's pickler never writes this, so the file is damaged or is not a pickle; pickle.load fails here. " +
  'Fall back to the newest healthy generation.';
const REFUSED_ADVICE = 'pickle.load raises here, so the program cannot resume from this file as it is.';

/** Internal: stops the machine with a finding. Never leaves this module. */
class Halt {
  constructor(readonly finding: Finding) {}
}

/** Internal: a GET read a slot the memo pre-scan said nothing reads; decode again keeping every slot. */
class MemoMiss {}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_DENSE_MEMO = 1 << 26;
/** Opcodes between a container and its next batch MARK that do not end the batch: FRAME and memo puts. */
// A byte table, not a Set: it is consulted for every opcode.
const KEEPS_BATCH_TARGET = new Uint8Array(256);
for (const op of [0x95, 0x70, 0x71, 0x72, 0x94]) KEEPS_BATCH_TARGET[op] = 1;
/** Python's pickler writes container items in batches of this many; only a full batch can be followed by another. */
const BATCH_SIZE = 1000;
/** Dicts and sets up to this size look for an equal key by scanning; bigger ones keep an index. */
const SCAN_LIMIT = 16;

/**
 * Decode a pickle without executing it. `file` is the name findings carry. Never throws.
 */
export function decodePickle(bytes: Uint8Array, file: string, options?: DecodePickleOptions): PickleDecodeResult {
  const maxOps = options?.maxOps ?? defaultMaxOps(bytes.length);
  const result = new PickleMachine(bytes, file, maxOps, findMemoReads(bytes)).run();
  // Cannot happen while findMemoReads walks opcodes as the machine does; if it ever did, the
  // answer is still exact.
  return result ?? (new PickleMachine(bytes, file, maxOps, null).run() as PickleDecodeResult);
}

class PickleMachine {
  private pos = 0;
  private opStart = 0;
  private op = 0;
  private ops = 0;
  private readonly stack: Value[] = [];
  private readonly marks: number[] = [];
  // For each MARK, the container it batches items for (Python writes `EMPTY_LIST MEMOIZE MARK …
  // APPENDS`), or null: only such items may be salvaged into a container when the file is cut.
  private readonly markOwners: (Value | null)[] = [];
  private batchTarget: Value | null = null;
  // Picklers number memo slots 0, 1, 2, …: a dense array, with a map for far-out indices a
  // hand-made pickle might use.
  // With `reads` (the slots some GET reads, see memo-reads.ts) only those slots keep their value;
  // the others are only counted, in `unread`, so a node nothing refers to again can be collected.
  private readonly memo: Value[] = [];
  private readonly farMemo = new Map<number, Value>();
  private readonly unread = new MemoSlots();
  private memoCount = 0;
  private proto = 0;
  private protocol: number | null = null;
  private readonly globals: PickleGlobal[] = [];
  private readonly records = new Map<GlobalValue, PickleGlobal>();
  private readonly getattrDynamic = new Set<PickleGlobal>();
  private readonly findings: Finding[] = [];
  private readonly hashIndex = new WeakMap<Value, Map<string, number>>();
  private persistentIds = 0;
  private firstPersistentId = -1;
  private outOfBand = 0;
  private firstOutOfBand = -1;
  private readonly extensions = new Map<number, number>();
  private refusedCount = 0;
  private shortFrame: { readonly at: number; readonly declared: number } | null = null;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly file: string,
    private readonly maxOps: number,
    private readonly reads: MemoSlots | null,
  ) {}

  /** The result, or null when the memo pre-scan missed a read (see MemoMiss). */
  run(): PickleDecodeResult | null {
    try {
      const value = this.loop();
      this.settleGetattr(value);
      this.summarise();
      const findings = this.findings;
      const base = { protocol: this.protocol, globals: this.globals };
      if (findings.some((f) => f.severity === 'error')) return { kind: 'corrupt', findings, partial: value, ...base };
      return { kind: 'ok', value, findings, ...base };
    } catch (e) {
      if (e instanceof MemoMiss) return null;
      const finding =
        e instanceof Halt
          ? e.finding
          : this.finding('pickle.invalid', `Checkpoint Doctor could not decode this pickle at byte ${this.opStart} (${String(e)}). ${INVALID_ADVICE}`);
      this.summarise();
      const partial = this.salvage();
      return {
        kind: 'corrupt',
        findings: [finding, ...this.findings],
        ...(partial ? { partial } : {}),
        protocol: this.protocol,
        globals: this.globals,
      };
    }
  }

  /**
   * The value read so far, for a file that stopped early: items waiting above each MARK are put
   * into the list, dict or set below it, as the APPENDS/SETITEMS that never came would have, so
   * the person sees everything that was recovered. Returns the bottom of the stack.
   */
  private salvage(): Value | undefined {
    for (let m = this.marks.length - 1; m >= 0; m--) {
      const mark = this.marks[m];
      const items = this.stack.splice(mark);
      const owner = this.markOwners[m];
      if (!owner || owner !== this.stack[mark - 1]) continue;
      if (owner.kind === 'list' || owner.kind === 'set' || (owner.kind === 'object' && !owner.pairs)) {
        const list = owner.kind === 'object' ? (owner.items ??= []) : owner.items;
        for (const item of items) list.push(item);
      } else if (owner.kind === 'dict' || owner.kind === 'object') {
        const pairs = owner.kind === 'dict' ? owner.pairs : (owner.pairs ??= []);
        for (let i = 0; i + 1 < items.length; i += 2) pairs.push(items[i], items[i + 1]);
      }
    }
    return this.stack.length > 0 ? this.stack[0] : undefined;
  }

  // ---- findings -----------------------------------------------------------------------------

  private finding(code: Finding['code'], message: string, severity: Finding['severity'] = 'error', offset = this.opStart): Finding {
    return { code, severity, message, file: this.file, offset };
  }

  private where(): string {
    return `${opcodeName(this.op)} at byte ${this.opStart}`;
  }

  private invalid(what: string): never {
    throw new Halt(this.finding('pickle.invalid', `${what} (${this.where()}). ${INVALID_ADVICE}`));
  }

  private truncated(detail: string): never {
    const frame = this.shortFrame
      ? ` (the FRAME at byte ${this.shortFrame.at} declares ${Number.isFinite(this.shortFrame.declared) ? this.shortFrame.declared : 'more than 2**53'} bytes that are not all there)`
      : '';
    throw new Halt(this.finding('pickle.truncated', `The pickle ends at byte ${this.bytes.length}, before its STOP opcode: ${detail}${frame}. ${TRUNCATED_ADVICE}`));
  }

  // Python would raise while building this value: report it, keep an inert stand-in, go on.
  private refuse(what: string, reason: string): void {
    this.refusedCount++;
    if (this.refusedCount > 20) return;
    this.findings.push(this.finding('pickle.invalid', `${what} cannot be rebuilt (${this.where()}): ${reason}. ${REFUSED_ADVICE}`));
  }

  spend(units: number): void {
    this.ops += units;
    if (this.ops > this.maxOps) {
      throw new Halt(
        this.finding(
          'pickle.invalid',
          `Decoding stopped after ${this.maxOps.toLocaleString('en-US')} operations (${this.where()}): this pickle asks for far more work than its size explains, ` +
            'the signature of a memo-expansion ("billion laughs") bomb or a corrupted length. Do not load it with pickle.load; fall back to the newest healthy generation.',
        ),
      );
    }
  }

  // ---- reading ------------------------------------------------------------------------------

  private need(n: number, what: string): void {
    if (n > this.bytes.length - this.pos) {
      const size = Number.isFinite(n) ? `${n} byte${n === 1 ? '' : 's'}` : 'more than 2**53 bytes';
      this.truncated(`the ${this.where()} needs ${size} of ${what} but only ${this.bytes.length - this.pos} remain`);
    }
  }

  private u8(): number {
    this.need(1, 'argument');
    return this.bytes[this.pos++];
  }

  private u16(): number {
    this.need(2, 'argument');
    const v = this.bytes[this.pos] | (this.bytes[this.pos + 1] << 8);
    this.pos += 2;
    return v;
  }

  private u32(): number {
    this.need(4, 'argument');
    const b = this.bytes;
    const v = (b[this.pos] | (b[this.pos + 1] << 8) | (b[this.pos + 2] << 16)) + b[this.pos + 3] * 0x1000000;
    this.pos += 4;
    return v;
  }

  private i32(): number {
    const v = this.u32();
    return v >= 0x80000000 ? v - 0x100000000 : v;
  }

  // An 8-byte length: exact while it fits a double's integer range, else Infinity (which no
  // remaining length can satisfy, so the caller reports truncation).
  private u64(): number {
    const lo = this.u32();
    const hi = this.u32();
    return hi >= 0x200000 ? Infinity : hi * 0x100000000 + lo;
  }

  // Returns where the n bytes start (they end at start + n); no tuple, since this runs for every string.
  private take(n: number, what: string): number {
    this.need(n, what);
    const start = this.pos;
    this.pos += n;
    return start;
  }

  private readLine(what: string): [start: number, end: number] {
    const nl = this.bytes.indexOf(0x0a, this.pos);
    if (nl < 0) this.truncated(`the ${what} of the ${this.where()} is a line that never ends`);
    const start = this.pos;
    this.pos = nl + 1;
    return [start, nl];
  }

  private lineText(what: string): string {
    const [s, e] = this.readLine(what);
    return decodeLatin1(this.bytes, s, e);
  }

  // ---- stack --------------------------------------------------------------------------------

  private fence(): number {
    return this.marks.length > 0 ? this.marks[this.marks.length - 1] : 0;
  }

  private push(v: Value): void {
    this.stack.push(v);
  }

  private pop(): Value {
    if (this.stack.length <= this.fence()) this.invalid(this.marks.length > 0 ? 'The opcode needs a value but finds a MARK (unexpected MARK found)' : 'The opcode needs a value but the stack is empty (unpickling stack underflow)');
    return this.stack.pop() as Value;
  }

  private top(): Value {
    if (this.stack.length <= this.fence()) this.invalid(this.marks.length > 0 ? 'The opcode needs a value but finds a MARK (unexpected MARK found)' : 'The opcode needs a value but the stack is empty (unpickling stack underflow)');
    return this.stack[this.stack.length - 1];
  }

  private popMark(): Value[] {
    return this.stack.splice(this.popMarkIndex());
  }

  // Closes the newest MARK and returns its stack position; the items above it stay on the stack
  // for the caller to read in place, which must cut the stack back to that position on every exit
  // (a try/finally), so a failure leaves the stack as popMark would have.
  private popMarkIndex(): number {
    if (this.marks.length === 0) this.invalid('The opcode needs a MARK but none is open (could not find MARK)');
    const mark = this.marks.pop() as number;
    this.markOwners.pop();
    return mark;
  }

  // The value just below the items of a MARK closed at `from`: the container they go into.
  private belowMark(from: number): Value {
    if (from <= this.fence()) {
      this.stack.length = from;
      return this.top(); // throws, with the message top() gives on an empty or marked stack
    }
    return this.stack[from - 1];
  }

  private memoGet(index: number): void {
    const v = (index < MAX_DENSE_MEMO ? this.memo[index] : undefined) ?? this.farMemo.get(index);
    if (v === undefined && this.reads !== null && this.unread.has(index)) throw new MemoMiss();
    if (v === undefined) this.invalid(`Memo entry ${index} is read before anything was stored there (memo value not found)`);
    this.push(v);
  }

  private memoPut(index: number): void {
    if (index < 0) this.invalid('The memo index is negative (negative PUT argument)');
    const v = this.top();
    if (this.reads !== null && !this.reads.has(index)) {
      // A slot is read or not for the whole file, so it is counted in one place or the other.
      if (!this.unread.add(index)) this.memoCount++;
      return;
    }
    if (index < MAX_DENSE_MEMO && index <= this.memo.length) {
      if (this.memo[index] === undefined) this.memoCount++;
      this.memo[index] = v;
    } else {
      if (!this.farMemo.has(index)) this.memoCount++;
      this.farMemo.set(index, v);
    }
  }

  // ---- the loop -----------------------------------------------------------------------------

  private loop(): Value {
    const b = this.bytes;
    if (b.length === 0) {
      throw new Halt(this.finding('pickle.truncated', `The file is empty (0 bytes), so there is no pickle in it. ${TRUNCATED_ADVICE}`, 'error', 0));
    }
    for (;;) {
      if (this.pos >= b.length) {
        this.opStart = this.pos;
        this.truncated('the file stops after a complete opcode, as if the rest was never written');
      }
      this.opStart = this.pos;
      this.op = b[this.pos++];
      this.spend(1);
      const batchTarget = this.batchTarget;
      this.batchTarget = KEEPS_BATCH_TARGET[this.op] === 1 ? batchTarget : null;
      switch (this.op) {
        case 0x80: { // PROTO
          const v = this.u8();
          if (v > 5) this.invalid(`The pickle asks for protocol ${v}, but the highest protocol is 5 (unsupported pickle protocol: ${v})`);
          this.proto = v;
          if (this.protocol === null) this.protocol = v;
          break;
        }
        case 0x95: { // FRAME
          const n = this.u64();
          // Python refuses a frame that runs past the end; decoding on recovers what the frame does hold.
          if (n > b.length - this.pos && this.shortFrame === null) this.shortFrame = { at: this.opStart, declared: n };
          break;
        }
        case 0x2e: // STOP
          if (this.shortFrame) {
            const { at, declared } = this.shortFrame;
            throw new Halt(this.finding('pickle.truncated', `The FRAME at byte ${at} declares ${Number.isFinite(declared) ? declared : 'more than 2**53'} bytes, but the file ends at byte ${b.length}. ${TRUNCATED_ADVICE}`, 'error', at));
          }
          return this.stop();

        // ints
        case 0x4a: this.pushInt(String(this.i32())); break; // BININT
        case 0x4b: this.pushInt(String(this.u8())); break; // BININT1
        case 0x4d: this.pushInt(String(this.u16())); break; // BININT2
        case 0x8a: { // LONG1
          const n = this.u8();
          const s = this.take(n, 'integer bytes');
          this.pushInt(twosComplementToText(b, s, n));
          break;
        }
        case 0x8b: { // LONG4
          const n = this.i32();
          if (n < 0) this.invalid('LONG4 declares a negative byte count');
          const s = this.take(n, 'integer bytes');
          if (n > MAX_INT_BYTES) this.invalid(`An integer of ${n} bytes is wider than Checkpoint Doctor decodes (${MAX_INT_BYTES} bytes)`);
          this.spend(n);
          this.pushInt(twosComplementToText(b, s, n));
          break;
        }
        case 0x49: { // INT
          const line = this.lineText('decimal text');
          const v = parseIntLine(line);
          if (!v) this.invalid(`INT holds ${JSON.stringify(line.slice(0, 40))}, which is not an integer`);
          this.push(v.kind === 'bool' ? { kind: 'bool', value: v.value } : { kind: 'int', text: v.text });
          break;
        }
        case 0x4c: { // LONG
          const line = this.lineText('decimal text');
          const text = parseLongLine(line);
          if (text === null) this.invalid(`LONG holds ${JSON.stringify(line.slice(0, 40))}, which is not an integer`);
          this.pushInt(text);
          break;
        }

        // floats
        case 0x46: { // FLOAT
          const line = this.lineText('decimal text');
          const v = parseFloatLine(line);
          if (!v.ok) this.invalid(`FLOAT: ${v.reason}`);
          this.pushFloat(v.value);
          break;
        }
        case 0x47: { // BINFLOAT
          const s = this.take(8, 'argument');
          for (let i = 0; i < 8; i++) FLOAT_BYTES[i] = b[s + i];
          this.pushFloat(FLOAT_VIEW.getFloat64(0, false));
          break;
        }

        // strings and bytes
        case 0x53: { // STRING
          const [s, e] = this.readLine('quoted text');
          const r = decodeStringEscape(b.subarray(s, e));
          if (!r.ok) this.invalid(`STRING: ${r.reason}`);
          this.push({ kind: 'str', value: decodeLatin1(r.bytes, 0, r.bytes.length) });
          break;
        }
        case 0x54: { // BINSTRING
          const n = this.i32();
          if (n < 0) this.invalid('BINSTRING declares a negative byte count');
          const s = this.take(n, 'text');
          this.push({ kind: 'str', value: decodeLatin1(b, s, s + n) });
          break;
        }
        case 0x55: { // SHORT_BINSTRING
          const n = this.u8();
          const s = this.take(n, 'text');
          this.push({ kind: 'str', value: decodeLatin1(b, s, s + n) });
          break;
        }
        case 0x42: this.pushBytes(this.u32(), false); break; // BINBYTES
        case 0x43: { // SHORT_BINBYTES
          const n = this.u8();
          if ((n === 10 || n === 4) && this.reads !== null && this.stateReduced(n)) break;
          this.pushBytes(n, false);
          break;
        }
        case 0x8e: this.pushBytes(this.u64(), false); break; // BINBYTES8
        case 0x96: this.pushBytes(this.u64(), true); break; // BYTEARRAY8
        case 0x56: { // UNICODE
          const [s, e] = this.readLine('text');
          const r = decodeRawUnicodeEscape(b, s, e);
          if (!r.ok) this.invalid(`UNICODE: ${r.reason}`);
          this.push({ kind: 'str', value: r.text });
          break;
        }
        case 0x8c: this.pushUtf8(this.u8()); break; // SHORT_BINUNICODE
        case 0x58: this.pushUtf8(this.u32()); break; // BINUNICODE
        case 0x8d: this.pushUtf8(this.u64()); break; // BINUNICODE8
        case 0x97: { // NEXT_BUFFER
          if (this.outOfBand === 0) this.firstOutOfBand = this.opStart;
          this.push({ kind: 'object', cls: 'pickle.PickleBuffer', args: [{ kind: 'int', text: String(this.outOfBand++) }] });
          break;
        }
        case 0x98: // READONLY_BUFFER: marks the buffer on top read-only; nothing to change here.
          this.top();
          break;

        // constants
        case 0x4e: this.push({ kind: 'null' }); break; // NONE
        case 0x88: this.push({ kind: 'bool', value: true }); break; // NEWTRUE
        case 0x89: this.push({ kind: 'bool', value: false }); break; // NEWFALSE

        // containers
        case 0x5d: this.pushBatchTarget({ kind: 'list', items: [] }); break; // EMPTY_LIST
        case 0x29: this.push({ kind: 'tuple', items: [] }); break; // EMPTY_TUPLE
        case 0x7d: this.pushBatchTarget({ kind: 'dict', pairs: [] }); break; // EMPTY_DICT
        case 0x8f: this.pushBatchTarget({ kind: 'set', items: [] }); break; // EMPTY_SET
        case 0x61: { // APPEND
          const v = this.pop();
          this.stack.push(v);
          const from = this.stack.length - 1;
          try {
            this.appendTo(this.belowMark(from), this.stack, from, from + 1);
          } finally {
            this.stack.length = from;
          }
          break;
        }
        case 0x65: { // APPENDS
          const from = this.popMarkIndex();
          const stack = this.stack;
          const count = stack.length - from;
          try {
            const target = this.belowMark(from);
            this.appendTo(target, stack, from, from + count);
            if (count === BATCH_SIZE) this.batchTarget = target;
          } finally {
            stack.length = from;
          }
          break;
        }
        case 0x6c: this.push({ kind: 'list', items: this.popMark() }); break; // LIST
        case 0x74: this.push({ kind: 'tuple', items: this.popMark() }); break; // TUPLE
        case 0x85: this.push({ kind: 'tuple', items: [this.pop()] }); break; // TUPLE1
        case 0x86: { // TUPLE2
          const y = this.pop();
          const x = this.pop();
          this.push({ kind: 'tuple', items: [x, y] });
          break;
        }
        case 0x87: { // TUPLE3
          const z = this.pop();
          const y = this.pop();
          const x = this.pop();
          this.push({ kind: 'tuple', items: [x, y, z] });
          break;
        }
        case 0x64: { // DICT
          const from = this.popMarkIndex();
          const stack = this.stack;
          const dict: DictValue = { kind: 'dict', pairs: [] };
          try {
            if ((stack.length - from) % 2) this.invalid('DICT has an odd number of items (a key without its value)');
            this.setItems(dict, stack, from, stack.length);
          } finally {
            stack.length = from;
          }
          this.push(dict);
          break;
        }
        case 0x73: { // SETITEM
          const value = this.pop();
          const key = this.pop();
          this.stack.push(key, value);
          const from = this.stack.length - 2;
          try {
            this.setItems(this.belowMark(from), this.stack, from, from + 2);
          } finally {
            this.stack.length = from;
          }
          break;
        }
        case 0x75: { // SETITEMS
          const from = this.popMarkIndex();
          const stack = this.stack;
          const count = stack.length - from;
          try {
            if (count % 2) this.invalid('SETITEMS has an odd number of items (a key without its value)');
            const target = this.belowMark(from);
            this.setItems(target, stack, from, from + count);
            if (count === 2 * BATCH_SIZE) this.batchTarget = target;
          } finally {
            stack.length = from;
          }
          break;
        }
        case 0x90: { // ADDITEMS
          const from = this.popMarkIndex();
          const stack = this.stack;
          const count = stack.length - from;
          try {
            const target = this.belowMark(from);
            this.addItems(target, stack, from, from + count);
            if (count === BATCH_SIZE) this.batchTarget = target;
          } finally {
            stack.length = from;
          }
          break;
        }
        case 0x91: { // FROZENSET
          const set: SetValue = { kind: 'set', items: [], frozen: true };
          const from = this.popMarkIndex();
          try {
            this.addItems(set, this.stack, from, this.stack.length);
          } finally {
            this.stack.length = from;
          }
          this.push(set);
          break;
        }

        // stack and memo
        case 0x30: // POP
          if (this.stack.length > this.fence()) this.stack.pop();
          else if (this.marks.length > 0) {
            this.marks.pop(); // CPython lets POP discard a bare MARK
            this.markOwners.pop();
          }
          else this.invalid('POP on an empty stack (unpickling stack underflow)');
          break;
        case 0x32: this.push(this.top()); break; // DUP
        case 0x28: // MARK
          this.marks.push(this.stack.length);
          this.markOwners.push(batchTarget);
          break;
        case 0x31: this.popMark(); break; // POP_MARK
        case 0x67: this.memoGet(this.memoIndexLine()); break; // GET
        case 0x68: this.memoGet(this.u8()); break; // BINGET
        case 0x6a: this.memoGet(this.u32()); break; // LONG_BINGET
        case 0x70: this.memoPut(this.memoIndexLine()); break; // PUT
        case 0x71: this.memoPut(this.u8()); break; // BINPUT
        case 0x72: this.memoPut(this.u32()); break; // LONG_BINPUT
        case 0x94: this.memoPut(this.memoCount); break; // MEMOIZE

        // names and calls
        case 0x82: this.pushExtension(this.u8()); break; // EXT1
        case 0x83: this.pushExtension(this.u16()); break; // EXT2
        case 0x84: this.pushExtension(this.i32()); break; // EXT4
        case 0x63: { // GLOBAL
          const [module, name] = this.nameLines();
          this.push(this.makeGlobal(module, name));
          break;
        }
        case 0x93: { // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          if (module.kind !== 'str' || name.kind !== 'str') this.invalid('STACK_GLOBAL needs two strings, a module and a name (STACK_GLOBAL requires str)');
          this.push(this.makeGlobal(module.value, name.value));
          break;
        }
        case 0x52: { // REDUCE
          const args = this.pop();
          const callable = this.pop();
          if (args.kind !== 'tuple') this.invalid(`REDUCE needs an argument tuple but finds a ${args.kind}`);
          this.pushBatchTarget(this.apply(callable, args.items, false));
          break;
        }
        case 0x62: { // BUILD
          const state = this.pop();
          this.build(this.top(), state);
          break;
        }
        case 0x81: { // NEWOBJ
          const args = this.pop();
          const cls = this.pop();
          if (args.kind !== 'tuple') this.invalid(`NEWOBJ needs an argument tuple but finds a ${args.kind}`);
          this.pushBatchTarget(this.apply(cls, args.items, true));
          break;
        }
        case 0x92: { // NEWOBJ_EX
          const kwargs = this.pop();
          const args = this.pop();
          const cls = this.pop();
          if (args.kind !== 'tuple') this.invalid(`NEWOBJ_EX needs an argument tuple but finds a ${args.kind}`);
          if (kwargs.kind !== 'dict') this.invalid(`NEWOBJ_EX needs a keyword dict but finds a ${kwargs.kind}`);
          // Keyword arguments have no slot of their own on an object node: they ride as a last dict argument.
          this.pushBatchTarget(this.apply(cls, kwargs.pairs.length > 0 ? [...args.items, kwargs] : args.items, true));
          break;
        }
        case 0x69: { // INST
          const [module, name] = this.nameLines();
          const cls = this.makeGlobal(module, name);
          this.push(this.apply(cls, this.popMark(), false));
          break;
        }
        case 0x6f: { // OBJ
          const items = this.popMark();
          if (items.length === 0) this.invalid('OBJ needs a class after its MARK but finds nothing (unpickling stack underflow)');
          this.push(this.apply(items[0], items.slice(1), false));
          break;
        }
        case 0x50: { // PERSID
          const [s, e] = this.readLine('persistent id');
          for (let i = s; i < e; i++) if (b[i] > 0x7f) this.invalid('A protocol 0 persistent id must be ASCII text');
          this.pushPersistent({ kind: 'str', value: decodeLatin1(b, s, e) });
          break;
        }
        case 0x51: this.pushPersistent(this.pop()); break; // BINPERSID
        default:
          throw new Halt(this.finding('pickle.invalid', `The value 0x${this.op.toString(16).padStart(2, '0')} at byte ${this.opStart} is not a pickle opcode. ${INVALID_ADVICE}`));
      }
    }
  }

  private stop(): Value {
    const value = this.pop();
    const rest = this.bytes.length - this.pos;
    if (rest > 0) {
      const next = this.bytes[this.pos];
      const looksLikePickle = next === 0x80 && rest > 1 && this.bytes[this.pos + 1] <= 5;
      this.findings.push(
        this.finding(
          'pickle.trailing_data',
          `${rest} byte${rest === 1 ? '' : 's'} follow the STOP opcode at byte ${this.opStart}. pickle.load reads only up to STOP and ignores them` +
            (looksLikePickle
              ? '; they start like another pickle, so the program probably dumps several objects into one file (each pickle.load call returns the next) or appended instead of overwriting.'
              : ', so they are leftovers — a longer earlier version of this file that was overwritten in place without truncating, or data appended by something else.'),
          'warning',
          this.pos,
        ),
      );
    }
    return value;
  }

  // ---- pushes -------------------------------------------------------------------------------

  // Push a value that APPENDS/SETITEMS/ADDITEMS batches may follow (after a memo PUT and a MARK).
  private pushBatchTarget(v: Value): void {
    this.push(v);
    if (v.kind === 'list' || v.kind === 'dict' || v.kind === 'set' || v.kind === 'object') this.batchTarget = v;
  }

  private pushInt(text: string): void {
    this.push({ kind: 'int', text });
  }

  private pushFloat(value: number): void {
    this.push({ kind: 'float', text: pythonFloatRepr(value) });
  }

  /**
   * How Python pickles every naive datetime and date: `datetime.datetime` (or `.date`) on the
   * stack, then SHORT_BINBYTES state, [memo put], TUPLE1, [memo put], REDUCE. When no GET reads
   * either memo slot, the bytes node and the argument tuple can never be seen, so the value is
   * built from the file's bytes at once, with everything else the five opcodes would do (budget,
   * memo count, the global's call count). Anything unusual (another opcode between, a FRAME, a cut
   * file, the budget running out, a state the general path must judge) returns false, and the
   * opcodes run one by one. Called with pos at the n state bytes.
   */
  private stateReduced(n: number): boolean {
    const b = this.bytes;
    const stack = this.stack;
    if (stack.length <= this.fence()) return false;
    const callee = stack[stack.length - 1];
    if (callee.kind !== 'global' || callee.name !== (n === 10 ? 'datetime.datetime' : 'datetime.date')) return false;
    const reads = this.reads as MemoSlots;
    let p = this.pos + n;
    let count = this.memoCount;
    // [memo put] TUPLE1 [memo put] REDUCE, each put a MEMOIZE or a BINPUT of an unread slot.
    const slots = [-1, -1];
    for (let step = 0; step < 2; step++) {
      if (p >= b.length) return false;
      let slot = -1;
      if (b[p] === 0x94) {
        slot = count;
        p += 1;
      } else if (b[p] === 0x71) {
        if (p + 1 >= b.length) return false;
        slot = b[p + 1];
        p += 2;
      }
      if (slot >= 0) {
        if (reads.has(slot)) return false;
        if (!this.unread.has(slot) && slot !== slots[0]) count++;
        slots[step] = slot;
      }
      if (p >= b.length || b[p] !== (step === 0 ? 0x85 : 0x52)) return false;
      p += 1;
    }
    // The opcodes after SHORT_BINBYTES (already charged by the loop) and the call's one argument.
    const work = (slots[0] >= 0 ? 1 : 0) + (slots[1] >= 0 ? 1 : 0) + 2 + 1;
    if (this.ops + work > this.maxOps) return false;
    const value = n === 10 ? datetimeFromState(b, this.pos) : dateFromState(b, this.pos);
    if (value === null) return false;
    this.ops += work;
    if (slots[0] >= 0) this.unread.add(slots[0]);
    if (slots[1] >= 0) this.unread.add(slots[1]);
    this.memoCount = count;
    const record = this.records.get(callee);
    if (record) markCalled(record);
    stack[stack.length - 1] = value;
    this.pos = p;
    return true;
  }

  private pushBytes(n: number, mutable: boolean): void {
    const s = this.take(n, mutable ? 'bytearray' : 'bytes');
    const e = s + n;
    this.spend(Math.floor(n / 4096));
    this.push(mutable ? { kind: 'bytes', value: this.bytes.slice(s, e), mutable: true } : { kind: 'bytes', value: this.bytes.slice(s, e) });
  }

  private pushUtf8(n: number): void {
    const s = this.take(n, 'text');
    const e = s + n;
    this.spend(Math.floor(n / 4096));
    const text = decodeUtf8(this.bytes, s, e);
    if (text === null) this.invalid('The string is not valid UTF-8 (UnicodeDecodeError)');
    this.push({ kind: 'str', value: text });
  }

  private memoIndexLine(): number {
    const line = this.lineText('memo index');
    const v = memoIndexFromLine(line);
    if (v === null) this.invalid(`The memo index ${JSON.stringify(line.slice(0, 40))} is not an integer`);
    return v;
  }

  private nameLines(): [string, string] {
    const [ms, me] = this.readLine('module name');
    const [ns, ne] = this.readLine('class name');
    const module = decodeUtf8(this.bytes, ms, me);
    const name = decodeUtf8(this.bytes, ns, ne);
    if (module === null || name === null) this.invalid('The module or class name is not valid UTF-8');
    return [module, name];
  }

  private pushPersistent(pid: Value): void {
    if (this.persistentIds++ === 0) this.firstPersistentId = this.opStart;
    this.push({ kind: 'object', cls: 'persistent_load', args: [pid] });
  }

  private pushExtension(code: number): void {
    if (code <= 0) this.invalid('The extension code is not positive (EXT specifies code <= 0)');
    if (!this.extensions.has(code)) this.extensions.set(code, this.opStart);
    this.push({ kind: 'global', name: `<copyreg extension ${code}>` });
  }

  // ---- globals and calls --------------------------------------------------------------------

  private makeGlobal(rawModule: string, rawName: string): GlobalValue {
    let module = rawModule;
    let name = rawName;
    // The unpickler maps Python 2 names for protocols below 3 (fix_imports=True).
    if (this.proto < 3) {
      const mapped = PY2_NAME_MAPPING.get(`${module} ${name}`);
      if (mapped) [module, name] = mapped;
      else module = PY2_IMPORT_MAPPING.get(module) ?? module;
    }
    const record: PickleGlobal = { module, name, offset: this.opStart, called: false };
    const node: GlobalValue = { kind: 'global', name: `${module}.${name}` };
    this.globals.push(record);
    this.records.set(node, record);
    return node;
  }

  private apply(callee: Value, callArgs: Value[], calledViaNew: boolean): Value {
    let callable = callee;
    let args = callArgs;
    let viaNew = calledViaNew;
    // copyreg.__newobj__(cls, *args) and __newobj_ex__(cls, args, kwargs) are NEWOBJ spelled as
    // calls; unwrap them in a loop, since a hand-made pickle may nest them without end.
    for (;;) {
      this.spend(args.length);
      if (callable.kind !== 'global') break;
      const wrapper = this.records.get(callable);
      if (callable.name === 'copyreg.__newobj__' && args.length >= 1) {
        if (wrapper) markCalled(wrapper);
        [callable, args, viaNew] = [args[0], args.slice(1), true];
        continue;
      }
      if (callable.name === 'copyreg.__newobj_ex__' && args.length === 3 && args[1].kind === 'tuple') {
        if (wrapper) markCalled(wrapper);
        const kw = args[2];
        [callable, args, viaNew] = [args[0], kw.kind === 'dict' && kw.pairs.length > 0 ? [...args[1].items, kw] : args[1].items, true];
        continue;
      }
      break;
    }
    if (callable.kind === 'object') {
      // Calling what another call returned (a bound method, a getattr result): keep it inert.
      return { kind: 'object', cls: `${callable.cls}(…)`, args };
    }
    if (callable.kind !== 'global') {
      this.refuse(`A call of a ${callable.kind}`, `'${callable.kind}' object is not callable`);
      return { kind: 'object', cls: `<${callable.kind}>`, args };
    }
    const record = this.records.get(callable);
    if (record) markCalled(record);
    const name = callable.name;
    if (name === 'builtins.getattr' && record) {
      const resolved = this.staticGetattr(args);
      if (resolved) return resolved;
      this.getattrDynamic.add(record);
    }
    if (name === 'copyreg._reconstructor') return this.reconstructor(args);
    const r: Reduction = reduceKnown(name, args, viaNew, this);
    if (r.kind === 'value') return r.value;
    if (r.kind === 'refused') this.refuse(`${name}(…)`, r.reason);
    return { kind: 'object', cls: name, args };
  }

  // builtins.getattr(SomeClass, 'attr') is how Python pickles a classmethod or a nested class
  // below protocol 4; resolve it to the global it names instead of treating it as a dynamic call.
  private staticGetattr(args: readonly Value[]): GlobalValue | null {
    if (args.length !== 2) return null;
    const [target, attr] = args;
    if (target.kind !== 'global' || attr.kind !== 'str' || !IDENTIFIER.test(attr.value) || attr.value.startsWith('__')) return null;
    const base = this.records.get(target);
    const module = base ? base.module : target.name.slice(0, target.name.lastIndexOf('.'));
    const qual = base ? `${base.name}.${attr.value}` : `${target.name.slice(target.name.lastIndexOf('.') + 1)}.${attr.value}`;
    const record: PickleGlobal = { module, name: qual, offset: this.opStart, called: false, via: 'getattr' };
    const node: GlobalValue = { kind: 'global', name: `${module}.${qual}` };
    this.globals.push(record);
    this.records.set(node, record);
    return node;
  }

  // copyreg._reconstructor(cls, base, state): protocol 0–1's way to make an instance of a plain
  // class (base object) or of a builtin subclass (base list, dict, int…) before BUILD sets state.
  private reconstructor(args: readonly Value[]): Value {
    const [cls, base, state] = args;
    if (args.length !== 3 || cls.kind !== 'global') return { kind: 'object', cls: 'copyreg._reconstructor', args: [...args] };
    const record = this.records.get(cls);
    if (record) markCalled(record);
    const baseName = base.kind === 'global' ? base.name : '';
    // base.__init__(obj, state): a list or dict subclass gets its contents from the state argument.
    if (baseName === 'builtins.list' && (state.kind === 'list' || state.kind === 'null')) {
      const items = state.kind === 'list' ? state.items.slice() : [];
      this.spend(items.length);
      return { kind: 'object', cls: cls.name, items };
    }
    if (baseName === 'builtins.dict' && (state.kind === 'dict' || state.kind === 'null')) {
      const pairs = state.kind === 'dict' ? state.pairs.slice() : [];
      this.spend(pairs.length >> 1);
      return { kind: 'object', cls: cls.name, pairs };
    }
    const obj: ObjectValue = state.kind === 'null' ? { kind: 'object', cls: cls.name } : { kind: 'object', cls: cls.name, args: [state] };
    return obj;
  }

  private build(target: Value, state: Value): void {
    this.spend(1);
    // BUILD with None sets nothing, on anything (CPython skips the default __setstate__).
    if (state.kind === 'null') return;
    if (target.kind === 'global') {
      const record = this.records.get(target);
      if (record) {
        markCalled(record);
        record.attributesSet = true;
      }
      return;
    }
    if (target.kind === 'object') {
      if (target.cls === 'uuid.UUID' && target.state === undefined && !target.items && !target.pairs) {
        const uuid = uuidFromState(state);
        if (uuid) {
          replaceNode(target, uuid);
          return;
        }
      }
      target.state = target.state === undefined ? state : mergeState(target.state, state);
      return;
    }
    if (target.kind === 'dict' && target.cls) {
      // An OrderedDict (or other modelled dict subclass) with instance attributes: keep both.
      replaceNode(target, { kind: 'object', cls: target.cls, pairs: target.pairs, state });
      return;
    }
    if (target.kind === 'typed') return; // e.g. an enum member with attributes: its repr already says what it is
    this.refuse(`Setting state on a ${target.kind}`, `a ${target.kind} has no __dict__ or __setstate__ for BUILD`);
  }

  // The items are src[from..to): the machine's own stack, read in place instead of copied out.
  private appendTo(target: Value, src: readonly Value[], from: number, to: number): void {
    this.spend(to - from);
    let list: Value[];
    if (target.kind === 'list') list = target.items;
    else if (target.kind === 'object') list = target.items ?? (target.items = []);
    else this.invalid(`APPEND targets a ${target.kind}, which has no append()`);
    for (let i = from; i < to; i++) list.push(src[i]);
  }

  // Keys and values alternate in src[from..to).
  private setItems(target: Value, src: readonly Value[], from: number, to: number): void {
    this.spend(to - from);
    // Keys and values alternate in `pairs` too (entry k's key at 2k, its value at 2k + 1): no
    // object is made per entry, and the array stays on the node so a memoized dict keeps growing.
    let pairs: Value[];
    if (target.kind === 'dict') pairs = target.pairs;
    else if (target.kind === 'object') pairs = target.pairs ?? (target.pairs = []);
    else this.invalid(`SETITEM targets a ${target.kind}, which does not support item assignment`);
    const keyAt = (k: number): Value => pairs[2 * k];
    for (let i = from; i < to; i += 2) {
      const key = src[i];
      const value = src[i + 1];
      let at: number;
      const size = pairs.length >> 1;
      if (key.kind === 'str' && target.kind === 'dict' && size < SCAN_LIMIT) {
        // The common case, a small dict with str keys: compare in place. A dict's entries only
        // grow and its index is only built at SCAN_LIMIT, so below that there is none to update.
        at = -1;
        const text = key.value;
        for (let k = 0; k < pairs.length; k += 2) {
          const existing = pairs[k];
          if (existing.kind === 'str' && existing.value === text) {
            at = k >> 1;
            break;
          }
        }
      } else {
        this.checkHashable(key, 'A dict key');
        at = this.findEqual(target, size, keyAt, key);
      }
      // Python keeps the first key object and its position, and takes the new value.
      if (at >= 0) pairs[2 * at + 1] = value;
      else pairs.push(key, value);
    }
  }

  private addItems(target: Value, src: readonly Value[], from: number, to: number): void {
    this.spend(to - from);
    let list: Value[];
    if (target.kind === 'set') list = target.items;
    else if (target.kind === 'object') list = target.items ?? (target.items = []);
    else this.invalid(`ADDITEMS targets a ${target.kind}, which has no add()`);
    for (let i = from; i < to; i++) {
      const item = src[i];
      this.checkHashable(item, 'A set item');
      if (this.findEqual(target, list.length, (k) => list[k], item) < 0) list.push(item);
    }
  }

  private checkHashable(v: Value, what: string): void {
    if (v.kind !== 'tuple' && v.kind !== 'list' && v.kind !== 'dict' && v.kind !== 'set' && !(v.kind === 'bytes' && v.mutable)) return;
    const bad = unhashableType(v, (n) => this.spend(n));
    if (bad) this.refuse(`${what} of type ${bad}`, `unhashable type: '${bad}'`);
  }

  /**
   * Index of a member Python would call equal to `v` among the `size` members of `owner`, or -1.
   * Small containers are scanned; larger ones keep an index by hash key, built on first need.
   * A new member is recorded in the index when it is not found.
   */
  private findEqual(owner: Value, size: number, memberAt: (k: number) => Value, v: Value): number {
    let index = this.hashIndex.get(owner);
    if (!index && size < SCAN_LIMIT) {
      for (let k = 0; k < size; k++) if (sameKey(memberAt(k), v)) return k;
      return -1;
    }
    if (!index) {
      index = new Map();
      this.hashIndex.set(owner, index);
      for (let k = 0; k < size; k++) {
        const existing = hashKey(memberAt(k));
        if (existing !== null && !index.has(existing)) index.set(existing, k);
      }
    }
    const hk = hashKey(v);
    if (hk === null) return -1;
    const at = index.get(hk);
    if (at !== undefined) return at;
    index.set(hk, size);
    return -1;
  }

  // ---- after STOP ---------------------------------------------------------------------------

  // A builtins.getattr used only for static lookups is harmless; one that was called on anything
  // else, or that survives into the decoded value (where a caller could use it), is not.
  private settleGetattr(root: Value): void {
    const pending = this.globals.filter((g) => g.module === 'builtins' && g.name === 'getattr' && g.called && !this.getattrDynamic.has(g));
    if (pending.length === 0) return;
    const reachable = reachableGlobals(root, (n) => this.spend(n));
    for (const [node, record] of this.records) {
      if (pending.includes(record)) record.staticLookupOnly = !reachable.has(node);
    }
  }

  private summarise(): void {
    if (this.persistentIds > 0) {
      this.findings.push(
        this.finding(
          'pickle.nonportable_class',
          `This pickle refers to ${this.persistentIds} object${this.persistentIds === 1 ? '' : 's'} stored outside it (persistent IDs, first at byte ${this.firstPersistentId}). ` +
            'Only a loader that supplies persistent_load — the program that wrote it, or e.g. torch.load for tensor storages — can rebuild them; plain pickle.load fails with UnpicklingError.',
          'warning',
          this.firstPersistentId,
        ),
      );
    }
    for (const [code, offset] of this.extensions) {
      this.findings.push(
        this.finding(
          'pickle.nonportable_class',
          `The pickle names a class by extension code ${code} (byte ${offset}), which only means something in a process that registered it with copyreg.add_extension; anywhere else pickle.load fails with "unregistered extension code ${code}".`,
          'warning',
          offset,
        ),
      );
    }
    if (this.outOfBand > 0) {
      this.findings.push(
        this.finding(
          'pickle.out_of_band',
          `This protocol 5 pickle takes ${this.outOfBand} buffer${this.outOfBand === 1 ? '' : 's'} out of band (NEXT_BUFFER, first at byte ${this.firstOutOfBand}): their bytes are not in this file. ` +
            'pickle.load needs the same buffers passed as buffers=…, so check that whatever stored them alongside this file is there too.',
          'warning',
          this.firstOutOfBand,
        ),
      );
    }
    if (this.refusedCount > 20) {
      this.findings.push(this.finding('pickle.invalid', `${this.refusedCount - 20} more values could not be rebuilt; only the first 20 are listed.`));
    }
  }
}

// One scratch buffer for BINFLOAT, instead of a DataView per float.
const FLOAT_BYTES = new Uint8Array(8);
const FLOAT_VIEW = new DataView(FLOAT_BYTES.buffer);

function markCalled(record: PickleGlobal): void {
  record.called = true;
  record.calls = (record.calls ?? 0) + 1;
}

// Python equality of two keys, without building hash keys for the common str/str case.
function sameKey(a: Value, b: Value): boolean {
  if (a.kind === 'str' || b.kind === 'str') return a.kind === b.kind && (a as { value: string }).value === (b as { value: string }).value;
  if (a === b) return true;
  const ka = hashKey(a);
  return ka !== null && ka === hashKey(b);
}

// Python's BUILD merges a dict state into the instance __dict__; keep one dict node with both.
function mergeState(before: Value, after: Value): Value {
  if (before.kind === 'dict' && after.kind === 'dict' && !before.cls && !after.cls) {
    const pairs = before.pairs.slice();
    const more = after.pairs;
    for (let j = 0; j < more.length; j += 2) {
      const key = more[j];
      let i = -1;
      if (key.kind === 'str') {
        for (let k = 0; k < pairs.length; k += 2) {
          const x = pairs[k];
          if (x.kind === 'str' && x.value === key.value) {
            i = k;
            break;
          }
        }
      }
      // The later entry takes the slot whole, key node and value.
      if (i >= 0) {
        pairs[i] = key;
        pairs[i + 1] = more[j + 1];
      } else pairs.push(key, more[j + 1]);
    }
    return { kind: 'dict', pairs };
  }
  return after;
}

// BUILD completes an object in place in Python, and every memo reference sees the result; the
// node is rewritten in place for the same reason.
function replaceNode(target: Value, replacement: Value): void {
  const t = target as unknown as Record<string, unknown>;
  for (const key of Object.keys(t)) delete t[key];
  Object.assign(t, replacement);
}

function reachableGlobals(root: Value, spend: (n: number) => void): Set<Value> {
  const found = new Set<Value>();
  const seen = new Set<Value>();
  const pending: Value[] = [root];
  while (pending.length > 0) {
    const v = pending.pop() as Value;
    if (seen.has(v)) continue;
    seen.add(v);
    spend(1);
    switch (v.kind) {
      case 'global':
        found.add(v);
        break;
      case 'list':
      case 'tuple':
      case 'set':
        for (const item of v.items) pending.push(item);
        break;
      case 'dict':
        for (const p of v.pairs) pending.push(p);
        break;
      case 'object':
        for (const a of v.args ?? []) pending.push(a);
        if (v.state) pending.push(v.state);
        for (const item of v.items ?? []) pending.push(item);
        for (const p of v.pairs ?? []) pending.push(p);
        break;
      default:
        break;
    }
  }
  return found;
}
