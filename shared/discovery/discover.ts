/**
 * Group one directory's entries into checkpoint families and generations, by name alone (mtimes
 * only break the one tie names cannot: a ring buffer whose current file is missing).
 *
 * The steps, in order:
 * 1. Sort entries into checkpoint files, temp leftovers of interrupted atomic writes, generation
 *    directories (`step-120/`, or siblings differing only in a counter) and everything else (ignored).
 * 2. Bind files that belong together into one generation: `X.pkl` + `X.state.json` + `X.meta.json`
 *    (roles pickle/state/meta, main = the `.pkl`), `X.json` with its typed twin `X.pkl` and its
 *    type manifest `X.json.types.json`.
 * 3. Group generations into series: ring buffers (`x.json`, `x.1.json`, `x.json.2.gz`), timestamped
 *    and numbered series (any run of digits: `ckpt_007`, `epoch=3-step=1200`), step directories.
 *    A series of one is a single checkpoint. Only the generation counter is abstracted: digits
 *    that vary but are not the last counter (nor named epoch/step/iter/…) name the family, so
 *    `run1_step_*.json` and `run2_step_*.json` are two families (see `splitByIdentity`).
 * 4. Give each temp leftover to the family it was going to replace, or a family of its own.
 *
 * Hidden directories are listed in `ignored` (the engine does not need to look inside them);
 * other directories that are not generations are neither consumed nor ignored, so the engine
 * descends into them.
 */
import type { FamilyKind, MemberRole } from '../model/workspace';
import type { DirEntryInfo, DiscoveryResult, FamilyPlan, GenerationPlan, MemberPlan } from './types';
import type { ParsedName } from './name-patterns';
import { findCounters, findRingIndex, findTimestamp, isCheckpointName, isEditorLeftover, parseName, parseTempName, PICKLE_EXTENSIONS } from './name-patterns';

/** A generation before it is placed in a series. */
interface Unit {
  readonly label: string;
  readonly mainPath: string;
  readonly members: MemberPlan[];
  /** `file` units are one main file (plus attachments); `triple` a three-file set; `dir` a step directory. */
  readonly shape: 'file' | 'triple' | 'dir';
  /** The name the series is read from: the main file's name, a triple's stem `X`, a directory's name. */
  readonly seriesName: string;
  readonly mtimeMs: number;
  /** Names a temp file may use for this generation's files: names, plain names, stems. */
  readonly aliases: readonly string[];
}

/** Sort key of a generation inside its series: larger is newer. */
type SortKey = readonly number[];

interface Series {
  kind: FamilyKind;
  name: string;
  units: { unit: Unit; key: SortKey }[];
  /** Ring buffers only: whether the current (unnumbered) file exists. */
  hasHead: boolean;
  strays: MemberPlan[];
  aliases: Set<string>;
}

const TRIPLE_SUFFIXES = [
  { suffix: '.state.json', role: 'state' as const },
  { suffix: '.meta.json', role: 'meta' as const },
];
const TYPES_SUFFIX = '.types.json';
/** Names a lone directory may have and still be a generation: `step-120`, `checkpoint-500`, `global_step1000`, `epoch_3`, `ckpt-7`. */
const CHECKPOINT_DIR = /^(?:checkpoint|ckpt|step|global[-_]?step|epoch|iter|iteration)s?[-_=]?\d+$/i;

function member(path: string, role: MemberRole, entry: DirEntryInfo): MemberPlan {
  return { path, role, size: entry.size, mtimeMs: entry.mtimeMs };
}

