/**
 * The settings file: the folders a person added and the recently opened ones.
 *
 * Invariants: a write never leaves a half-written file behind (temp file in the same directory,
 * fsync, rename, fsync of the directory), writes are serialised, and a settings file that cannot
 * be parsed never stops the app — it is moved aside so the person can recover it, and reported.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describeSystemError, systemErrorCode } from './engine-error';

/** What is persisted between runs. */
export interface Settings {
  /** Folders being watched, as the person added them (absolute). */
  readonly roots: readonly string[];
  /** Recently opened folders, newest first. */
  readonly recent: readonly string[];
  /**
   * The schema version a person expects, per folder (root path as added → version). Absent when
   * none is set; a root without an entry is compared only within its families.
   */
  readonly expectedSchema?: Readonly<Record<string, string>>;
}

/** Outcome of loading the settings file. */
export type SettingsLoad =
  | { readonly kind: 'ok'; readonly settings: Settings }
  | { readonly kind: 'missing'; readonly settings: Settings }
  | { readonly kind: 'corrupt'; readonly settings: Settings; readonly movedTo: string | null; readonly message: string }
  | { readonly kind: 'unreadable'; readonly settings: Settings; readonly message: string };

/** How many recent folders are remembered. */
export const MAX_RECENT = 12;

/** Settings of a first run. */
export const EMPTY_SETTINGS: Settings = { roots: [], recent: [] };

/** Longest expected schema version accepted (the API's limit too). */
export const MAX_SCHEMA_VERSION_LENGTH = 200;

/** The valid entries of a stored `expectedSchema` map; anything else in it is dropped, not fatal. */
function parseExpectedSchema(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const entries: [string, string][] = [];
  for (const [root, version] of Object.entries(value)) {
    if (root.length === 0 || root.length > 4096 || typeof version !== 'string') continue;
    const trimmed = version.trim();
    if (trimmed.length > 0 && trimmed.length <= MAX_SCHEMA_VERSION_LENGTH) entries.push([root, trimmed]);
  }
  // fromEntries defines own properties, so a `__proto__` key stays a plain (ignored) entry.
  return Object.fromEntries(entries);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' && v.length > 0 && v.length <= 4096);
}

/** Parse settings text; null when it is not a settings document. */
export function parseSettings(text: string): Settings | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const { roots, recent, expectedSchema } = data as { roots?: unknown; recent?: unknown; expectedSchema?: unknown };
  if (roots !== undefined && !isStringArray(roots)) return null;
  if (recent !== undefined && !isStringArray(recent)) return null;
  const expected = parseExpectedSchema(expectedSchema);
  return {
    roots: [...new Set(roots ?? [])],
    recent: [...new Set(recent ?? [])].slice(0, MAX_RECENT),
    ...(Object.keys(expected).length > 0 ? { expectedSchema: expected } : {}),
  };
}

/**
 * Load the settings file. Never throws: a missing file is a first run, an unparsable one is
 * renamed to `settings.json.corrupt-<time>` and reported, an unreadable one is reported.
 */
export async function loadSettings(path: string): Promise<SettingsLoad> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return { kind: 'missing', settings: EMPTY_SETTINGS };
    return {
      kind: 'unreadable',
      settings: EMPTY_SETTINGS,
      message: `Could not read the settings file ${path} (${describeSystemError(error)}). Starting with no folders; fix the file's permissions to get your folders back.`,
    };
  }
  const settings = parseSettings(text);
  if (settings) return { kind: 'ok', settings };
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const aside = `${path}.corrupt-${stamp}`;
  try {
    await fs.rename(path, aside);
    return {
      kind: 'corrupt',
      settings: EMPTY_SETTINGS,
      movedTo: aside,
      message: `The settings file was damaged, so Checkpoint Doctor started with no folders. The old file is kept at ${aside}; add your folders again.`,
    };
  } catch (error) {
    return {
      kind: 'corrupt',
      settings: EMPTY_SETTINGS,
      movedTo: null,
      message: `The settings file ${path} is damaged and could not be moved aside (${describeSystemError(error)}). Starting with no folders; your changes will not be saved until it can be replaced.`,
    };
  }
}

/** Write a file atomically: temp file in the same directory, fsync, rename, fsync the directory. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  await fs.mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const handle = await fs.open(temp, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, path);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  // The rename is only durable once the directory entry is on disk; some platforms refuse to open
  // a directory for fsync, which is fine to skip.
  try {
    const dirHandle = await fs.open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch {
    // best effort
  }
}

/** Serialises writes of one settings file so a slow write never overtakes a newer one. */
export class SettingsStore {
  private chain: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Resolves once every queued write has finished (successfully or not). */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Queue a write of `settings`; resolves once it is on disk, rejects with a readable error. */
  save(settings: Settings): Promise<void> {
    const expectedSchema = settings.expectedSchema && Object.keys(settings.expectedSchema).length > 0 ? { expectedSchema: settings.expectedSchema } : {};
    const text = `${JSON.stringify({ roots: settings.roots, recent: settings.recent.slice(0, MAX_RECENT), ...expectedSchema }, null, 2)}\n`;
    const next = this.chain.then(() => writeFileAtomic(this.path, text));
    this.chain = next.catch(() => undefined);
    return next.catch((error: unknown) => {
      throw new Error(`Could not save settings to ${this.path} (${describeSystemError(error)}). Your folders are watched for now but will not be remembered.`);
    });
  }
}

/** Put `folder` first in a recent list, without duplicates, capped. */
export function pushRecent(recent: readonly string[], folder: string): string[] {
  return [folder, ...recent.filter((r) => r !== folder)].slice(0, MAX_RECENT);
}
