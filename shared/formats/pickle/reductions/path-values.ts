/**
 * pathlib paths rebuilt from their pickled segments. Python 3.9–3.12 pickle a path as
 * `(cls, self.parts)` (`('/', 'tmp', 'x')`), 3.13 as `(cls, raw_paths)` (`('/tmp/x',)`) with the
 * classes living in `pathlib._local`; both are re-joined here with the parsing rules of CPython
 * 3.11's `_PosixFlavour` / `_WindowsFlavour`, so `str` and `repr` match what Python prints.
 */
import type { Value } from '../../../model/value';
import { pythonStrRepr } from '../../../render/python-repr';
import { UNKNOWN, produced, refused, type Reduction } from './reduction';

interface Flavour {
  readonly sep: string;
  readonly altsep: string;
  splitroot(part: string): [drv: string, root: string, rel: string];
}

const POSIX: Flavour = {
  sep: '/',
  altsep: '',
  splitroot(part) {
    if (!part.startsWith('/')) return ['', '', part];
    const stripped = part.replace(/^\/+/, '');
    // POSIX lets exactly two leading slashes mean something implementation-defined; three or more are one.
    return ['', part.length - stripped.length === 2 ? '//' : '/', stripped];
  },
};

const DRIVE_LETTER = /^[a-zA-Z]$/;

const WINDOWS: Flavour = {
  sep: '\\',
  altsep: '/',
  splitroot(whole) {
    let part = whole;
    let prefix = '';
    if (part.startsWith('\\\\')) {
      // Extended-length paths (\\?\C:\…, \\?\UNC\server\share) keep their prefix.
      if (part.startsWith('\\\\?\\')) {
        prefix = part.slice(0, 4);
        part = part.slice(4);
        if (part.startsWith('UNC\\')) {
          prefix += part.slice(0, 3);
          part = `\\${part.slice(3)}`;
        }
      }
    }
    let first = part.slice(0, 1);
    const second = part.slice(1, 2);
    const third = part.slice(2, 3);
    if (first === '\\' && second === '\\' && third !== '\\') {
      const index = part.indexOf('\\', 2);
      if (index !== -1) {
        let index2 = part.indexOf('\\', index + 1);
        if (index2 !== index + 1) {
          if (index2 === -1) index2 = part.length;
          return prefix ? [prefix + part.slice(1, index2), '\\', part.slice(index2 + 1)] : [part.slice(0, index2), '\\', part.slice(index2 + 1)];
        }
      }
    }
    let drv = '';
    let root = '';
    if (second === ':' && DRIVE_LETTER.test(first)) {
      drv = part.slice(0, 2);
      part = part.slice(2);
      first = third;
    }
    if (first === '\\') {
      root = first;
      part = part.replace(/^\\+/, '');
    }
    return [prefix + drv, root, part];
  },
};

// CPython 3.11 `_Flavour.parse_parts`: scan the segments from the last one back, stopping at the
// last segment that carries a drive or root; a root without a drive borrows an earlier drive.
function parseParts(flavour: Flavour, segments: readonly string[]): { drv: string; root: string; parts: string[] } {
  const parsed: string[] = [];
  let drv = '';
  let root = '';
  let i = segments.length - 1;
  for (; i >= 0; i--) {
    let part = segments[i];
    if (!part) continue;
    if (flavour.altsep) part = part.split(flavour.altsep).join(flavour.sep);
    [drv, root] = flavour.splitroot(part);
    const rel = flavour.splitroot(part)[2];
    const pieces = rel.split(flavour.sep);
    for (let k = pieces.length - 1; k >= 0; k--) {
      if (pieces[k] && pieces[k] !== '.') parsed.push(pieces[k]);
    }
    if (drv || root) {
      if (!drv) {
        for (i -= 1; i >= 0; i--) {
          let earlier = segments[i];
          if (!earlier) continue;
          if (flavour.altsep) earlier = earlier.split(flavour.altsep).join(flavour.sep);
          drv = flavour.splitroot(earlier)[0];
          if (drv) break;
        }
      }
      break;
    }
  }
  if (drv || root) parsed.push(drv + root);
  parsed.reverse();
  return { drv, root, parts: parsed };
}

function formatParts(flavour: Flavour, drv: string, root: string, parts: readonly string[]): string {
  const text = drv || root ? drv + root + parts.slice(1).join(flavour.sep) : parts.join(flavour.sep);
  return text || '.';
}

const CLASSES: Readonly<Record<string, Flavour>> = {
  PurePosixPath: POSIX,
  PosixPath: POSIX,
  PureWindowsPath: WINDOWS,
  WindowsPath: WINDOWS,
};

/** The pathlib class names this module rebuilds (`PosixPath`, …), by bare class name. */
export function isPathClass(name: string): boolean {
  return Object.hasOwn(CLASSES, name);
}

/** `cls(*segments)` for a concrete or pure pathlib class. */
export function reducePath(className: string, args: readonly Value[]): Reduction {
  const flavour = CLASSES[className];
  if (!flavour) return UNKNOWN;
  const segments: string[] = [];
  for (const a of args) {
    if (a.kind !== 'str') {
      return a.kind === 'bytes' || a.kind === 'int' || a.kind === 'null' || a.kind === 'float'
        ? refused(`argument should be a str object or an os.PathLike object returning str, not '${a.kind === 'null' ? 'NoneType' : a.kind}'`)
        : UNKNOWN;
    }
    segments.push(a.value);
  }
  const { drv, root, parts } = parseParts(flavour, segments);
  const str = formatParts(flavour, drv, root, parts);
  const posix = flavour === WINDOWS ? str.split('\\').join('/') : str;
  return produced({ kind: 'typed', type: `pathlib.${className}`, repr: `${className}(${pythonStrRepr(posix)})`, str });
}
