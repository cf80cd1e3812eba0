/**
 * Terse constructors for value trees, for unit tests of the algorithms that walk them (diff,
 * drift) where a hand-built tree states the case more plainly than a file would.
 */
import type { Value } from '../model/value';

/** Python `None`. */
export const none = (): Value => ({ kind: 'null' });
/** `True`/`False`. */
export const bool = (value: boolean): Value => ({ kind: 'bool', value });
/** An int from decimal text or a bigint/number. */
export const int = (v: string | number | bigint): Value => ({ kind: 'int', text: String(v) });
/** A float; `text` defaults to the JS spelling. */
export const float = (value: number, text = String(value)): Value => ({ kind: 'float', text });
/** A str. */
export const str = (value: string): Value => ({ kind: 'str', value });
/** bytes (or bytearray). */
export const bytes = (value: Uint8Array | string, mutable = false): Value => ({
  kind: 'bytes',
  value: typeof value === 'string' ? new TextEncoder().encode(value) : value,
  ...(mutable ? { mutable } : {}),
});
/** A list. */
export const list = (...items: Value[]): Value & { kind: 'list' } => ({ kind: 'list', items });
/** A list from an array (no argument spreading, so a million items are fine). */
export const listOf = (items: Value[]): Value & { kind: 'list' } => ({ kind: 'list', items });
/** A tuple. */
export const tuple = (...items: Value[]): Value => ({ kind: 'tuple', items });
/** A set (frozenset when `frozen`). */
export const set = (items: Value[], frozen = false): Value => ({ kind: 'set', items, ...(frozen ? { frozen } : {}) });
/** A dict from [key, value] pairs; a string key becomes a str node. */
export const dict = (...pairs: [Value | string, Value][]): Value & { kind: 'dict' } => ({
  kind: 'dict',
  pairs: pairs.flatMap(([k, v]): Value[] => [typeof k === 'string' ? str(k) : k, v]),
});
/** A typed standard-library value. */
export const typed = (type: string, repr: string, strForm: string): Value => ({ kind: 'typed', type, repr, str: strForm });
/** An inert object. */
export const object = (cls: string, state?: Value, args?: Value[]): Value => ({
  kind: 'object',
  cls,
  ...(args ? { args } : {}),
  ...(state !== undefined ? { state } : {}),
});
