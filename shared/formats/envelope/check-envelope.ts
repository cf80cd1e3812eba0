/**
 * The integrity envelope of seed 003, checked the way its loader checks it:
 *
 *     {"state": {...}, "checksum": sha256(json.dumps(state, sort_keys=True, default=str)),
 *      "schema_version": 3, "is_complete": true, "saved_at": "2026-05-25T00:00:00"}
 *
 * A value is an envelope when it is a dict holding `state` and `checksum` and/or `is_complete`.
 *
 * Checksum: recomputed with `json.dumps(state, sort_keys=True, default=str)` (convention
 * `default`), then with `separators=(',', ':')` (`compact`), which writers also use. A stored
 * `sha256:` prefix, surrounding blanks and upper-case hex are accepted. `json.load` turns int dict
 * keys into strings, so a state whose keys were ints when it was checksummed sorts differently once
 * reloaded ("10" < "9" but 9 < 10). When restoring int keys reproduces the checksum, the finding
 * still is a mismatch (a loader recomputing it from the loaded state refuses the file, and so does
 * every generation written that way) but it says the data is intact and that rolling back will not
 * help. A `null` checksum counts as absent.
 *
 * Completeness follows the loader's `if not record.get("is_complete")`:
 * - a false-y flag (false, null, 0, "") is an error: the writer never finished;
 * - no flag next to a checksum is a warning, not an error: the checksum proves the state intact,
 *   but a loader written like seed 003 refuses the file, so the person should know;
 * - no flag and no checksum is not an envelope.
 *
 * Schema version: the envelope's `schema_version`, else a top-level `schema_version`,
 * `schemaVersion` or `version` of the dict (or of its `state`), as text. With an expected version
 * set, a different or missing one is `envelope.schema_mismatch` (the seed's loader raises there).
 */
import type { EnvelopeInfo } from '../../checks/types';
import { createSha256, type Sha256Factory } from '../../hash/sha256';
import type { Finding, Severity } from '../../model/finding';
import { childPointer } from '../../model/json-pointer';
import { dictGet, floatValue, type DictValue, type Value } from '../../model/value';
import { walkValue } from '../../model/walk-value';
import { pythonRepr } from '../../render/python-repr';
import { PythonJsonDumpsError, pythonJsonDumpsTo, type PythonJsonDumpsOptions } from '../json/python-dumps';

/** Options of {@link checkEnvelope}. */
export interface CheckEnvelopeOptions {
  /** The schema version the person expects; null or absent means "do not check". */
  readonly expectedSchemaVersion?: string | null;
  /**
   * Makes the SHA-256 hashers the checksum is recomputed with; default the pure-TypeScript one.
   * The engine passes `node:crypto`'s, which is about fifteen times faster on a large state.
   */
  readonly sha256?: Sha256Factory;
}

/** What {@link checkEnvelope} found. */
export interface EnvelopeCheck {
  /** Null when the value is not an envelope. */
  readonly info: EnvelopeInfo | null;
  readonly findings: Finding[];
  /** The recorded schema version as text, or null. */
  readonly schemaVersion: string | null;
}

const VERSION_KEYS = ['schema_version', 'schemaVersion', 'version'] as const;

