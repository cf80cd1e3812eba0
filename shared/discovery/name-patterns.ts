/**
 * What a file name says about a checkpoint: its extension and compression suffix, whether it is the
 * temp file of an interrupted atomic write, and the counter or timestamp that orders a series.
 * Pure string work; `discover.ts` puts the pieces together.
 */

/** Compression suffixes a checkpoint may carry (the content is still checked by magic bytes). */
const COMPRESSION_SUFFIXES = ['.gz', '.gzip', '.xz', '.bz2', '.zst', '.zstd', '.lz4'] as const;

/** Extensions of files that may hold a checkpoint. */
const CHECKPOINT_EXTENSIONS = ['.json', '.pkl', '.pickle', '.pck', '.pt', '.pth', '.ckpt', '.bin', '.safetensors', '.msgpack'] as const;

/** Extension of the pickle member of a three-file set, or of a typed twin beside a JSON file. */
export const PICKLE_EXTENSIONS: readonly string[] = ['.pkl', '.pickle', '.pck'];

/** A file name taken apart. */
export interface ParsedName {
  /** The name as on disk. */
  readonly name: string;
  /** The name without its compression suffix (`agent.1.json.gz` → `agent.1.json`). */
  readonly plain: string;
  /** `.gz`, `.xz`, … or `''`. */
  readonly compression: string;
  /** The checkpoint extension, lower case (`.json`), or `''` when the name has none we know. */
  readonly ext: string;
  /** `plain` without `ext` (`agent.1`). */
  readonly stem: string;
}

/** Split a file name into stem, checkpoint extension and compression suffix. */
export function parseName(name: string): ParsedName {
  const lower = name.toLowerCase();
  let plain = name;
  let compression = '';
  for (const suffix of COMPRESSION_SUFFIXES) {
    if (lower.endsWith(suffix) && lower.length > suffix.length) {
      plain = name.slice(0, name.length - suffix.length);
      compression = suffix;
      break;
    }
  }
  const plainLower = plain.toLowerCase();
  const ext = CHECKPOINT_EXTENSIONS.find((e) => plainLower.endsWith(e) && plainLower.length > e.length) ?? '';
  return { name, plain, compression, ext, stem: plain.slice(0, plain.length - ext.length) };
}

/** True when the name has a checkpoint extension (optionally compressed or rotated: `x.json.2.gz`). */
export function isCheckpointName(name: string): boolean {
  if (name.startsWith('.')) return false;
  const parsed = parseName(name);
  return parsed.ext !== '' || findRingIndex(parsed) !== null;
}

/** What a temp-file name says about the file it was going to replace. */
export type TempName =
  /**
   * `agent.json.tmp`, `agent.json.3fa9c2d1.tmp`, `current_work.3fa9c2d1.tmp` (seed 000), `.agent.json.Kx3a9Q`:
   * the target is named. `targets` lists the readings, most likely first (`current_work.3fa9c2d1`, then `current_work`).
   */
  | { readonly kind: 'named'; readonly targets: readonly string[] }
  /** `tmpab12cd34.tmp` (Python's tempfile, as in seed 003): the target cannot be told from the name. */
  | { readonly kind: 'anonymous' };

const TEMP_MARKERS = ['tmp', 'temp', 'part', 'partial', 'incomplete', 'new', 'writing', 'inprogress'];
// `target.tmp`, `target~tmp`, `target.tmp.1234`, `target.tmp-ab12`, `target.tmp1234` — but not `target.newfile`.
const NAMED_TEMP = new RegExp(`^(.+?)[.~](?:${TEMP_MARKERS.join('|')})(?:[.-][A-Za-z0-9_-]{1,40}|\\d{1,10})?$`, 'i');
// A random part writers put before the marker: uuid4().hex[:8] (seed 000), pids, mkstemp's letters.
const RANDOM_TAIL = /^(.+)\.([A-Za-z0-9_-]{1,40})$/;
// Python's tempfile names: `tmp` + 8 of [a-z0-9_], then any suffix (`.tmp`, `.json`).
const ANONYMOUS_TEMP = /^tmp[a-z0-9_]{8}(\.[A-Za-z0-9]+)*$/;
// Hidden temp files next to their target: `.agent.json.Kx3a9Q` (rsync, renameio).
const HIDDEN_TEMP = /^\.(.+?)\.([A-Za-z0-9_-]{4,40})$/;

/** Editor swap and backup files: not ours to judge. */
export function isEditorLeftover(name: string): boolean {
  return /^\..*\.sw[a-p]$/i.test(name) || name.endsWith('~') || /^#.*#$/.test(name);
}

/**
 * The temp file of an interrupted atomic write, and what it was going to become; null for other
 * names. `known` says whether a name is a checkpoint in the same directory, which decides the
 * ambiguous hidden form (`.x.json.abc123` is a temp file only next to `x.json`).
 */
