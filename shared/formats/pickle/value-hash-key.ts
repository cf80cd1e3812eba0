/**
 * Python's equality for dict keys and set items, as far as it can be decided without running
 * code: a pickled dict never holds two equal keys, so a later SETITEM with an equal key replaces
 * the value in place (`{1: 'a', True: 'b'}` is `{1: 'b'}` in Python). Also Python's hashability
 * rule, since an unhashable key makes `pickle.load` raise TypeError.
 */
import { floatValue, type Value } from '../../model/value';
import { pythonFloatRepr } from '../../model/python-float';

const MAX_TUPLE_DEPTH = 16;

function bytesKey(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/**
 * A string equal for two values exactly when Python calls them equal, or null when equality
 * depends on more than the value (NaN, objects, typed values: identity decides then).
 * Numbers share one space, as `1 == 1.0 == True` in Python.
 */
export function hashKey(v: Value, depth = 0): string | null {
  switch (v.kind) {
    case 'null':
      return 'N';
    case 'bool':
      return v.value ? 'n1' : 'n0';
    case 'int':
      return `n${v.text}`;
    case 'float': {
      const x = floatValue(v);
      if (Number.isNaN(x)) return null;
      if (Number.isInteger(x)) return `n${BigInt(x).toString()}`;
      return `f${pythonFloatRepr(x)}`;
    }
    case 'str':
      return `s${v.value}`;
    case 'bytes':
      return v.mutable ? null : `b${bytesKey(v.value)}`;
    case 'tuple': {
      if (depth >= MAX_TUPLE_DEPTH) return null;
      let key = `t${v.items.length}:`;
      for (const item of v.items) {
        const k = hashKey(item, depth + 1);
        if (k === null) return null;
        key += `${k.length}:${k}`;
      }
      return key;
    }
    default:
      return null;
  }
}

/**
 * The Python type name that makes `v` unhashable (`list`, `dict`, `set`, `bytearray`), looking
 * inside tuples; null when it is hashable or when only running code could tell (objects).
 * Charges each node it visits to `spend`.
 */
export function unhashableType(v: Value, spend: (units: number) => void): string | null {
  const pending: Value[] = [v];
  const seen = new Set<Value>();
  while (pending.length) {
    const x = pending.pop() as Value;
    spend(1);
    switch (x.kind) {
      case 'list':
        return 'list';
      case 'dict':
        return x.cls ? x.cls.split('.').pop() ?? 'dict' : 'dict';
      case 'set':
        if (!x.frozen) return 'set';
        break;
      case 'bytes':
        if (x.mutable) return 'bytearray';
        break;
      case 'tuple':
        if (!seen.has(x)) {
          seen.add(x);
          for (const item of x.items) pending.push(item);
        }
        break;
      default:
        break;
    }
  }
  return null;
}
