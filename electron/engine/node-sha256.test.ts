import { describe, expect, it } from 'vitest';
import { createSha256, sha256Hex } from '../../shared/hash/sha256';
import { nodeSha256 } from './node-sha256';

describe('nodeSha256', () => {
  it('gives the pure-TypeScript hasher’s digest for bytes and text fed in pieces, lone surrogates included', () => {
    const text = 'état 😀 \ud800 lone \udfff {"a": 1}\n'.repeat(200);
    const bytes = new TextEncoder().encode(text);
    for (const piece of [1, 5, 64, 1000, 1 << 20]) {
      const ours = createSha256();
      const node = nodeSha256();
      const nodeBytes = nodeSha256();
      // Text pieces keep surrogate pairs together, as pythonJsonDumpsTo's chunks do.
      for (let p = 0; p < text.length; ) {
        let q = Math.min(text.length, p + piece);
        const c = text.charCodeAt(q - 1);
        if (c >= 0xd800 && c <= 0xdbff && text.charCodeAt(q) >= 0xdc00 && text.charCodeAt(q) <= 0xdfff) q++;
        ours.update(text.slice(p, q));
        node.update(text.slice(p, q));
        p = q;
      }
      for (let p = 0; p < bytes.length; p += piece) nodeBytes.update(bytes.subarray(p, p + piece));
      const expected = sha256Hex(text);
      expect([ours.hex(), node.hex(), nodeBytes.hex()], `pieces of ${piece}`).toEqual([expected, expected, expected]);
    }
  });
});
