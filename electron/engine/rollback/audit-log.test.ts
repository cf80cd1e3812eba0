import { appendFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAuditEntry, auditLogPath, ownWritesOf, readHistory } from './audit-log';
import type { AuditEntry } from './types';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ckpt-audit-'));
  await mkdir(join(dir, '.ckpt-doctor'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha = (c: string) => c.repeat(64);

function entry(id: string, mtimeMs = 1000): AuditEntry {
  return {
    format: 'ckpt-doctor-audit/1',
    id,
    when: '2026-01-30T12:00:00.000Z',
    family: 'agent',
    op: 'rollback',
    from: [{ path: 'agent.json', sha256: sha('a') }],
    to: [{ path: 'agent.1.json', sha256: sha('b') }],
    backupDir: '.ckpt-doctor/trash/2026-01-30T12-00-00-000Z-rollback',
    files: [{ path: 'agent.json', before: sha('a'), after: sha('b'), backup: '.ckpt-doctor/trash/2026-01-30T12-00-00-000Z-rollback/agent.json', source: 'agent.1.json', mtimeMs }],
    dirMtimes: { '': mtimeMs + 1 },
  };
}

describe('the audit log', () => {
  it('is empty when nothing was ever done', async () => {
    expect(await readHistory(join(dir, 'nowhere'))).toEqual([]);
  });

  it('tolerates a torn last line, and the next append starts on a line of its own', async () => {
    await appendAuditEntry(dir, entry('first'));
    const line = JSON.stringify(entry('torn'));
    await appendFile(auditLogPath(dir), line.slice(0, line.length / 2));
    expect((await readHistory(dir)).map((e) => e.id)).toEqual(['first']);

    await appendAuditEntry(dir, entry('second'));
    expect((await readHistory(dir)).map((e) => e.id)).toEqual(['first', 'second']);
    const text = await readFile(auditLogPath(dir), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n').filter(Boolean)).toHaveLength(3);
  });

  it('skips lines that are not ours', async () => {
    await appendFile(auditLogPath(dir), '{"format": "something else"}\nnot json\n');
    await appendAuditEntry(dir, entry('ours'));
    expect((await readHistory(dir)).map((e) => e.id)).toEqual(['ours']);
  });

  it('tells our own writes apart by the mtimes it recorded', () => {
    const own = ownWritesOf([entry('a', 5000), entry('b', 7000)]);
    expect(own.files.get('agent.json')).toEqual(new Set([5000, 7000]));
    expect(own.dirs.get('')).toEqual(new Set([5001, 7001]));
  });
});
