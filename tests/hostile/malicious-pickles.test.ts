/**
 * Pickles written to run a command when loaded (os.system, subprocess, eval, getattr on an
 * imported module, a reduce nested deep in an ordinary state, protocol 0, and one hidden as a
 * base64 value inside a JSON file). Every payload `touch`es a sentinel file. They must be flagged
 * `pickle.unsafe_global` by analyzeFile and by a full engine scan, and no sentinel may appear.
 * A control payload of the same kind, loaded by Python on purpose, proves the payloads are live.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/engine';
import { analyzeFile, decodeFile } from '../../shared/checks/analyze-file';
import { renderCanonical } from '../../shared/render/canonical-json';
import { hostileInputs, python, sentinelsFired, type HostileInputs } from './support';

let inputs: HostileInputs;
let work: string;

beforeAll(() => {
  inputs = hostileInputs();
  work = mkdtempSync(join(tmpdir(), 'ckpt-hostile-malicious-'));
}, 240_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const PAYLOADS = ['os_system.pkl', 'subprocess.pkl', 'eval.pkl', 'getattr.pkl', 'nested_reduce.pkl', 'protocol0.pkl', 'workflow.json'];

describe('malicious pickles', () => {
  it('the payloads are live: Python loading the control payload runs its command', () => {
    const control = join(inputs.sentinelDir, 'control');
    rmSync(control, { force: true });
    python(`import pickle; pickle.load(open(${JSON.stringify(join(inputs.dir, 'control.pkl'))}, 'rb'))`);
    expect(existsSync(control)).toBe(true);
    rmSync(control, { force: true });
  });

  it.each(PAYLOADS)('%s is flagged pickle.unsafe_global by analyzeFile, and nothing runs', async (name) => {
    expect(inputs.malicious).toContain(name);
    const bytes = new Uint8Array(readFileSync(join(inputs.dir, 'malicious', name)));
    const a = await analyzeFile(name, bytes);
    const unsafe = a.findings.filter((f) => f.code === 'pickle.unsafe_global');
    expect(unsafe.length, JSON.stringify(a.findings)).toBeGreaterThan(0);
    expect(unsafe.every((f) => f.severity === 'error')).toBe(true);
    if (name === 'workflow.json') expect(unsafe[0].pointer, 'the finding points at the JSON value holding the pickle').toBe('/steps/0/output');
    // The value view decodes and renders it too: still inert.
    const d = await decodeFile(name, bytes);
    if (d.result.kind === 'ok') renderCanonical(d.result.value, { maxChars: 100_000 });
    expect(sentinelsFired(inputs)).toEqual([]);
  });

  it('names what the payload would call', async () => {
    const expected: Record<string, RegExp> = {
      'os_system.pkl': /posix\.system|os\.system/,
      'subprocess.pkl': /subprocess\.check_call/,
      'eval.pkl': /builtins\.eval/,
      'getattr.pkl': /getattr|__import__|os\.system/,
      'protocol0.pkl': /posix\.system|os\.system/,
    };
    for (const [name, pattern] of Object.entries(expected)) {
      const a = await analyzeFile(name, new Uint8Array(readFileSync(join(inputs.dir, 'malicious', name))));
      const messages = a.findings.filter((f) => f.code === 'pickle.unsafe_global').map((f) => f.message).join(' ');
      expect(messages, name).toMatch(pattern);
    }
  });

  it('a full engine scan flags every one of them and runs none', async () => {
    const root = join(work, 'scan');
    mkdirSync(root, { recursive: true });
    // Each payload as the current generation of its own family, next to a healthy older one.
    for (const name of PAYLOADS) {
      const dir = join(root, name.replace(/[\W\d]/g, '_')); // a digit would make it a step folder
      mkdirSync(dir);
      copyFileSync(join(inputs.dir, 'malicious', name), join(dir, name));
    }
    const engine = await createEngine({ settingsPath: join(work, 'settings.json'), host: 'cli', watch: false, roots: [root] });
    try {
      await engine.whenIdle();
      const families = engine.getSnapshot().roots.flatMap((r) => r.families);
      for (const name of PAYLOADS) {
        const family = families.find((f) => f.generations.some((g) => g.mainPath === name));
        expect(family, `${name} is listed`).toBeDefined();
        const findings = [...family!.findings, ...family!.generations.flatMap((g) => g.findings)];
        expect(findings.some((f) => f.code === 'pickle.unsafe_global'), `${name}: ${JSON.stringify(findings.map((f) => f.code))}`).toBe(true);
        expect(family!.generations.every((g) => !g.healthy)).toBe(true);
        expect(family!.fallbackId).toBeNull();
      }
      // Opening one in the value view goes through the worker's decode and render: still inert.
      const nested = families.find((f) => f.generations.some((g) => g.mainPath === 'nested_reduce.pkl'))!;
      const content = await engine.readGeneration(nested.generations[0].id);
      expect(content.findings.some((f) => f.code === 'pickle.unsafe_global')).toBe(true);
    } finally {
      await engine.close();
    }
    expect(sentinelsFired(inputs)).toEqual([]);
  }, 120_000);
});
