/** Python type names as a person reads them in a drift report: `datetime`, `tuple`, `dict[int]`. */
import type { Value } from '../model/value';

// Modules whose classes are named without the module (they are what `type(x).__name__` shows and
// nobody confuses them); anything else keeps its module so a custom class can be found.
const SHORT_MODULES = new Set(['builtins', 'datetime', 'decimal', 'pathlib', 'uuid', 'collections', 'fractions', 'ipaddress', 'enum', 'zoneinfo']);

/** `datetime.datetime` → `datetime`, `builtins.tuple` → `tuple`, `pkg.mod.Obj` stays. */
export function shortTypeName(qualified: string): string {
  const dot = qualified.lastIndexOf('.');
  if (dot < 0) return qualified;
  return SHORT_MODULES.has(qualified.slice(0, dot)) ? qualified.slice(dot + 1) : qualified;
}

/** The Python type name of a decoded node. */
export function typeNameOf(v: Value): string {
  switch (v.kind) {
    case 'null':
      return 'NoneType';
    case 'bool':
    case 'int':
    case 'float':
    case 'str':
    case 'list':
    case 'tuple':
      return v.kind;
    case 'bytes':
      return v.mutable ? 'bytearray' : 'bytes';
    case 'set':
      return v.frozen ? 'frozenset' : 'set';
    case 'dict':
      return v.cls ? shortTypeName(v.cls) : 'dict';
    case 'typed':
      return shortTypeName(v.type);
    case 'object':
      return v.cls;
    case 'global':
      return 'type';
  }
}

/** `dict[int]`, `dict[int|str]`: a dict named by its key types (in first-seen order). */
export function dictTypeName(keyTypes: Iterable<string>, base = 'dict'): string {
  const names = [...new Set(keyTypes)];
  return `${base}[${names.join('|')}]`;
}
