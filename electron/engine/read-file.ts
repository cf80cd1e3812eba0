/**
 * Reads one checkpoint file once: hashes it and, up to a size limit, keeps the bytes for analysis
 * (a small file in one blocking read, a larger one streamed through sha256). A file that changes
 * while it is read (its size, mtime or inode differ before and after, or fewer bytes came than it
 * claimed) is read once more; if it is still moving the result says so, so the caller can report
 * `write.in_progress` instead of judging torn bytes.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, promises as fs, readSync, statSync } from 'node:fs';
import { systemErrorCode } from './engine-error';

/** The default size above which a file is hashed but not decoded (512 MB). */
export const DEFAULT_MAX_ANALYZE_BYTES = 512 * 1024 * 1024;

/** Outcome of reading one file. */
export type ReadOutcome =
  | {
      readonly kind: 'read';
      readonly sha256: string;
      readonly size: number;
      readonly mtimeMs: number;
      /** The bytes, or null when the file is larger than the limit (hashed only). */
      readonly bytes: Uint8Array | null;
      /** False when the file kept changing across two reads. */
      readonly stable: boolean;
    }
  | { readonly kind: 'vanished' }
  | { readonly kind: 'unreadable'; readonly code: string; readonly message: string };

interface Snapshot {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

type Attempt =
  | { readonly kind: 'read'; readonly sha256: string; readonly size: number; readonly mtimeMs: number; readonly bytes: Uint8Array | null; readonly stable: boolean }
  | { readonly kind: 'vanished' }
  | { readonly kind: 'unreadable'; readonly code: string; readonly message: string };

function same(a: Snapshot, b: Snapshot): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

function unreadable(error: unknown): Attempt {
  const code = systemErrorCode(error) ?? 'EIO';
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied — the user running Checkpoint Doctor cannot read it; fix its permissions (e.g. chmod u+r) and it is checked again'
      : code === 'EISDIR'
        ? 'it is a folder, not a file'
        : `the system said ${code}${error instanceof Error ? `: ${error.message}` : ''}`;
  return { kind: 'unreadable', code, message: why };
}

async function attempt(path: string, maxBytes: number, withHash: boolean): Promise<Attempt> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (error) {
    return systemErrorCode(error) === 'ENOENT' ? { kind: 'vanished' } : unreadable(error);
  }
  try {
    const before = await handle.stat();
    if (!before.isFile()) return unreadable(Object.assign(new Error('not a regular file'), { code: 'EISDIR' }));
    const keep = before.size <= maxBytes;
    const hash = withHash ? createHash('sha256') : null;
    const chunks: Buffer[] = [];
    let total = 0;
    if (hash === null && keep) {
      // Bytes only (a job decoding a file the scan already hashed): one read into one buffer.
      const all = await handle.readFile();
      total = all.length;
      chunks.push(all);
    } else {
      for await (const chunk of handle.createReadStream({ autoClose: false, highWaterMark: 1024 * 1024 })) {
        const buf = chunk as Buffer;
        hash?.update(buf);
        total += buf.length;
        if (keep && total <= maxBytes) chunks.push(buf);
      }
    }
    let after: Snapshot;
    try {
      after = await fs.stat(path);
    } catch (error) {
      if (systemErrorCode(error) === 'ENOENT') return { kind: 'vanished' };
      throw error;
    }
    const stable = same(before, after) && total === before.size;
    return { kind: 'read', sha256: hash ? hash.digest('hex') : '', size: total, mtimeMs: before.mtimeMs, bytes: keep && total <= maxBytes ? joined(chunks, total) : null, stable };
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return { kind: 'vanished' };
    return unreadable(error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * The chunks as one Uint8Array that owns its memory: a view of the joined buffer when that is
 * its own allocation (Buffer.concat of 4 KiB or more), a copy when it may sit in Buffer's shared
 * pool. A 50 MB file is not copied a second time.
 */
function joined(chunks: readonly Buffer[], total: number): Uint8Array {
  const all = chunks.length === 1 && chunks[0].length === total ? chunks[0] : Buffer.concat(chunks, total);
  if (all.byteOffset === 0 && all.buffer.byteLength === all.length) return new Uint8Array(all.buffer, 0, all.length);
  return new Uint8Array(all);
}

/**
 * Files up to this size are read with blocking calls. `readAndHash` runs in the scan workers,
 * where blocking is harmless, and a small file's five asynchronous calls (open, stat, read, stat,
 * close) each wait a thread-pool round trip: 0.67 ms a file against 0.02 ms blocking, which made
 * a cold scan of 10,000 small checkpoints mostly waiting (`npm run bench -- --only scan`).
 * Larger files stream, so a huge one is hashed in chunks.
 */
export const SYNC_READ_MAX_BYTES = 4 * 1024 * 1024;

/**
 * `attempt` for a small file, with blocking calls and the same outcomes; null when the file is
 * larger than {@link SYNC_READ_MAX_BYTES} or than `maxBytes` (then the streaming path reads it).
 */
function attemptSmall(path: string, maxBytes: number, withHash: boolean): Attempt | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    return systemErrorCode(error) === 'ENOENT' ? { kind: 'vanished' } : unreadable(error);
  }
  try {
    const before = fstatSync(fd);
    if (!before.isFile()) return unreadable(Object.assign(new Error('not a regular file'), { code: 'EISDIR' }));
    if (before.size > SYNC_READ_MAX_BYTES || before.size > maxBytes) return null;
    // Its own memory (never Buffer's shared pool), so the bytes can be kept or transferred.
    const buf = Buffer.allocUnsafeSlow(before.size);
    let total = 0;
    while (total < buf.length) {
      const n = readSync(fd, buf, total, buf.length - total, null);
      if (n === 0) break;
      total += n;
    }
    // Read on to the end, as the stream does: a file that grew while it was read is not stable.
    const chunks: Buffer[] = [buf.subarray(0, total)];
    if (total === buf.length) {
      for (;;) {
        const more = Buffer.allocUnsafe(64 * 1024);
        const n = readSync(fd, more, 0, more.length, null);
        if (n === 0) break;
        chunks.push(more.subarray(0, n));
        total += n;
      }
    }
    const hash = withHash ? createHash('sha256') : null;
    for (const c of chunks) hash?.update(c);
    let after: Snapshot;
    try {
      after = statSync(path);
    } catch (error) {
      if (systemErrorCode(error) === 'ENOENT') return { kind: 'vanished' };
      throw error;
    }
    const stable = same(before, after) && total === before.size;
    const bytes = total <= maxBytes ? (chunks.length === 1 && total === buf.length ? new Uint8Array(buf.buffer, buf.byteOffset, total) : joined(chunks, total)) : null;
    return { kind: 'read', sha256: hash ? hash.digest('hex') : '', size: total, mtimeMs: before.mtimeMs, bytes, stable };
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return { kind: 'vanished' };
    return unreadable(error);
  } finally {
    try {
      closeSync(fd);
    } catch {
      // as the streaming path: a failed close does not change what was read
    }
  }
}

/** Options of {@link readAndHash}. */
export interface ReadOptions {
  /** Compute the sha256 (default true); a job that only decodes passes false and gets `sha256: ''`. */
  readonly hash?: boolean;
}

/** Read and hash `path`, retrying once if it changes underneath. */
export async function readAndHash(path: string, maxBytes = DEFAULT_MAX_ANALYZE_BYTES, options?: ReadOptions): Promise<ReadOutcome> {
  const withHash = options?.hash !== false;
  const once = async (): Promise<Attempt> => attemptSmall(path, maxBytes, withHash) ?? attempt(path, maxBytes, withHash);
  const first = await once();
  if (first.kind !== 'read' || first.stable) return first;
  return once();
}

/** Read at most `limit` bytes from the start of `path` (for a raw view of a huge file). */
export async function readHead(path: string, limit: number): Promise<{ bytes: Uint8Array; size: number }> {
  const handle = await fs.open(path, 'r');
  try {
    const { size } = await handle.stat();
    const buf = Buffer.alloc(Math.min(limit, size));
    let read = 0;
    while (read < buf.length) {
      const { bytesRead } = await handle.read(buf, read, buf.length - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return { bytes: new Uint8Array(buf.buffer, buf.byteOffset, read), size };
  } finally {
    await handle.close();
  }
}
