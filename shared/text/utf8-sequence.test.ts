import { describe, expect, it } from 'vitest';
import { endsInsideSequence, utf8Sequence } from './utf8-sequence';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('utf8Sequence', () => {
  it('accepts exactly what a fatal TextDecoder accepts, for every 2- and 3-byte lead/continuation pair', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true });
    for (let lead = 0x80; lead <= 0xff; lead++) {
      for (const cont of [0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0]) {
        const b = lead < 0xe0 ? bytes(lead, cont) : lead < 0xf0 ? bytes(lead, cont, 0x80) : bytes(lead, cont, 0x80, 0x80);
        let ok = true;
        try {
          fatal.decode(b);
        } catch {
          ok = false;
        }
        expect(utf8Sequence(b, 0) === b.length, `${lead.toString(16)} ${cont.toString(16)}`).toBe(ok);
      }
    }
  });

  it('tells a sequence cut by the end of the bytes from a bad one', () => {
    const cut = bytes(0x61, 0xe2, 0x82);
    expect(endsInsideSequence(cut, 1, utf8Sequence(cut, 1))).toBe(true);
    const badLeadAtEnd = bytes(0x61, 0xc0);
    expect(endsInsideSequence(badLeadAtEnd, 1, utf8Sequence(badLeadAtEnd, 1))).toBe(false);
    const badContinuation = bytes(0xe2, 0x28, 0xa1);
    expect(utf8Sequence(badContinuation, 0)).toBe(-1);
    expect(endsInsideSequence(badContinuation, 0, -1)).toBe(false);
  });
});
