/** Integrity checks on one file's bytes: decompress, detect the format, decode, check the envelope. */
import type { DecodeResult } from '../formats/types';
import type { AnalysisOptions, FileAnalysis } from './types';

/** Analyse one file; every finding carries `file` = `path`. Never throws on bad input. */
export async function analyzeFile(path: string, bytes: Uint8Array, options?: AnalysisOptions): Promise<FileAnalysis> {
  void options;
  return { path, size: bytes.length, format: 'unknown', decoded: false, findings: [], schemaVersion: null, envelope: null, containers: {} };
}

/** Decompress and decode one file for the value view. */
export async function decodeFile(path: string, bytes: Uint8Array): Promise<{ format: string; decompressed: Uint8Array | null; result: DecodeResult }> {
  void bytes;
  return { format: 'unknown', decompressed: null, result: { kind: 'corrupt', findings: [{ code: 'format.unknown', severity: 'warning', message: `${path}: not decoded yet.`, file: path }] } };
}
