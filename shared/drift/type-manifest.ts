/**
 * The `ckpt-types/1` manifest written at save time by `python/ckpt_types.py` (see
 * docs/type-manifest.md): `{"format": "ckpt-types/1", "types": {"<json pointer>": {"type":
 * "datetime.datetime", "repr": "…", "str": "…", "len": 3, "keys": ["builtins.int"], "base":
 * "builtins.tuple"}}}`.
 * Only `type` and `repr` are required; unknown fields are ignored so that later writers can add.
 */
import { dictGet, type Value } from '../model/value';
import type { ManifestEntry, TypeManifest, TypeManifestError } from './types';

/** The format tag this reader understands. */
export const TYPE_MANIFEST_FORMAT = 'ckpt-types/1';

/** The manifest path for a JSON checkpoint path. */
export function typeManifestPath(jsonPath: string): string {
  return `${jsonPath}.types.json`;
}

/** Read a decoded manifest file. Malformed entries are skipped and listed; a wrong shape is an error. */
export function parseTypeManifest(value: Value): TypeManifest | TypeManifestError {
  if (value.kind !== 'dict') return { kind: 'error', error: 'A type manifest is a JSON object; this file holds something else.' };
  const format = field(value, 'format');
  if (!format || format.kind !== 'str') return { kind: 'error', error: 'The manifest has no "format" field.' };
  if (format.value !== TYPE_MANIFEST_FORMAT) {
    return { kind: 'error', error: `Unknown manifest format "${format.value}"; this version reads "${TYPE_MANIFEST_FORMAT}".` };
  }
  const types = field(value, 'types');
  if (!types || types.kind !== 'dict') return { kind: 'error', error: 'The manifest has no "types" object.' };
  const out = new Map<string, ManifestEntry>();
  const skipped: { pointer: string; reason: string }[] = [];
  const pairs = types.pairs;
  for (let i = 0; i < pairs.length; i += 2) {
    const key = pairs[i];
    const raw = pairs[i + 1];
    const pointer = key.kind === 'str' ? key.value : '';
    if (key.kind !== 'str' || (pointer !== '' && !pointer.startsWith('/'))) {
      skipped.push({ pointer, reason: 'not a JSON Pointer' });
      continue;
    }
    if (raw.kind !== 'dict') {
      skipped.push({ pointer, reason: 'entry is not an object' });
      continue;
    }
    const type = field(raw, 'type');
    const repr = field(raw, 'repr');
    if (!type || type.kind !== 'str' || type.value === '' || !repr || repr.kind !== 'str') {
      skipped.push({ pointer, reason: 'entry lacks a "type" or "repr" string' });
      continue;
    }
    const entry: { type: string; repr: string; str?: string; len?: number; keys?: string[]; base?: string } = { type: type.value, repr: repr.value };
    const str = field(raw, 'str');
    if (str && str.kind === 'str') entry.str = str.value;
    const len = field(raw, 'len');
    if (len && len.kind === 'int' && /^\d{1,15}$/.test(len.text)) entry.len = Number(len.text);
    const keys = field(raw, 'keys');
    if (keys && keys.kind === 'list') {
      const names = keys.items.filter((k): k is Value & { kind: 'str' } => k.kind === 'str').map((k) => k.value);
      if (names.length > 0) entry.keys = names;
    }
    const base = field(raw, 'base');
    if (base && base.kind === 'str' && base.value !== '') entry.base = base.value;
    out.set(pointer, entry);
  }
  return { kind: 'manifest', format: TYPE_MANIFEST_FORMAT, types: out, skipped };
}

function field(dict: Value & { kind: 'dict' }, name: string): Value | undefined {
  // The last duplicate wins, as in json.load.
  return dictGet(dict, name);
}
