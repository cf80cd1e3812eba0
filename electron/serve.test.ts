import { request } from 'node:http';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage } from '../shared/api/contract';
import type { WorkspaceSnapshot } from '../shared/model/workspace';
import { tempDir, writeRingWithTruncatedCurrent } from './engine/test-fixtures';
import { startServer, type RunningServer } from './serve';

let base: string;
let server: RunningServer;
let origin: string;

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'GET', headers: { host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Open a WebSocket; resolves with the socket once open, or with the HTTP status it was refused with. */
function connect(query: string, headers: Record<string, string>): Promise<{ ws: WebSocket } | { refused: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api${query}`, { headers });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ refused: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.once('error', (e) => reject(e));
  });
}

function nextMessage(ws: WebSocket, predicate: (m: ServerMessage) => boolean): Promise<ServerMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching message')), 15_000);
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (predicate(message)) {
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve(message);
      }
    };
    ws.on('message', onMessage);
  });
}

beforeAll(async () => {
  base = await tempDir('ckpt-serve-');
  await mkdir(join(base, 'root'));
  writeRingWithTruncatedCurrent(join(base, 'root'));
  await mkdir(join(base, 'static', 'assets'), { recursive: true });
  await writeFile(join(base, 'static', 'index.html'), '<!doctype html><title>Checkpoint Doctor</title><script type="module" src="/assets/app.js"></script>');
  await writeFile(join(base, 'static', 'assets', 'app.js'), 'console.log("app")');
  await writeFile(join(base, 'secret.txt'), 'top secret');
  server = await startServer({ roots: [join(base, 'root')], port: 0, staticDir: join(base, 'static'), settingsPath: join(base, 'settings.json') });
  origin = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  await rm(base, { recursive: true, force: true });
});

describe('serve over HTTP', () => {
  it('prints a loopback URL with a 64-hex-digit token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses the page without a token, and with a wrong one', async () => {
    const none = await get('/');
    expect(none.status).toBe(401);
    expect(none.body).toMatch(/token/);
    expect(none.headers['content-security-policy']).toContain("default-src 'none'");
    const wrong = await get(`/?token=${'0'.repeat(64)}`);
    expect(wrong.status).toBe(403);
    expect(wrong.body).not.toContain('Checkpoint Doctor</title>');
  });

  it('serves the page with the token, sets a strict cookie and the security headers', async () => {
    const page = await get(`/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Checkpoint Doctor</title>');
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toContain(server.token);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    // The same policy as the Electron window's, written out so a loosened one fails here.
    expect(page.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'; frame-ancestors 'none'",
    );
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const asset = await get('/assets/app.js', { cookie: cookie.split(';')[0] });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect((await get('/assets/app.js')).status).toBe(401);
  });

  it('lists no directories and lets no path out of the static folder', async () => {
    const cookie = String((await get(`/?token=${server.token}`)).headers['set-cookie']).split(';')[0];
    expect((await get('/assets/', { cookie })).status).toBe(404);
    for (const path of ['/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%5c..%5csecret.txt']) {
      const reply = await get(path, { cookie });
      expect(reply.status, path).toBeGreaterThanOrEqual(400);
      expect(reply.body).not.toContain('top secret');
    }
  });

  it('refuses a foreign Host header (DNS rebinding) but accepts any loopback name and port', async () => {
    const evil = await get(`/?token=${server.token}`, { host: `evil.example:${server.port}` });
    expect(evil.status).toBe(403);
    expect((await get(`/?token=${server.token}`, { host: 'localhost:9999' })).status).toBe(200);
    expect((await get(`/?token=${server.token}`, { host: '[::1]:8080' })).status).toBe(200);
  });
});

describe('serve over WebSocket', () => {
  it('refuses a connection without the token, with a foreign Origin, or a foreign Host', async () => {
    expect(await connect('', { origin })).toEqual({ refused: 401 });
    expect(await connect(`?token=${'f'.repeat(64)}`, { origin })).toEqual({ refused: 401 });
    expect(await connect(`?token=${server.token}`, { origin: 'http://evil.example' })).toEqual({ refused: 403 });
    expect(await connect(`?token=${server.token}`, {})).toEqual({ refused: 403 });
    expect(await connect(`?token=${server.token}`, { origin: `http://evil.example:${server.port}`, host: `evil.example:${server.port}` })).toEqual({ refused: 403 });
  });

  it('gives a good client a snapshot, answers requests and rejects malformed ones', async () => {
    const opened = await connect(`?token=${server.token}`, { origin });
    if (!('ws' in opened)) throw new Error(`refused ${opened.refused}`);
    const { ws } = opened;
    try {
      const event = await nextMessage(ws, (m) => m.kind === 'event' && m.event.type === 'snapshot');
      expect(event.kind === 'event' && event.event.type === 'snapshot').toBe(true);
      await server.engine.whenIdle();
      ws.send(JSON.stringify({ id: 7, method: 'getSnapshot', params: [] }));
      const response = await nextMessage(ws, (m) => m.kind === 'response' && m.id === 7);
      expect(response.kind === 'response' && response.ok).toBe(true);
      const snapshot = (response as { result: WorkspaceSnapshot }).result;
      expect(snapshot.roots[0].families.some((f) => f.generations.some((g) => g.mainPath === 'agent.1.json'))).toBe(true);

      ws.send(JSON.stringify({ id: 8, method: 'addRoot', params: [{ path: '/' }] }));
      expect(await nextMessage(ws, (m) => m.kind === 'response' && m.id === 8)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      ws.send('this is not json');
      expect(await nextMessage(ws, (m) => m.kind === 'response' && m.id === -1)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    } finally {
      ws.close();
    }
  });

  it('closes the connection on a message over 1 MB', async () => {
    const opened = await connect(`?token=${server.token}`, { origin });
    if (!('ws' in opened)) throw new Error(`refused ${opened.refused}`);
    const code = await new Promise<number>((resolve) => {
      opened.ws.once('close', (c) => resolve(c));
      opened.ws.send(JSON.stringify({ id: 1, method: 'addRoot', params: ['x'.repeat(1_100_000)] }));
    });
    expect(code).toBe(1009);
  });
});

describe('serve binding', () => {
  it('refuses a non-loopback address unless remote access is allowed', async () => {
    await expect(startServer({ roots: [], host: '0.0.0.0', staticDir: join(base, 'static'), settingsPath: join(base, 's2.json') })).rejects.toThrow(/--allow-remote/);
  });

  it('says plainly when the UI is not built', async () => {
    await expect(startServer({ roots: [], staticDir: join(base, 'nothing-here'), settingsPath: join(base, 's3.json') })).rejects.toThrow(/not built/);
  });
});
