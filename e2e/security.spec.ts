/**
 * Serve mode's front door, probed with plain HTTP and WebSocket clients the way another program
 * on the machine (or a web page doing DNS rebinding) would: no token, a wrong token, a foreign
 * Host or a foreign Origin gets nothing. Each refusal has a positive control next to it.
 */
import http from 'node:http';
import { expect, test } from '@playwright/test';
import WebSocket from 'ws';
import { sharedServer } from './support/shared-server';

interface Reply {
  readonly status: number;
  readonly body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

type WsOutcome = { readonly kind: 'open'; readonly firstMessage: string } | { readonly kind: 'refused'; readonly status: number } | { readonly kind: 'error'; readonly message: string };

function connect(url: string, options: WebSocket.ClientOptions): Promise<WsOutcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, options);
    ws.once('message', (data) => {
      resolve({ kind: 'open', firstMessage: data.toString() });
      ws.close();
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ kind: 'refused', status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.once('error', (error) => resolve({ kind: 'error', message: error.message }));
  });
}

const server = () => {
  const s = sharedServer();
  return { ...s, port: Number(new URL(s.origin).port) };
};

test('the page is served only with the printed token', async () => {
  const { port, token } = server();
  const withToken = await get(port, `/?token=${token}`);
  expect(withToken.status).toBe(200);
  expect(withToken.body).toContain('<div id="root">');

  const without = await get(port, '/');
  expect(without.status).toBe(401);
  expect(without.body).not.toContain('<div id="root">');
  expect((await get(port, `/?token=${'0'.repeat(token.length)}`)).status).toBe(403);
  expect((await get(port, '/index.html')).status).toBe(401);
});

test('a foreign Host or Origin is refused even with the token', async () => {
  const { port, token } = server();
  expect((await get(port, `/?token=${token}`, { Host: `127.0.0.1:${port}` })).status).toBe(200);
  for (const host of [`evil.example:${port}`, `127.0.0.1.evil.example:${port}`, 'attacker.test']) {
    const reply = await get(port, `/?token=${token}`, { Host: host });
    expect(reply.status, host).toBe(403);
    expect(reply.body, host).not.toContain('<div id="root">');
  }
  for (const origin of ['http://evil.example', `http://localhost.evil.example:${port}`, 'null']) {
    expect((await get(port, `/?token=${token}`, { Origin: origin })).status, origin).toBe(403);
  }
});

test('the WebSocket API needs the token and the page’s own Origin', async () => {
  const { port, token, origin } = server();
  const api = `ws://127.0.0.1:${port}/api`;

  const ok = await connect(`${api}?token=${token}`, { origin });
  expect(ok.kind).toBe('open');
  expect(ok.kind === 'open' && JSON.parse(ok.firstMessage)).toMatchObject({ kind: 'event', event: { type: 'snapshot' } });

  expect(await connect(api, { origin })).toEqual({ kind: 'refused', status: 401 });
  expect(await connect(`${api}?token=${'f'.repeat(token.length)}`, { origin })).toEqual({ kind: 'refused', status: 401 });
  expect(await connect(`${api}?token=${token}`, { origin: 'http://evil.example' })).toEqual({ kind: 'refused', status: 403 });
  expect(await connect(`${api}?token=${token}`, {})).toEqual({ kind: 'refused', status: 403 });
  expect(await connect(`${api}?token=${token}`, { origin: `http://evil.example:${port}`, headers: { Host: `evil.example:${port}` } })).toEqual({ kind: 'refused', status: 403 });
});