/** Check a decoded value for the integrity envelope and its schema version. */
export function checkEnvelope(value: Value, file: string, options?: CheckEnvelopeOptions): EnvelopeCheck {
  const findings: Finding[] = [];
  const finding = (code: Finding['code'], severity: Severity, message: string, pointer?: string): void => {
    findings.push(pointer === undefined ? { code, severity, message, file } : { code, severity, message, file, pointer });
  };

  const top = value.kind === 'dict' ? value : null;
  const state = top ? lookup(top, 'state') : undefined;
  const checksumValue = top ? lookup(top, 'checksum') : undefined;
  const completeValue = top ? lookup(top, 'is_complete') : undefined;
  const isEnvelope = top !== null && state !== undefined && (checksumValue !== undefined || completeValue !== undefined);

  const version = findSchemaVersion(top, isEnvelope ? state : undefined);
  const expected = options?.expectedSchemaVersion;
  if (expected !== undefined && expected !== null && version.text !== expected) {
    finding(
      'envelope.schema_mismatch',
      'error',
      version.text === null
        ? `The checkpoint records no schema version, but version ${expected} is expected. It may come from an older release of the job that did not write one; a loader that checks the version refuses it. Migrate it explicitly or pick a generation written by the current code.`
        : `The checkpoint was written with schema version ${version.text}, but version ${expected} is expected. Its fields may be in another shape than the current code reads (the load can "succeed" with a wrong state). Migrate it explicitly, or pick a generation written with version ${expected}.`,
      version.pointer ?? undefined,
    );
  }
  if (!isEnvelope || top === null || state === undefined) {
    return { info: null, findings, schemaVersion: version.text };
  }

  // Completeness, by Python truthiness as the loader tests it.
  let isComplete: boolean | null = null;
  if (completeValue !== undefined) {
    isComplete = truthy(completeValue);
    if (!isComplete) {
      const shown = completeValue.kind === 'bool' ? 'false' : pythonRepr(completeValue);
      finding(
        'envelope.incomplete',
        'error',
        `The writer marked this checkpoint incomplete (is_complete is ${shown}): it was killed or failed before it finished saving, so the state may be partial. A loader that checks the flag refuses it; fall back to the newest generation marked complete.`,
        '/is_complete',
      );
    }
  }

  let checksum: EnvelopeInfo['checksum'] = 'absent';
  let convention: EnvelopeInfo['convention'];
  const hasChecksum = checksumValue !== undefined && checksumValue.kind !== 'null';
  if (hasChecksum) {
    const verdict = verifyChecksum(state, checksumValue, options?.sha256 ?? createSha256);
    if (verdict.kind === 'ok') {
      checksum = 'ok';
      convention = verdict.convention;
    } else {
      checksum = 'mismatch';
      convention = verdict.convention;
      finding('envelope.checksum_mismatch', 'error', verdict.message, '/checksum');
    }
    if (completeValue === undefined) {
      finding(
        'envelope.incomplete',
        'warning',
        `The checkpoint has a checksum but no is_complete flag. ${checksum === 'ok' ? 'The checksum matches, so the state is intact, but ' : ''}a loader written like "if not record.get('is_complete')" refuses it as incomplete. If your loader checks the flag, this generation will not load.`,
        '/is_complete',
      );
    }
  }

  const savedAtValue = lookup(top, 'saved_at');
  const savedAt =
    savedAtValue === undefined ? null : savedAtValue.kind === 'str' ? savedAtValue.value : savedAtValue.kind === 'int' || savedAtValue.kind === 'float' ? savedAtValue.text : null;
  const info: EnvelopeInfo = convention === undefined ? { hasChecksum, checksum, isComplete, savedAt } : { hasChecksum, checksum, convention, isComplete, savedAt };
  return { info, findings, schemaVersion: version.text };
}

type ChecksumVerdict =
  | { readonly kind: 'ok'; readonly convention: 'default' | 'compact' }
  | { readonly kind: 'mismatch'; readonly message: string; readonly convention?: 'default' | 'compact' };

/**
 * sha256 of `json.dumps(value, …)`, the text streamed into the hasher chunk by chunk: a 100 MB
 * state is never held as one string.
 */
function dumpsSha256(value: Value, options: PythonJsonDumpsOptions, sha256: Sha256Factory): string {
  const hasher = sha256();
  pythonJsonDumpsTo(value, options, (chunk) => hasher.update(chunk));
  return hasher.hex();
}

const DEFAULT_DUMPS: PythonJsonDumpsOptions = { sortKeys: true, defaultStr: true };
const COMPACT_DUMPS: PythonJsonDumpsOptions = { sortKeys: true, defaultStr: true, separators: [',', ':'] };

