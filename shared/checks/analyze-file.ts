/**
 * Integrity checks on one file's bytes: decompress by magic, pick the format reader, decode, check
 * the integrity envelope, decode pickles hidden in string values, and record the shape (container
 * sizes) the family check compares across generations.
 *
 * Invariants: never throws on bad input and never executes anything; every finding carries
 * `file` = the path it was given; a file that cannot be read for any reason says why in a finding,
 * never by looking like "no checkpoint".
 */
import { checkEnvelope } from '../formats/envelope/check-envelope';
import { decompress } from '../formats/compression/decompress';
import { detectCodec } from '../formats/compression/detect-codec';
import type { Codec } from '../formats/compression/types';
import { findEmbeddedPickles } from '../formats/pickle/embedded-pickles';
import { detectReader } from '../formats/registry';
import type { DecodeResult, FormatReader } from '../formats/types';
import type { Sha256Factory } from '../hash/sha256';
import type { Finding } from '../model/finding';
import { dictGet, type Value } from '../model/value';
import { CONTAINER_LIMITS, countContainers } from './count-containers';
import type { AnalysisOptions, EnvelopeInfo, FileAnalysis } from './types';

const COMPRESSION_SUFFIX = /\.(gz|gzip|xz|bz2|zst|zstd|lz4)$/i;

/** The name without its compression suffix, so `state.json.gz` is probed as `state.json`. */
function innerName(path: string): string {
  return path.replace(COMPRESSION_SUFFIX, '');
}

function emptyFinding(path: string, codec: Codec | null): Finding {
  return {
    code: 'file.empty',
    severity: 'error',
    message: codec
      ? `${path} decompresses to nothing: the checkpoint was never written into it. Fall back to an older generation.`
      : `${path} is empty (0 bytes): the program created it but was stopped before writing anything. Fall back to an older generation.`,
    file: path,
  };
}

function unknownFinding(path: string): Finding {
  return {
    code: 'format.unknown',
    severity: 'warning',
    message: `${path} is not in a format Checkpoint Doctor can read (JSON or Python pickle, optionally compressed), so its integrity was not checked.`,
    file: path,
  };
}

/** Bytes after decompression, or the finding that stopped it. */
type Unwrapped =
  | { readonly kind: 'ok'; readonly codec: Codec | null; readonly bytes: Uint8Array; readonly findings: readonly Finding[] }
  | { readonly kind: 'failed'; readonly codec: Codec; readonly finding: Finding; readonly partial: Uint8Array | null };

async function unwrap(path: string, bytes: Uint8Array): Promise<Unwrapped> {
  const codec = detectCodec(bytes.subarray(0, 16));
  if (!codec) return { kind: 'ok', codec: null, bytes, findings: [] };
  const r = await decompress(bytes, path);
  if (r.kind === 'failed') return { kind: 'failed', codec, finding: r.finding, partial: r.partial ?? null };
  return { kind: 'ok', codec, bytes: r.bytes, findings: r.findings };
}

function formatName(reader: FormatReader | null, codec: Codec | null): string {
  const base = reader ? reader.id : 'unknown';
  return codec ? `${base}+${codec}` : base;
}

/** Schema version at the top of a pickled value (a dict, or an object's state dict). */
function topLevelVersion(value: Value): string | null {
  const dict = value.kind === 'dict' ? value : value.kind === 'object' && value.state?.kind === 'dict' ? value.state : null;
  if (!dict) return null;
  for (const key of ['schema_version', 'schemaVersion', 'version']) {
    const v = dictGet(dict, key);
    if (v === undefined) continue;
    if (v.kind === 'int') return v.text;
    if (v.kind === 'str') return v.value;
    if (v.kind === 'float') return v.text;
  }
  return null;
}

/** What the checks run with, as opposed to what they judge: here, the SHA-256 implementation. */
export interface CheckTools {
  /**
   * Makes the hashers that recompute envelope checksums (default: the pure-TypeScript one). Node
   * callers pass `node:crypto`'s; results are the same.
   */
  readonly sha256?: Sha256Factory;
}

/** Options of {@link analyzeFile}. */
export interface AnalyzeFileOptions extends AnalysisOptions, CheckTools {}