function aliasesOf(name: string): string[] {
  const p = parseName(name);
  return [name, p.plain, p.stem].filter((a) => a.length > 0);
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Larger key first, then newer mtime, then name: a total order so `order` is stable. */
function compareKeysNewestFirst(a: { unit: Unit; key: SortKey }, b: { unit: Unit; key: SortKey }): number {
  const n = Math.max(a.key.length, b.key.length);
  for (let i = 0; i < n; i++) {
    const d = (b.key[i] ?? -Infinity) - (a.key[i] ?? -Infinity);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  if (b.unit.mtimeMs !== a.unit.mtimeMs) return b.unit.mtimeMs - a.unit.mtimeMs;
  return compareNames(a.unit.mainPath, b.unit.mainPath);
}

/** Stem of a triple member (`X.state.json` → `X`, `X.pkl` → `X`), or null. */
function tripleRole(parsed: ParsedName): { stem: string; role: 'pickle' | 'state' | 'meta' } | null {
  const lower = parsed.plain.toLowerCase();
  for (const { suffix, role } of TRIPLE_SUFFIXES) {
    if (lower.endsWith(suffix) && lower.length > suffix.length) return { stem: parsed.plain.slice(0, parsed.plain.length - suffix.length), role };
  }
  if (PICKLE_EXTENSIONS.includes(parsed.ext)) return { stem: parsed.stem, role: 'pickle' };
  return null;
}

/** Template of a name for series grouping: timestamp or counters replaced by `*`. */
function seriesTemplate(stem: string): { template: string; key: SortKey; kind: 'timestamped' | 'numbered' } | null {
  const ts = findTimestamp(stem);
  if (ts) return { template: `${stem.slice(0, ts.index)}*${stem.slice(ts.index + ts.length)}`, key: [ts.ms], kind: 'timestamped' };
  const counters = findCounters(stem);
  if (counters) return { template: counters.template, key: counters.numbers, kind: 'numbered' };
  return null;
}

/** How "checkpoint-like" a file in a generation directory is, to choose its main member. */
function mainScore(name: string): number {
  const lower = name.toLowerCase();
  const p = parseName(lower);
  let score = 0;
  if (/checkpoint|ckpt/.test(lower)) score += 8;
  if (/state/.test(lower)) score += 4;
  if (/model|agent|work/.test(lower)) score += 2;
  if (p.ext === '.json' || PICKLE_EXTENSIONS.includes(p.ext)) score += 1;
  if (/meta|config|args|types|rng|scheduler|optimizer|tokenizer/.test(lower)) score -= 6;
  return score;
}

/** Units made of the checkpoint files of one directory level (`prefix` is `step-120/` for children). */
function bindFiles(files: readonly DirEntryInfo[], prefix: string): Unit[] {
  const parsed = new Map(files.map((f) => [f.name, parseName(f.name)] as const));
  const byPlain = new Map<string, DirEntryInfo[]>();
  for (const f of files) {
    const plain = parsed.get(f.name)!.plain;
    byPlain.set(plain, [...(byPlain.get(plain) ?? []), f]);
  }
  const used = new Set<string>();
  const units: Unit[] = [];
  const unitOf = (members: MemberPlan[], mainPath: string, label: string, shape: Unit['shape'], seriesName: string): Unit => {
    const names = members.map((m) => m.path.slice(prefix.length));
    return {
      label,
      mainPath,
      members,
      shape,
      seriesName,
      mtimeMs: Math.max(0, ...members.map((m) => m.mtimeMs)),
      aliases: names.flatMap(aliasesOf),
    };
  };

  // Three-file sets: two of the three present make a set; a lone member joins only when the
  // directory already has complete sets named the same way (a series with one broken generation).
  const triples = new Map<string, { role: 'pickle' | 'state' | 'meta'; entry: DirEntryInfo }[]>();
  for (const f of files) {
    const t = tripleRole(parsed.get(f.name)!);
    if (t) triples.set(t.stem, [...(triples.get(t.stem) ?? []), { role: t.role, entry: f }]);
  }
  const isSet = (parts: { role: string }[]) => new Set(parts.map((p) => p.role)).size >= 2 && parts.some((p) => p.role !== 'pickle');
  const setTemplates = new Set(
    [...triples].filter(([, parts]) => isSet(parts)).map(([stem]) => seriesTemplate(stem)?.template ?? `=${stem}`),
  );
  for (const [stem, parts] of triples) {
    const template = seriesTemplate(stem)?.template;
    const lone = !isSet(parts);
    if (lone && !(template && setTemplates.has(template))) continue;
    // A lone pickle beside a JSON of the same stem is a typed twin, not a broken set.
    if (lone && parts.every((p) => p.role === 'pickle') && byPlain.has(`${stem}.json`)) continue;
    const members = parts
      .sort((a, b) => ['pickle', 'state', 'meta'].indexOf(a.role) - ['pickle', 'state', 'meta'].indexOf(b.role))
      .map((p) => member(prefix + p.entry.name, p.role, p.entry));
    const pickle = parts.find((p) => p.role === 'pickle');
    // The `.pkl` is what a resuming program loads first, so it stays the main path even when missing.
    const mainPath = prefix + (pickle ? pickle.entry.name : `${stem}.pkl`);
    for (const p of parts) used.add(p.entry.name);
    units.push(unitOf(members, mainPath, stem, 'triple', stem));
  }

  // Type manifests and typed pickle twins attach to the JSON they describe.
  const attachments = new Map<string, MemberPlan[]>();
  for (const f of files) {
    if (used.has(f.name)) continue;
    const p = parsed.get(f.name)!;
    const lower = p.plain.toLowerCase();
    if (lower.endsWith(TYPES_SUFFIX) && lower.length > TYPES_SUFFIX.length) {
      const target = p.plain.slice(0, p.plain.length - TYPES_SUFFIX.length);
      if (byPlain.has(target)) {
        attachments.set(target, [...(attachments.get(target) ?? []), member(prefix + f.name, 'types', f)]);
        used.add(f.name);
      }
      continue;
    }
    if (PICKLE_EXTENSIONS.includes(p.ext) && byPlain.has(`${p.stem}.json`)) {
      attachments.set(`${p.stem}.json`, [...(attachments.get(`${p.stem}.json`) ?? []), member(prefix + f.name, 'pickle', f)]);
      used.add(f.name);
    }
  }
  for (const f of files) {
    if (used.has(f.name)) continue;
    const p = parsed.get(f.name)!;
    if (p.plain.toLowerCase().endsWith(TYPES_SUFFIX)) continue;
    const extra = attachments.get(p.plain) ?? [];
    // Attachments go to the uncompressed copy when both `x.json` and `x.json.gz` exist.
    if (extra.length && (byPlain.get(p.plain) ?? []).some((o) => o.name === p.plain) && f.name !== p.plain) {
      units.push(unitOf([member(prefix + f.name, 'main', f)], prefix + f.name, f.name, 'file', f.name));
      continue;
    }
    units.push(unitOf([member(prefix + f.name, 'main', f), ...extra], prefix + f.name, f.name, 'file', f.name));
  }
  return units;
}

/** Entries of one directory level sorted into checkpoint files, temp files and the rest. */
interface Sorted {
  readonly checkpoints: DirEntryInfo[];
  readonly temps: { entry: DirEntryInfo; targets: readonly string[] | null }[];
  readonly ignored: string[];
}

function sortEntries(files: readonly DirEntryInfo[]): Sorted {
  const checkpointNames = new Set<string>();
  for (const f of files) {
    if (isCheckpointName(f.name)) for (const a of aliasesOf(f.name)) checkpointNames.add(a);
  }
  const sorted: Sorted = { checkpoints: [], temps: [], ignored: [] };
  for (const f of files) {
    if (isEditorLeftover(f.name)) {
      sorted.ignored.push(f.name);
      continue;
    }
    const temp = parseTempName(f.name, (target) => checkpointNames.has(target));
    if (temp) {
      sorted.temps.push({ entry: f, targets: temp.kind === 'named' ? temp.targets : null });
      continue;
    }
    if (isCheckpointName(f.name)) sorted.checkpoints.push(f);
    else sorted.ignored.push(f.name);
  }
  return sorted;
}

/**
 * The unit for a generation directory; null when it holds no checkpoint file, `family` when it
 * holds a whole family of its own.
 */
function dirUnit(dir: DirEntryInfo, strays: MemberPlan[], ignored: string[]): Unit | null | 'family' {
  const children = (dir.children ?? []).filter((c) => c.kind === 'file');
  const sorted = sortEntries(children);
  const prefix = `${dir.name}/`;
  for (const t of sorted.temps) strays.push(member(prefix + t.entry.name, 'member', t.entry));
  for (const name of sorted.ignored) ignored.push(prefix + name);
  if (sorted.checkpoints.length === 0) return null;
  const inner = bindFiles(sorted.checkpoints, prefix);
  // A folder holding a whole family of its own (`run-2/agent.json`, `run-2/agent.1.json`) is a
  // folder of checkpoints, not one generation: the engine looks inside it instead.
  const nested = groupSeries(inner).some(
    (s) => s.units.length > 1 && (s.kind === 'ring' || s.kind === 'timestamped' || s.kind === 'triple' || /ckpt|checkpoint|step|epoch|state/i.test(s.name)),
  );
  if (nested) return 'family';
  const best = [...inner].sort((a, b) => {
    const tri = Number(b.shape === 'triple') - Number(a.shape === 'triple');
    if (tri) return tri;
    const s = mainScore(b.mainPath.slice(prefix.length)) - mainScore(a.mainPath.slice(prefix.length));
    return s || compareNames(a.mainPath, b.mainPath);
  })[0];
  const members: MemberPlan[] = [];
  for (const u of inner) {
    for (const m of u.members) {
      const role: MemberRole = u === best ? m.role : m.role === 'main' ? 'member' : m.role;
      members.push({ ...m, role });
    }
  }
  return {
    label: dir.name,
    mainPath: best.mainPath,
    members,
    shape: 'dir',
    seriesName: dir.name,
    mtimeMs: Math.max(dir.mtimeMs, ...members.map((m) => m.mtimeMs)),
    aliases: [dir.name, ...inner.flatMap((u) => u.aliases.map((a) => prefix + a))],
  };
}

/** Units whose names differ only in counters, before they are split into families. */
interface Group {
  kind: FamilyKind;
  name: string;
  /** What follows the stem in the family name: the extension, `.pkl` for triples, `/` for directories. */
  suffix: string;
  /** Whether the template abstracts every run of digits (a timestamp template keeps the other digits). */
  numbered: boolean;
  units: { unit: Unit; key: SortKey; stem: string }[];
}

/**
 * A counter named as training progress (`epoch3`, `step=120`, `iter_7`): part of the order key even
 * when it is not the last counter, so `model-epoch3-step120.pt` and `model-epoch4-step160.pt` are one
 * series ordered by (epoch, step).
 */
const ORDER_WORD = /(?:epoch|step|iter|iteration|update|batch|round|generation)s?$|(?:^|[^a-z])(?:ep|it|gen)$/i;

function isOrderCounter(literalBefore: string): boolean {
  return ORDER_WORD.test(literalBefore.replace(/[-_=. ]+$/, ''));
}

/**
 * Split a numbered group into families. The generation counter is the LAST counter whose value
 * varies across the group; counters named as progress (see ORDER_WORD) are order keys too. Every
 * other counter is part of the family's name: `run1_step_0003.json` and `run2_step_0003.json` are
 * two jobs, never one job's generations, so a checkpoint of one is never offered as the other's
 * fallback. Each family is named by its constant digits with only the order counters as `*`
 * (`run1_step_*.json`, `model-epoch*-step*.pt`).
 */
function splitByIdentity(g: Group): Group[] {
  if (!g.numbered) return [g];
  const literals = g.units[0].stem.split(/\d+/);
  const digits = g.units.map((u) => u.stem.match(/\d+/g) ?? []);
  const n = literals.length - 1;
  const varies = (i: number) => new Set(digits.map((ds) => ds[i])).size > 1;
  let last = n - 1;
  while (last > 0 && !varies(last)) last--;
  const isOrder = (i: number) => i === last || isOrderCounter(literals[i]);
  const parts = new Map<string, Group>();
  g.units.forEach((u, k) => {
    const ds = digits[k];
    const name = literals.map((lit, i) => (i < n ? lit + (isOrder(i) ? '*' : ds[i]) : lit)).join('') + g.suffix;
    const part = parts.get(name) ?? { ...g, name, units: [] };
    part.units.push(u);
    parts.set(name, part);
  });
  return [...parts.values()];
}

/** Group units into series. */
function groupSeries(units: readonly Unit[]): Series[] {
  const series: Series[] = [];
  const rest: Unit[] = [];

  // Ring buffers: `x.json` (current, index 0) with `x.1.json`, `x.json.2.gz`, …
  const rings = new Map<string, { unit: Unit; index: number }[]>();
  const plainOf = (u: Unit) => parseName(u.seriesName).plain;
  const heads = new Map<string, Unit[]>();
  for (const u of units) if (u.shape === 'file') heads.set(plainOf(u), [...(heads.get(plainOf(u)) ?? []), u]);
  for (const u of units) {
    const ring = u.shape === 'file' ? findRingIndex(parseName(u.seriesName)) : null;
    if (ring) rings.set(ring.head, [...(rings.get(ring.head) ?? []), { unit: u, index: ring.index }]);
  }
  const taken = new Set<Unit>();
  for (const [head, numbered] of rings) {
    const headUnits = heads.get(head) ?? [];
    // Without the current file, `x.1.json`, `x.2.json` is a ring only if mtimes agree that lower
    // numbers are newer (a crash between rotating and writing); otherwise it is a numbered series.
    if (headUnits.length === 0) {
      if (numbered.length < 2) continue;
      const byIndex = [...numbered].sort((a, b) => a.index - b.index);
      const ringLike = byIndex.every((e, i) => i === 0 || byIndex[i - 1].unit.mtimeMs >= e.unit.mtimeMs);
      if (!ringLike) continue;
    }
    const members = [...headUnits.map((unit) => ({ unit, index: 0 })), ...numbered];
    for (const m of members) taken.add(m.unit);
    series.push({
      kind: 'ring',
      name: head,
      units: members.map((m) => ({ unit: m.unit, key: [-m.index] })),
      hasHead: headUnits.length > 0,
      strays: [],
      aliases: new Set([head, parseName(head).stem]),
    });
  }

  // Timestamped and numbered series, step directories, three-file sets.
  const groups = new Map<string, Group>();
  for (const u of units) {
    if (taken.has(u)) continue;
    const p = parseName(u.seriesName);
    const stem = u.shape === 'file' ? p.stem : u.seriesName;
    const t = seriesTemplate(stem);
    if (!t) {
      if (u.shape === 'dir') continue;
      rest.push(u);
      continue;
    }
    const suffix = u.shape === 'dir' ? '/' : u.shape === 'triple' ? '.pkl' : p.ext;
    const groupKey = `${u.shape}|${t.kind}|${t.template}${suffix}`;
    const kind: FamilyKind = u.shape === 'dir' ? 'step-dirs' : u.shape === 'triple' ? 'triple' : t.kind;
    const g = groups.get(groupKey) ?? { kind, name: `${t.template}${suffix}`, suffix, numbered: t.kind === 'numbered', units: [] };
    g.units.push({ unit: u, key: t.key, stem });
    groups.set(groupKey, g);
  }
  for (const g of [...groups.values()].flatMap(splitByIdentity)) {
    if (g.units.length === 1 && g.kind !== 'step-dirs') {
      rest.push(g.units[0].unit);
      continue;
    }
    series.push({ kind: g.kind, name: g.name, units: g.units, hasHead: true, strays: [], aliases: new Set() });
  }
  for (const u of rest) {
    series.push({
      kind: u.shape === 'triple' ? 'triple' : 'single',
      name: u.shape === 'triple' ? parseName(u.mainPath).name : u.seriesName,
      units: [{ unit: u, key: [] }],
      hasHead: true,
      strays: [],
      aliases: new Set(),
    });
  }
  for (const s of series) for (const { unit } of s.units) for (const a of unit.aliases) s.aliases.add(a);
  return series;
}

function toPlan(s: Series): FamilyPlan {
  const ordered = [...s.units].sort(compareKeysNewestFirst);
  const generations: GenerationPlan[] = ordered.map(({ unit }, order) => ({
    label: unit.label,
    mainPath: unit.mainPath,
    members: unit.members,
    current: order === 0 && s.hasHead,
    order,
  }));
  const strays = [...s.strays].sort((a, b) => compareNames(a.path, b.path));
  return { name: s.name, kind: s.kind, generations, strays };
}

/**
 * Sub-directories already found to hold a whole family of their own, by their children array and
 * name. `dirUnit` depends on nothing else, and such a folder adds nothing to its parent's result,
 * so when a listing hands the same (immutable) children array again — the folder did not change,
 * a file beside it did — its files are not bound and grouped again. Listing a parent of many such
 * folders after one file changed then costs one folder's grouping, not all of them.
 */
const familyDirs = new WeakMap<readonly DirEntryInfo[], Set<string>>();

/** Group the entries of one directory into families (ring buffers, numbered series, triples, …). */
export function discoverFamilies(entries: readonly DirEntryInfo[]): DiscoveryResult {
  const ignored: string[] = [];
  const consumedDirs: string[] = [];
  const files = entries.filter((e) => e.kind === 'file');
  const dirs = entries.filter((e) => e.kind === 'dir');

  const sorted = sortEntries(files);
  ignored.push(...sorted.ignored);
  const units = bindFiles(sorted.checkpoints, '');

  // Generation directories: named with a counter or timestamp, holding checkpoint files. An empty
  // one beside full ones is kept as a generation too: a save that was interrupted right away.
  const dirStrays = new Map<string, MemberPlan[]>();
  const emptyDirs: DirEntryInfo[] = [];
  // A directory is a generation only as one of a series of siblings differing only in a counter
  // (`step-100/`, `step-200/`), or alone when named like a checkpoint directory (`checkpoint-500/`).
  // Any other folder with a digit in its name (`protocol0_pkl/`, `data2024/`) is descended into.
  const dirTemplateCounts = new Map<string, number>();
  for (const d of dirs) {
    const t = d.name.startsWith('.') ? null : seriesTemplate(d.name);
    if (t) dirTemplateCounts.set(`${t.kind}|${t.template}`, (dirTemplateCounts.get(`${t.kind}|${t.template}`) ?? 0) + 1);
  }
  const isGenerationDir = (name: string): boolean => {
    const t = seriesTemplate(name);
    if (!t) return false;
    return (dirTemplateCounts.get(`${t.kind}|${t.template}`) ?? 0) >= 2 || CHECKPOINT_DIR.test(name);
  };
  for (const d of dirs) {
    if (d.name.startsWith('.')) {
      ignored.push(d.name);
      continue;
    }
    if (!isGenerationDir(d.name)) continue;
    if (d.children && familyDirs.get(d.children)?.has(d.name)) continue;
    const strays: MemberPlan[] = [];
    const dirIgnored: string[] = [];
    const u = dirUnit(d, strays, dirIgnored);
    if (u === 'family') {
      if (d.children) {
        const names = familyDirs.get(d.children);
        if (names) names.add(d.name);
        else familyDirs.set(d.children, new Set([d.name]));
      }
      continue;
    }
    if (u) {
      units.push(u);
      dirStrays.set(d.name, strays);
      ignored.push(...dirIgnored);
      consumedDirs.push(d.name);
    } else {
      emptyDirs.push(d);
    }
  }
  const dirTemplates = new Set(units.filter((u) => u.shape === 'dir').map((u) => seriesTemplate(u.seriesName)?.template));
  for (const d of emptyDirs) {
    const template = seriesTemplate(d.name)?.template;
    const onlyNoise = (d.children ?? []).every((c) => c.kind === 'file' && parseTempName(c.name, () => false) !== null);
    if (!dirTemplates.has(template) || !onlyNoise) continue;
    const strays = (d.children ?? []).map((c) => member(`${d.name}/${c.name}`, 'member', c));
    units.push({ label: d.name, mainPath: d.name, members: [], shape: 'dir', seriesName: d.name, mtimeMs: d.mtimeMs, aliases: [d.name] });
    dirStrays.set(d.name, strays);
    consumedDirs.push(d.name);
  }

  const series = groupSeries(units);
  for (const s of series) {
    for (const { unit } of s.units) if (unit.shape === 'dir') s.strays.push(...(dirStrays.get(unit.label) ?? []));
  }

  // Temp leftovers go to the family whose file they were going to replace.
  const byAlias = new Map<string, Series>();
  for (const s of series) {
    for (const key of [s.name, ...s.aliases]) if (!byAlias.has(key)) byAlias.set(key, s);
  }
  const findSeries = (target: string): Series | undefined => {
    const p = parseName(target);
    return byAlias.get(target) ?? byAlias.get(p.plain) ?? byAlias.get(p.stem);
  };
  const orphans: { entry: DirEntryInfo; name: string }[] = [];
  for (const t of sorted.temps) {
    const stray = member(t.entry.name, 'member', t.entry);
    if (t.targets === null) {
      const withGenerations = series.filter((s) => s.units.length > 0);
      if (withGenerations.length === 1) withGenerations[0].strays.push(stray);
      else orphans.push({ entry: t.entry, name: t.entry.name });
      continue;
    }
    const owner = t.targets.map(findSeries).find((s) => s !== undefined);
    if (owner) {
      owner.strays.push(stray);
      continue;
    }
    // Without its target, a temp file is ours only if it names a checkpoint (`agent.json.tmp`) or
    // carries a writer's random part (`current_work.3fa9c2d1.tmp`); `notes.txt.tmp` is not.
    const ours = t.targets.some((target) => parseName(target).ext !== '') || t.targets.length > 1;
    if (!ours) {
      ignored.push(t.entry.name);
      continue;
    }
    const guess = t.targets.find((target) => parseName(target).ext !== '') ?? t.targets[t.targets.length - 1];
    orphans.push({ entry: t.entry, name: guess });
  }
  const orphanFamilies = new Map<string, Series>();
  for (const o of orphans) {
    const stray = member(o.entry.name, 'member', o.entry);
    const existing = orphanFamilies.get(o.name);
    if (existing) {
      existing.strays.push(stray);
      continue;
    }
    const family: Series = { kind: 'single', name: o.name, units: [], hasHead: false, strays: [stray], aliases: new Set([o.name]) };
    orphanFamilies.set(o.name, family);
    series.push(family);
  }

  // Family names must be unique in a directory: the engine's family id is `${dir}::${name}`.
  const seen = new Map<string, number>();
  const families = series
    .map(toPlan)
    .sort((a, b) => compareNames(a.name, b.name))
    .map((f) => {
      const n = (seen.get(f.name) ?? 0) + 1;
      seen.set(f.name, n);
      return n === 1 ? f : { ...f, name: `${f.name} (${n})` };
    });
  return { families, consumedDirs: consumedDirs.sort(compareNames), ignored: ignored.sort(compareNames) };
}