function verifyChecksum(state: Value, stored: Value, sha256: Sha256Factory): ChecksumVerdict {
  const what = 'json.dumps(state, sort_keys=True, default=str)';
  if (stored.kind !== 'str') {
    return {
      kind: 'mismatch',
      message: `The checksum field holds ${pythonRepr(stored).slice(0, 80)} instead of a sha256 hex string, so the state cannot be verified. The writer is broken or the field was overwritten; do not trust this generation without checking its state by hand.`,
    };
  }
  const storedHex = stored.value.trim().toLowerCase().replace(/^sha-?256:/, '');
  let defaultHex: string;
  let compactHex: string | null = null;
  let intKeyed: string | null = null;
  try {
    defaultHex = dumpsSha256(state, DEFAULT_DUMPS, sha256);
    if (defaultHex === storedHex) return { kind: 'ok', convention: 'default' };
    compactHex = dumpsSha256(state, COMPACT_DUMPS, sha256);
    if (compactHex === storedHex) return { kind: 'ok', convention: 'compact' };
    intKeyed = firstIntKeyedDict(state);
    if (intKeyed !== null) {
      const asInts = withIntKeys(state);
      let convention: 'default' | 'compact' | null = null;
      if (dumpsSha256(asInts, DEFAULT_DUMPS, sha256) === storedHex) convention = 'default';
      else if (dumpsSha256(asInts, COMPACT_DUMPS, sha256) === storedHex) convention = 'compact';
      if (convention !== null) {
        return {
          kind: 'mismatch',
          convention,
          message:
            `The stored checksum matches the state only when the keys of ${intKeyed === '' ? 'the state' : `/state${intKeyed}`} (and dicts like it) are read back as ints: the writer checksummed a dict with int keys, ` +
            `and JSON turned them into strings, which sort differently ("10" before "9"). The data is intact, but a loader that recomputes the checksum from the loaded state ` +
            `(like seed 003's load_checkpoint_safe) refuses this checkpoint, and every other generation written the same way. ` +
            'Rolling back will not help: fix the loader (or store str keys) instead.',
        };
      }
    }
  } catch (e) {
    if (!(e instanceof PythonJsonDumpsError)) throw e;
    return {
      kind: 'mismatch',
      message: `The checksum cannot be recomputed: Python's ${what} raises ${e.pythonType} on this state ("${e.message}"), so no Python writer could have produced the stored checksum from it. The state was altered after checksumming; fall back to an earlier generation whose checksum matches.`,
    };
  }
  const shape = /^[0-9a-f]{64}$/.test(storedHex)
    ? ''
    : ` The stored value is not 64 hex digits${/^[0-9a-f]+$/.test(storedHex) ? ` (${storedHex.length} digits: another hash, e.g. md5 or sha1?)` : ''}.`;
  let caveat = holdsUnreproducibleStr(state)
    ? ' Note: the state holds objects whose Python str() includes a memory address or a type this tool cannot see, so the recomputed text may differ from what Python wrote.'
    : '';
  if (intKeyed !== null) {
    caveat +=
      ` Note: ${intKeyed === '' ? 'the state' : `/state${intKeyed}`} has only int-looking keys; if some such dicts had int keys when the checksum was computed, ` +
      'no JSON round trip can reproduce it and the data may be intact (the loader still refuses it).';
  }
  return {
    kind: 'mismatch',
    message:
      `Checksum mismatch: the file stores ${stored.value.trim()} but sha256 of ${what} is ${defaultHex} (compact separators give ${compactHex ?? 'n/a'}). ` +
      `The state was changed or cut after the checksum was computed (an interrupted or interleaved write, or a hand edit), so a loader that verifies it refuses this checkpoint. ` +
      `Fall back to the newest generation whose checksum matches.${shape}${caveat}`,
  };
}

/** The value of a str key in a dict (the last one, as Python keeps). */
function lookup(dict: DictValue, key: string): Value | undefined {
  return dictGet(dict, key);
}

