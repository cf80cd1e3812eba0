/**
 * The standard-library callables the decoder rebuilds as typed nodes instead of inert objects.
 * Keyed by the Python 3 name the unpickler would import (`datetime.datetime`, `_codecs.encode`…).
 * Each handler only computes: nothing here imports or calls Python.
 */
import type { Value } from '../../../model/value';
import { reduceBytes, reduceCodecsEncode, reduceComplex, reduceSet } from './builtin-values';
import { reduceDate, reduceDatetime, reduceTime, reduceTimedelta, reduceTimezone, reduceZoneInfo } from './datetime-values';
import { reduceDecimal } from './decimal-value';
import { reduceDictSubclass, reduceEnumMember } from './object-values';
import { isPathClass, reducePath } from './path-values';
import { UNKNOWN, intArg, produced, type Reduction, type ReductionContext } from './reduction';

function reduceRange(args: readonly Value[]): Reduction {
  if (args.length < 1 || args.length > 3) return UNKNOWN;
  const nums = args.map((a) => (a.kind === 'int' ? intArg(a) : null));
  if (nums.some((n) => n === null)) return UNKNOWN;
  const [start, stop, step] = args.length === 1 ? [0n, nums[0] as bigint, 1n] : [nums[0] as bigint, nums[1] as bigint, (nums[2] ?? 1n) as bigint];
  if (step === 0n) return { kind: 'refused', reason: 'range() arg 3 must not be zero' };
  const repr = step === 1n ? `range(${start}, ${stop})` : `range(${start}, ${stop}, ${step})`;
  return produced({ kind: 'typed', type: 'builtins.range', repr, str: repr });
}

/**
 * Apply `callee(*args)` (or `callee.__new__(callee, *args)` when `viaNew`, for NEWOBJ) if the
 * callee is one we model; UNKNOWN otherwise.
 */
export function reduceKnown(callee: string, args: readonly Value[], viaNew: boolean, ctx: ReductionContext): Reduction {
  switch (callee) {
    case 'datetime.datetime':
      return reduceDatetime(args);
    case 'datetime.date':
      return reduceDate(args);
    case 'datetime.time':
      return reduceTime(args);
    case 'datetime.timedelta':
      return reduceTimedelta(args);
    case 'datetime.timezone':
      return reduceTimezone(args);
    case 'zoneinfo.ZoneInfo':
    case 'zoneinfo.ZoneInfo._unpickle':
    case 'zoneinfo.ZoneInfo.no_cache':
      return reduceZoneInfo(args);
    case 'decimal.Decimal':
      return reduceDecimal(args);
    case 'builtins.complex':
      return reduceComplex(args);
    case 'builtins.range':
      return reduceRange(args);
    case 'builtins.set':
      return reduceSet(args, false, viaNew, ctx);
    case 'builtins.frozenset':
      return reduceSet(args, true, viaNew, ctx);
    case 'builtins.bytes':
      return reduceBytes(args, false, viaNew, ctx);
    case 'builtins.bytearray':
      return reduceBytes(args, true, viaNew, ctx);
    case '_codecs.encode':
    case 'codecs.encode':
      return viaNew ? UNKNOWN : reduceCodecsEncode(args, ctx);
    case 'collections.OrderedDict':
    case 'collections.defaultdict':
    case 'collections.Counter':
      return reduceDictSubclass(callee, viaNew ? [] : args, ctx);
    default:
      break;
  }
  const dot = callee.lastIndexOf('.');
  const module = callee.slice(0, dot);
  const name = callee.slice(dot + 1);
  if ((module === 'pathlib' || module === 'pathlib._local') && isPathClass(name)) return reducePath(name, args);
  return reduceEnumMember(callee, args);
}