/** Envelope, embedded-pickle and schema-version checks on a decoded value. */
function checkValue(
  value: Value,
  path: string,
  reader: FormatReader,
  tools: CheckTools | undefined,
): { findings: Finding[]; envelope: EnvelopeInfo | null; schemaVersion: string | null } {
  const findings: Finding[] = [];
  let envelope: EnvelopeInfo | null = null;
  let schemaVersion: string | null = null;
  if (reader.id === 'json') {
    // The expected version is compared by the family check, which knows which member carries it.
    const env = checkEnvelope(value, path, tools?.sha256 ? { sha256: tools.sha256 } : undefined);
    envelope = env.info;
    schemaVersion = env.schemaVersion;
    findings.push(...env.findings);
  } else {
    schemaVersion = topLevelVersion(value);
  }
  // A JSON tree shares no container, so the pickle pre-scan need not remember what it visited.
  for (const embedded of findEmbeddedPickles(value, path, { unshared: reader.id === 'json' })) findings.push(...embedded.findings);
  return { findings, envelope, schemaVersion };
}

/** Analyse one file; every finding carries `file` = `path`. Never throws on bad input. */
export async function analyzeFile(path: string, bytes: Uint8Array, options?: AnalyzeFileOptions): Promise<FileAnalysis> {
  const base = { path, size: bytes.length, schemaVersion: null, envelope: null, containers: {} };
  if (bytes.length === 0) return { ...base, format: 'unknown', decoded: false, findings: [emptyFinding(path, null)] };

  const unwrapped = await unwrap(path, bytes);
  if (unwrapped.kind === 'failed') {
    return { ...base, format: `unknown+${unwrapped.codec}`, decoded: false, findings: [unwrapped.finding] };
  }
  const { codec, bytes: content } = unwrapped;
  const findings: Finding[] = [...unwrapped.findings];
  if (content.length === 0) return { ...base, format: formatName(null, codec), decoded: false, findings: [...findings, emptyFinding(path, codec)] };

  const reader = detectReader({ name: innerName(path), head: content.subarray(0, 64) });
  if (!reader) return { ...base, format: formatName(null, codec), decoded: false, findings: [...findings, unknownFinding(path)] };

  const result = reader.decode(content, path);
  findings.push(...result.findings);
  if (result.kind !== 'ok') {
    return { ...base, format: formatName(reader, codec), decoded: false, findings };
  }
  const checked = checkValue(result.value, path, reader, options);
  findings.push(...checked.findings);
  return {
    path,
    size: bytes.length,
    format: formatName(reader, codec),
    decoded: true,
    findings,
    schemaVersion: checked.schemaVersion,
    envelope: checked.envelope,
    // A JSON tree shares no container, which lets the count skip what cannot reach its result.
    containers: countContainers(result.value, CONTAINER_LIMITS, { unshared: reader.id === 'json' }),
  };
}

/** Options of {@link decodeFile}. */
export interface DecodeFileOptions extends CheckTools {
  /**
   * Run the integrity checks (envelope, embedded pickles) on the decoded value and add their
   * findings; default true. A diff or drift job passes false: the scan already judged the file
   * and the job needs only the value.
   */
  readonly checks?: boolean;
}

/** Decompress and decode one file for the value view; a file that cannot be decoded is `corrupt` with the reason. */
export async function decodeFile(
  path: string,
  bytes: Uint8Array,
  options?: DecodeFileOptions,
): Promise<{ format: string; decompressed: Uint8Array | null; result: DecodeResult }> {
  if (bytes.length === 0) return { format: 'unknown', decompressed: null, result: { kind: 'corrupt', findings: [emptyFinding(path, null)] } };
  const unwrapped = await unwrap(path, bytes);
  if (unwrapped.kind === 'failed') {
    return { format: `unknown+${unwrapped.codec}`, decompressed: unwrapped.partial, result: { kind: 'corrupt', findings: [unwrapped.finding] } };
  }
  const { codec, bytes: content } = unwrapped;
  const decompressed = codec ? content : null;
  if (content.length === 0) return { format: formatName(null, codec), decompressed, result: { kind: 'corrupt', findings: [emptyFinding(path, codec)] } };
  const reader = detectReader({ name: innerName(path), head: content.subarray(0, 64) });
  if (!reader) {
    return { format: formatName(null, codec), decompressed, result: { kind: 'corrupt', findings: [...unwrapped.findings, unknownFinding(path)] } };
  }
  const result = reader.decode(content, path);
  if (result.kind !== 'ok') {
    return { format: formatName(reader, codec), decompressed, result: { ...result, findings: [...unwrapped.findings, ...result.findings] } };
  }
  const checked = options?.checks === false ? null : checkValue(result.value, path, reader, options);
  return {
    format: formatName(reader, codec),
    decompressed,
    result: {
      kind: 'ok',
      value: result.value,
      findings: [...unwrapped.findings, ...result.findings, ...(checked ? checked.findings : [])],
      ...(result.nodes !== undefined ? { nodes: result.nodes } : {}),
    },
  };
}
