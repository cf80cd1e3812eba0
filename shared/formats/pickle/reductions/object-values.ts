/**
 * Values that are finished by state rather than built by a call: `uuid.UUID` (pickled as an empty
 * instance plus BUILD `{'int': N}`), dict subclasses from `collections`, and members of the
 * standard-library enums we know by heart.
 */
import { dictGet, type TypedValue, type Value } from '../../../model/value';
import { STDLIB_ENUM_MEMBERS } from '../stdlib-enums';
import { UNKNOWN, intArg, produced, type Reduction, type ReductionContext } from './reduction';

/** The typed UUID a BUILD state `{'int': N[, 'is_safe': …]}` describes, or null. */
export function uuidFromState(state: Value): TypedValue | null {
  if (state.kind !== 'dict') return null;
  const value = dictGet(state, 'int');
  const n = value ? intArg(value) : null;
  if (n === null || value?.kind !== 'int' || n < 0n || n >= 1n << 128n) return null;
  const hex = n.toString(16).padStart(32, '0');
  const str = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { kind: 'typed', type: 'uuid.UUID', repr: `UUID('${str}')`, str };
}

/** A member of a known standard-library enum (`http.HTTPStatus(200)`), or UNKNOWN. */
export function reduceEnumMember(cls: string, args: readonly Value[]): Reduction {
  const members = STDLIB_ENUM_MEMBERS.get(cls);
  if (!members || args.length !== 1) return UNKNOWN;
  const v = args[0];
  const key = v.kind === 'int' ? `i:${v.text}` : v.kind === 'str' ? `s:${v.value}` : v.kind === 'null' ? 'n:' : null;
  const member = key === null ? undefined : members.get(key);
  if (!member) return UNKNOWN;
  return produced({ kind: 'typed', type: cls, repr: member.repr, str: member.str });
}

// Keys and values alternately (as a dict node's `pairs`) of a mapping argument: a dict, or a
// list/tuple of 2-item pairs (OrderedDict's old form).
function mappingPairs(v: Value, ctx: ReductionContext): Value[] | null {
  if (v.kind === 'dict') {
    ctx.spend(v.pairs.length >> 1);
    return v.pairs.slice();
  }
  if (v.kind === 'list' || v.kind === 'tuple') {
    ctx.spend(v.items.length);
    const out: Value[] = [];
    for (const pair of v.items) {
      if ((pair.kind !== 'list' && pair.kind !== 'tuple') || pair.items.length !== 2) return null;
      out.push(pair.items[0], pair.items[1]);
    }
    return out;
  }
  return null;
}

/**
 * `OrderedDict([pairs])`, `defaultdict(factory[, mapping])`, `Counter(mapping)`: a dict node
 * that names its class. Entries usually follow through SETITEMS. The default factory of a
 * defaultdict is not kept: a dict node has no place for it.
 */
export function reduceDictSubclass(cls: string, args: readonly Value[], ctx: ReductionContext): Reduction {
  const mappingArg = cls === 'collections.defaultdict' ? args[1] : args[0];
  if (args.length > (cls === 'collections.defaultdict' ? 2 : 1)) return UNKNOWN;
  const pairs = mappingArg === undefined ? [] : mappingPairs(mappingArg, ctx);
  if (!pairs) return UNKNOWN;
  return produced({ kind: 'dict', pairs, cls });
}
