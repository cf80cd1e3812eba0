import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decodeLatin1, decodeRawUnicodeEscape, decodeStringEscape, decodeUtf8 } from './pickle-strings';

function python(script: string): string {
  return execFileSync('python3', ['-c', script]).toString();
}

// Each case: the encoded bytes (hex) and Python's decoded text as a list of code points, so lone
// surrogates survive the trip through JSON.
const CASES = `
import json
texts = ['', 'ascii', 'é€😀', '\\ufeffBOM', '\\ud800 lone high', 'x\\udfffy', 'a\\\\b\\nc', '\\x00\\x7f\\x80\\xff', '\\U0010ffff']
`;

describe('pickle text decoders', () => {
  it('decodes UTF-8 with surrogatepass, keeping a leading BOM, as the unpickler does', () => {
    const out = JSON.parse(python(`${CASES}
print(json.dumps([[t.encode('utf-8', 'surrogatepass').hex(), [ord(c) for c in t]] for t in texts]))`)) as [string, number[]][];
    for (const [hex, cps] of out) {
      const bytes = new Uint8Array(Buffer.from(hex, 'hex'));
      expect(decodeUtf8(bytes, 0, bytes.length)).toBe(String.fromCodePoint(...cps));
    }
    const bad = new Uint8Array([0x61, 0xc3, 0x28]);
    expect(decodeUtf8(bad, 0, bad.length)).toBeNull();
    const overlong = new Uint8Array([0xe0, 0x80, 0xaf]);
    expect(decodeUtf8(overlong, 0, overlong.length)).toBeNull();
  });

  it("decodes raw-unicode-escape (protocol 0's UNICODE) like Python, and fails where Python fails", () => {
    const out = JSON.parse(python(`${CASES}
# What the pickler writes (it escapes backslash, NUL, CR, LF and ^Z), plus raw inputs.
datas = [t.replace('\\\\', '\\\\u005c').encode('raw-unicode-escape') for t in texts]
datas += [b'\\\\u not an escape', b'\\\\\\\\u0041', b'\\\\x41', b'\\\\U00110000', b'\\\\U0001F600', b'end\\\\']
res = []
for d in datas:
    try:
        res.append([d.hex(), [ord(c) for c in d.decode('raw-unicode-escape')]])
    except UnicodeDecodeError:
        res.append([d.hex(), None])
print(json.dumps(res))`)) as [string, number[] | null][];
    expect(out.filter(([, cps]) => cps === null).length).toBeGreaterThan(0);
    for (const [hex, cps] of out) {
      const bytes = new Uint8Array(Buffer.from(hex, 'hex'));
      const r = decodeRawUnicodeEscape(bytes, 0, bytes.length);
      expect(r.ok ? r.text : null, hex).toBe(cps === null ? null : String.fromCodePoint(...cps));
    }
  });

  it('decodes latin-1 as code points 0–255, not windows-1252', () => {
    const all = new Uint8Array(256).map((_, i) => i);
    const text = decodeLatin1(all, 0, 256);
    const python256 = JSON.parse(python(`import json; print(json.dumps([ord(c) for c in bytes(range(256)).decode('latin-1')]))`)) as number[];
    expect([...text].map((c) => c.codePointAt(0))).toEqual(python256);
    expect(text[0x80]).toBe('\u0080'); // windows-1252 (what browsers call latin1) would give €
  });

  it("unescapes protocol 0's STRING argument as codecs.escape_decode does", () => {
    const out = JSON.parse(python(`
import json, codecs
raws = [b'', b'plain', b"it's", b'\\x00\\x80\\xff\\t\\n\\\\', bytes(range(256)), b'"double"']
print(json.dumps([[repr(r)[1:].encode('ascii').hex(), r.hex()] for r in raws]))`)) as [string, string][];
    for (const [quotedHex, rawHex] of out) {
      const r = decodeStringEscape(new Uint8Array(Buffer.from(quotedHex, 'hex')));
      if (!r.ok) throw new Error(r.reason);
      expect(Buffer.from(r.bytes).toString('hex')).toBe(rawHex);
    }
    expect(decodeStringEscape(new Uint8Array(Buffer.from('abc', 'latin1'))).ok).toBe(false);
    expect(decodeStringEscape(new Uint8Array(Buffer.from("'\\x4'", 'latin1'))).ok).toBe(false);
  });
});