export function parseTempName(name: string, known: (target: string) => boolean): TempName | null {
  if (isEditorLeftover(name)) return null;
  if (name.startsWith('.')) {
    const named = parseTempName(name.slice(1), known);
    if (named?.kind === 'named') return named;
    const hidden = HIDDEN_TEMP.exec(name);
    if (hidden && known(hidden[1])) return { kind: 'named', targets: [hidden[1]] };
    return null;
  }
  if (ANONYMOUS_TEMP.test(name)) return { kind: 'anonymous' };
  const m = NAMED_TEMP.exec(name);
  if (!m) return null;
  const target = m[1];
  const targets = [target];
  const tail = RANDOM_TAIL.exec(target);
  // Only a random-looking tail (`3fa9c2d1`, `Kx3a9Q`), never an extension like `.txt`.
  if (tail && parseName(target).ext === '' && (tail[2].length >= 6 || /\d/.test(tail[2]))) targets.push(tail[1]);
  return { kind: 'named', targets };
}

/** A point in time parsed out of a name, and where in the name it was. */
export interface NameTimestamp {
  /** Milliseconds since the epoch (names without a zone are read as UTC: only order matters). */
  readonly ms: number;
  readonly index: number;
  readonly length: number;
}

const ISO_STAMP =
  /(?<!\d)(\d{4})-(\d{2})-(\d{2})(?:[T_ ](\d{2})[-:.]?(\d{2})(?:[-:.]?(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?(?!\d)/;
const COMPACT_STAMP = /(?<!\d)(\d{4})(\d{2})(\d{2})(?:[T_-]?(\d{2})(\d{2})(\d{2})?)?(Z)?(?!\d)/;
const EPOCH_STAMP = /(?<!\d)(\d{10}|\d{13})(?:\.\d+)?(?!\d)/;

function validDate(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): boolean {
  return y >= 1990 && y <= 2200 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60;
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return (m[1] === '+' ? 1 : -1) * minutes * 60_000;
}

/** The timestamp in a name (ISO 8601 in any common spelling, `YYYYMMDD-HHMMSS`, epoch seconds or ms), or null. */
export function findTimestamp(stem: string): NameTimestamp | null {
  const iso = ISO_STAMP.exec(stem);
  if (iso) {
    const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(iso[i] ?? 0));
    if (validDate(y, mo, d, h, mi, s)) {
      const frac = iso[7] ? Number(`0.${iso[7]}`) * 1000 : 0;
      const ms = Date.UTC(y, mo - 1, d, h, mi, s) + frac - zoneOffsetMs(iso[8]);
      return { ms, index: iso.index, length: iso[0].length };
    }
  }
  const compact = COMPACT_STAMP.exec(stem);
  if (compact) {
    const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(compact[i] ?? 0));
    if (validDate(y, mo, d, h, mi, s)) {
      return { ms: Date.UTC(y, mo - 1, d, h, mi, s), index: compact.index, length: compact[0].length };
    }
  }
  const epoch = EPOCH_STAMP.exec(stem);
  if (epoch) {
    const digits = epoch[1];
    const ms = digits.length === 13 ? Number(digits) : Number(epoch[0]) * 1000;
    // 2001-09-09 … 2096: a plausible save time, not a step counter that happens to be long.
    if (ms >= 1_000_000_000_000 && ms < 4_000_000_000_000) return { ms, index: epoch.index, length: epoch[0].length };
  }
  return null;
}

/** The counters in a name, and the name with each counter replaced by `*` (its series template). */
export interface NameCounters {
  readonly template: string;
  readonly numbers: readonly number[];
}

/** Every run of digits in `stem`, for series like `ckpt_007`, `checkpoint-12`, `epoch=3-step=1200`. */
export function findCounters(stem: string): NameCounters | null {
  const numbers: number[] = [];
  const template = stem.replace(/\d+/g, (digits) => {
    numbers.push(Number(digits));
    return '*';
  });
  return numbers.length ? { template, numbers } : null;
}

/** A ring-buffer index: `agent.2.json` or `agent.json.2` → base `agent.json`, index 2. */
export interface RingIndex {
  /** The name of the current generation (the head): `agent.json`. */
  readonly head: string;
  readonly index: number;
}

/** The ring index in a plain (decompressed) name, or null. Indexes are small and never zero-padded. */
export function findRingIndex(parsed: ParsedName): RingIndex | null {
  const inner = /^(.+)\.(0|[1-9]\d{0,3})$/.exec(parsed.stem);
  if (inner && parsed.ext) return { head: `${inner[1]}${parsed.ext}`, index: Number(inner[2]) };
  // logrotate style: the index after the extension (`agent.json.1`, then maybe `.gz`).
  const outer = /^(.+)\.(0|[1-9]\d{0,3})$/.exec(parsed.plain);
  if (outer && !parsed.ext) {
    const head = parseName(outer[1]);
    if (head.ext && !head.compression) return { head: outer[1], index: Number(outer[2]) };
  }
  return null;
}
