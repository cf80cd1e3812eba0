/**
 * A file's bytes shown as text, for files that did not decode: a person needs to see where a
 * truncated or zero-filled checkpoint goes wrong.
 *
 * - UTF-8 is decoded; each invalid sequence becomes one U+FFFD per maximal subpart (as
 *   `TextDecoder` and browsers do);
 * - a NUL byte shows as `␀`; a run of more than 3 NULs collapses to `␀×N` so a 1 MB zero-filled
 *   tail stays one short line;
 * - `locations` maps `offset:<n>` to the 1-based line and UTF-16 column of byte `n` in the text
 *   (an offset inside a collapsed run maps to the run's marker, an offset at the end of the file to
 *   just after the last character). Line breaks are counted as an editor counts them: `\n`, `\r\n`
 *   and a lone `\r`.
 * With `maxChars`, the text stops at that many characters (never inside a surrogate pair) and
 * offsets past the cut are left out.
 */
import type { TextLocation } from '../api/contract';
import { utf8Sequence } from '../text/utf8-sequence';

/** Options of {@link renderRaw}. */
export interface RenderRawOptions {
  readonly maxChars?: number;
}

const NUL_MARK = 0x2400; // ␀
const TIMES = 0xd7; // ×
const REPLACEMENT = 0xfffd;
const COLLAPSE_AFTER = 3;

/** Render raw bytes as readable text with byte-offset locations. */
export function renderRaw(
  bytes: Uint8Array,
  offsets: readonly number[],
  options?: RenderRawOptions,
): { text: string; truncated: boolean; locations: Record<string, TextLocation> } {
  const maxChars = options?.maxChars ?? Infinity;
  const wanted = [...new Set(offsets.filter((o) => Number.isInteger(o) && o >= 0 && o <= bytes.length))].sort((a, b) => a - b);
  const locations: Record<string, TextLocation> = {};
  const out = new TextBuilder();
  let line = 1;
  let column = 1;
  let next = 0; // index into `wanted`
  const n = bytes.length;
  let i = 0;
  let truncated = false;

  // Record every wanted offset that falls before `upTo` at the current position.
  const mark = (upTo: number): void => {
    while (next < wanted.length && wanted[next] < upTo) {
      locations[`offset:${wanted[next]}`] = { line, column };
      next++;
    }
  };

  while (i < n) {
    if (out.length >= maxChars) {
      truncated = true;
      break;
    }
    const c = bytes[i];
    if (c === 0) {
      let end = i + 1;
      while (end < n && bytes[end] === 0) end++;
      const run = end - i;
      const label = run > COLLAPSE_AFTER ? `${String.fromCharCode(NUL_MARK, TIMES)}${run}` : '';
      if (out.length + Math.max(run > COLLAPSE_AFTER ? label.length : run, 0) > maxChars) {
        truncated = true;
        break;
      }
      if (run > COLLAPSE_AFTER) {
        mark(end);
        out.text(label);
        column += label.length;
      } else {
        for (let k = 0; k < run; k++) {
          mark(i + k + 1);
          out.unit(NUL_MARK);
          column++;
        }
      }
      i = end;
      continue;
    }
    if (c < 0x80) {
      mark(i + 1);
      out.unit(c);
      if (c === 0x0a) {
        line++;
        column = 1;
      } else if (c === 0x0d) {
        if (i + 1 < n && bytes[i + 1] === 0x0a) {
          // \r\n is one line break: the \n that follows ends the line.
          column++;
        } else {
          line++;
          column = 1;
        }
      } else {
        column++;
      }
      i++;
      continue;
    }
    const len = utf8Sequence(bytes, i);
    if (len > 0) {
      mark(i + len);
      let cp: number;
      if (len === 2) cp = ((c & 0x1f) << 6) | (bytes[i + 1] & 0x3f);
      else if (len === 3) cp = ((c & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f);
      else cp = ((c & 0x07) << 18) | ((bytes[i + 1] & 0x3f) << 12) | ((bytes[i + 2] & 0x3f) << 6) | (bytes[i + 3] & 0x3f);
      if (cp > 0xffff) {
        if (out.length + 2 > maxChars) {
          truncated = true;
          break;
        }
        cp -= 0x10000;
        out.unit(0xd800 + (cp >> 10));
        out.unit(0xdc00 + (cp & 0x3ff));
        column += 2;
      } else {
        out.unit(cp);
        column++;
      }
      i += len;
      continue;
    }
    // Invalid: one replacement character for the maximal subpart of a sequence.
    const bad = Math.max(1, -len);
    mark(i + bad);
    out.unit(REPLACEMENT);
    column++;
    i += bad;
  }
  if (!truncated) mark(n + 1);
  return { text: out.finish(), truncated, locations };
}

/** Accumulates UTF-16 units and turns them into a string in chunks. */
class TextBuilder {
  private readonly chunks: string[] = [];
  private readonly buf = new Uint16Array(8192);
  private used = 0;
  length = 0;

  unit(u: number): void {
    if (this.used === this.buf.length) this.flush();
    this.buf[this.used++] = u;
    this.length++;
  }

  text(s: string): void {
    this.flush();
    this.chunks.push(s);
    this.length += s.length;
  }

  finish(): string {
    this.flush();
    return this.chunks.join('');
  }

  private flush(): void {
    if (this.used === 0) return;
    this.chunks.push(String.fromCharCode.apply(null, this.buf.subarray(0, this.used) as unknown as number[]));
    this.used = 0;
  }
}
