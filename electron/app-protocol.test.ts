import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppRequestHandler, resolveAppFile } from './app-protocol';

describe('app:// protocol handler', () => {
  let base: string;
  let root: string;
  let handle: (request: Request) => Promise<Response>;

  beforeAll(() => {
    base = mkdtempSync(path.join(os.tmpdir(), 'app-protocol-'));
    root = path.join(base, 'renderer');
    mkdirSync(path.join(root, 'assets'), { recursive: true });
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>ok</title>');
    writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(path.join(root, 'assets', 'codicon.ttf'), 'font');
    // A sibling whose name starts like the root: a naive prefix check would let it through.
    mkdirSync(path.join(base, 'renderer-secrets'));
    writeFileSync(path.join(base, 'renderer-secrets', 'key.txt'), 'SECRET');
    writeFileSync(path.join(base, 'secret.txt'), 'SECRET');
    handle = createAppRequestHandler(root);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('serves files with their type and the security headers', async () => {
    const page = await handle(new Request('app://bundle/'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>ok</title>');

    const script = await handle(new Request('app://bundle/assets/index-abc.js'));
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await handle(new Request('app://bundle/assets/codicon.ttf'))).headers.get('content-type')).toBe('font/ttf');
  });

  it('refuses every way out of the renderer directory', async () => {
    const attempts = [
      'app://bundle/%2e%2e/secret.txt',
      'app://bundle/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://bundle/..%2fsecret.txt',
      'app://bundle/..%5csecret.txt',
      'app://bundle/%2e%2e/renderer-secrets/key.txt',
      'app://bundle/..%2frenderer-secrets%2fkey.txt',
      'app://bundle/index.html%00.js',
      `app://bundle/${encodeURIComponent(path.join(base, 'secret.txt'))}`,
      'app://other/index.html',
      'file:///etc/passwd',
    ];
    for (const url of attempts) {
      const response = await handle(new Request(url));
      expect(response.status, url).toBeGreaterThanOrEqual(400);
      expect(await response.text(), url).not.toContain('SECRET');
      expect(response.headers.get('content-security-policy'), url).toContain("default-src 'none'");
    }
  });

  it('keeps dot segments that the URL parser resolves inside the root', () => {
    const resolved = resolveAppFile(root, 'app://bundle/assets/../../../secret.txt');
    expect(resolved === null || resolved.startsWith(root + path.sep)).toBe(true);
  });

  it('answers 404 for directories and missing files, 405 for writes', async () => {
    expect((await handle(new Request('app://bundle/assets'))).status).toBe(404);
    expect((await handle(new Request('app://bundle/nope.js'))).status).toBe(404);
    expect((await handle(new Request('app://bundle/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });
});
