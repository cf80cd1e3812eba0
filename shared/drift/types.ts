/**
 * Type drift: what a save/load round trip silently changed. "Pre-save" is the value the program
 * held before saving; "post-load" is what a loader gets back from the JSON file.
 */
import type { Value } from '../model/value';

/** Where the pre-save side came from, best first. */
export type DriftSource = 'pickle' | 'manifest' | 'inferred';

/** Whose loader reads the JSON back: Python's `json.load`, or JavaScript's `JSON.parse`. */
export type DriftLoader = 'python' | 'js';

/**
 * `lossless`: same type and value; `coerced`: type changed, information kept (tuple → list,
 * datetime → ISO str); `lossy`: information lost (set → its repr string, bytes → a placeholder,
 * 2**64+1 rounded by JSON.parse); `dropped`: the value is missing after load.
 */
export type DriftVerdict = 'lossless' | 'coerced' | 'lossy' | 'dropped';

/** One side of an entry: a Python type name (`datetime`, `tuple`, `dict[int]`) and a short repr. */
export interface DriftSide {
  readonly type: string;
  readonly value: string;
}

/** One pointer whose value did not survive the round trip unchanged. */
export interface DriftEntry {
  /** JSON Pointer into the JSON file (how `json.dumps` laid the state out: int keys as str). */
  readonly pointer: string;
  readonly pre: DriftSide;
  readonly post: DriftSide;
  readonly verdict: Exclude<DriftVerdict, 'lossless'>;
  /** What happened and what it means for a resume, in a sentence. */
  readonly note: string;
}

/** How many pointers got each verdict (every judged pointer, listed or not). */
export interface DriftCounts {
  readonly lossless: number;
  readonly coerced: number;
  readonly lossy: number;
  readonly dropped: number;
}

/** The drift of one JSON file against its best pre-save source. */
export interface DriftReport {
  readonly source: DriftSource;
  readonly loader: DriftLoader;
  /** Non-lossless pointers, in document order, at most `maxEntries` of them. */
  readonly entries: DriftEntry[];
  readonly counts: DriftCounts;
  /** True when more entries than `maxEntries` were found (the counts still include them). */
  readonly truncated?: boolean;
}

/** One value recorded by the save-time type manifest. */
export interface ManifestEntry {
  /** Module-qualified Python type: `datetime.datetime`, `builtins.tuple`, `pathlib.PosixPath`. */
  readonly type: string;
  /** Short `repr()` of the value (may be cut). */
  readonly repr: string;
  /** `str()` of the value, when short: what `json.dumps(default=str)` writes. */
  readonly str?: string;
  /** Length of a bytes, str-like or container value. */
  readonly len?: number;
  /** For a dict: the module-qualified types of its keys (when any is not a str). */
  readonly keys?: readonly string[];
  /** For a subclass of a JSON-native type (a namedtuple, an IntEnum, an OrderedDict): that type, e.g. `builtins.tuple`. */
  readonly base?: string;
}

/** A parsed `ckpt-types/1` manifest (`X.json.types.json`). */
export interface TypeManifest {
  readonly kind: 'manifest';
  readonly format: 'ckpt-types/1';
  /** Entries by JSON Pointer. A Map, so that a pointer like `/__proto__` is just a key. */
  readonly types: ReadonlyMap<string, ManifestEntry>;
  /** Entries that were malformed and skipped (with the reason), so a bad line does not hide the rest. */
  readonly skipped: readonly { readonly pointer: string; readonly reason: string }[];
}

/** Why a manifest could not be used at all. */
export interface TypeManifestError {
  readonly kind: 'error';
  readonly error: string;
}

/** Inputs of `computeDrift`. */
export interface DriftInput {
  /** The value parsed from the JSON file (what a loader sees). */
  readonly post: Value;
  /** A typed image of the same state (the pickle beside the JSON), or null. */
  readonly pre: Value | null;
  /** Which pre-save source to use; when it is absent: pickle → manifest → inferred. */
  readonly preSource: DriftSource;
  readonly manifest?: TypeManifest;
  /** Default `python`. */
  readonly loader?: DriftLoader;
  /** Keep at most this many entries (default 10,000); counts include the rest. */
  readonly maxEntries?: number;
}