function findSchemaVersion(top: DictValue | null, state: Value | undefined): { text: string | null; pointer: string | null } {
  const places: [DictValue, string][] = [];
  if (top) places.push([top, '']);
  if (state && state.kind === 'dict') places.push([state, '/state']);
  for (const [dict, base] of places) {
    for (const key of VERSION_KEYS) {
      const v = lookup(dict, key);
      if (v === undefined) continue;
      const text = v.kind === 'str' ? v.value : v.kind === 'int' || v.kind === 'float' ? v.text : null;
      if (text !== null) return { text, pointer: childPointer(base, key) };
    }
  }
  return { text: null, pointer: top ? '/schema_version' : null };
}

/** Python truthiness of a flag value. */
function truthy(v: Value): boolean {
  switch (v.kind) {
    case 'null':
      return false;
    case 'bool':
      return v.value;
    case 'int':
      return v.text !== '0';
    case 'float':
      return floatValue(v) !== 0;
    case 'str':
      return v.value.length > 0;
    case 'bytes':
      return v.value.length > 0;
    case 'list':
    case 'tuple':
    case 'set':
      return v.items.length > 0;
    case 'dict':
      return v.pairs.length > 0;
    default:
      return true;
  }
}

const CANONICAL_INT = /^-?(?:0|[1-9][0-9]*)$/;

/** A dict of more than one entry whose keys are all str that look like ints. */
function hasOnlyIntLikeKeys(dict: DictValue): boolean {
  const pairs = dict.pairs;
  if (pairs.length <= 2) return false;
  for (let i = 0; i < pairs.length; i += 2) {
    const key = pairs[i];
    if (key.kind !== 'str' || !CANONICAL_INT.test(key.value)) return false;
  }
  return true;
}

/** Pointer (inside the state) of the first dict whose keys all look like ints, or null. */
function firstIntKeyedDict(state: Value): string | null {
  let found: string | null = null;
  walkValue(state, {
    enter: (e) => {
      const v = e.value;
      if (e.refTo === undefined && v.kind === 'dict' && hasOnlyIntLikeKeys(v)) {
        found = e.pointer;
        return 'stop';
      }
    },
  });
  return found;
}

/**
 * The state with the keys of every all-int-looking dict turned back into ints. Rebuilt
 * iteratively so deep states cannot overflow.
 */
function withIntKeys(state: Value): Value {
  const copies = new Map<object, Value>();
  const built: Value[] = [];
  // Where each open node's rebuilt children start in `built` (post-order rebuild).
  const starts: number[] = [];
  walkValue(state, {
    enter: (e) => {
      if (e.refTo === undefined) starts.push(built.length);
    },
    leave: (e) => {
      const v = e.value;
      if (e.refTo !== undefined) {
        built.push(copies.get(v) ?? v);
        return;
      }
      const children = built.splice(starts.pop() as number);
      let copy: Value = v;
      if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') copy = { ...v, items: children };
      else if (v.kind === 'dict') {
        const intKeys = hasOnlyIntLikeKeys(v);
        const pairs: Value[] = new Array(v.pairs.length);
        for (let i = 0; i < pairs.length >> 1; i++) {
          const key = v.pairs[2 * i];
          pairs[2 * i] = intKeys && key.kind === 'str' ? { kind: 'int', text: key.value } : key;
          pairs[2 * i + 1] = children[i];
        }
        copy = { ...v, pairs };
      }
      // Objects reach json.dumps only through default=str, which never looks inside them.
      copies.set(v, copy);
      built.push(copy);
    },
  });
  return built[0];
}

/** True when the state holds nodes whose Python `str()` this tool can only approximate. */
function holdsUnreproducibleStr(state: Value): boolean {
  let found = false;
  walkValue(state, {
    enter: (e) => {
      if (e.value.kind === 'object' || e.value.kind === 'global') {
        found = true;
        return 'stop';
      }
    },
  });
  return found;
}
