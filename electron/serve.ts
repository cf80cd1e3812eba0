/**
 * Serve mode: the same UI in a browser, for checkpoints on a remote box reached over an SSH tunnel.
 *
 * Security invariants (the renderer and the network are untrusted):
 * - Binds to 127.0.0.1 unless `allowRemote` is given for another address.
 * - A random 32-byte token guards everything: `GET /?token=T` serves the page and sets an HttpOnly,
 *   SameSite=Strict cookie; every other request needs that cookie (or the token); the WebSocket
 *   needs the token in its query and an Origin equal to the page's own origin.
 * - The Host header must name a loopback address (any port, since tunnels change it), which
 *   defeats DNS rebinding; the Origin is held to the same rule.
 * - Strict CSP and nosniff on every response, no directory listing, no path out of `staticDir`.
 * - Every WebSocket message goes through the API dispatcher's validation; messages over 1 MB are
 *   refused by closing the connection.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EngineEvent, ServerMessage } from '../shared/api/contract';
import { createApiDispatcher } from './engine/api-dispatcher';
import { createEngine, type Engine } from './engine/engine';
import { isInside } from './engine/path-guard';
import { mimeTypeFor } from './app-protocol';
import { CONTENT_SECURITY_POLICY } from './window-options';

/** Options of `startServer`. */
export interface ServeOptions {
  /** Folders to watch for this session. */
  readonly roots: readonly string[];
  /** Port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Address to bind (default 127.0.0.1). Anything not loopback needs `allowRemote`. */
  readonly host?: string;
  readonly allowRemote?: boolean;
  /** The built renderer (index.html + assets). */
  readonly staticDir: string;
  readonly settingsPath: string;
  /** Where warnings go (default stderr). */
  readonly warn?: (message: string) => void;
}

/** A running server. */
export interface RunningServer {
  /** The URL to open, token included. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** The engine behind it (for tests and for the CLI to wait on the first scan). */
  readonly engine: Engine;
  /** Close every connection, the watchers and the workers. */
  close(): Promise<void>;
}

/** Largest WebSocket message accepted from a client. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** The Content-Security-Policy sent with every response: the Electron window's own, so both front doors hold the same line. */
export { CONTENT_SECURITY_POLICY };

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);
const LOOPBACK_BINDS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const MAX_IN_FLIGHT = 64;
const SLOW_CLIENT_BYTES = 32 * 1024 * 1024;


/**
 * Where the built renderer is: next to the CLI bundle (`out/cli/cli.js` → `out/renderer/`), or the
 * repository's `out/renderer/` when running from source.
 */
export function defaultStaticDir(): string {
  const here = import.meta.url;
  const fromSource = /\.[cm]?ts$/.test(new URL(here).pathname);
  return fileURLToPath(new URL(fromSource ? '../out/renderer/' : '../renderer/', here));
}

/** The host part of a Host header value (`[::1]:8080` → `[::1]`, `localhost:1` → `localhost`). */
export function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? h : h.slice(0, end + 1);
  }
  const colon = h.indexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

/** True for a Host header naming a loopback address, any port. */
export function isLoopbackHost(hostHeader: string | undefined): boolean {
  return hostHeader !== undefined && LOOPBACK_NAMES.has(hostnameOf(hostHeader));
}

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function plain(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  securityHeaders(res);
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${message}\n`);
}

function rejectUpgrade(socket: Socket, status: number, reason: string, message: string): void {
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(message) + 1}\r\n\r\n${message}\n`);
  }
  socket.destroy();
}

/** Start serve mode. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const bindHost = options.host ?? '127.0.0.1';
  const warn = options.warn ?? ((message: string) => process.stderr.write(`${message}\n`));
  const loopbackBind = LOOPBACK_BINDS.has(bindHost.toLowerCase());
  if (!loopbackBind && !options.allowRemote) {
    throw new Error(`Refusing to listen on ${bindHost}: anyone who can reach that address could read your checkpoints. Use the default 127.0.0.1 with an SSH tunnel (ssh -L 8080:127.0.0.1:PORT host), or pass --allow-remote if you really mean it.`);
  }
  const staticDir = resolve(options.staticDir);
  let staticReal: string;
  try {
    staticReal = await fs.realpath(staticDir);
    await fs.access(join(staticReal, 'index.html'));
  } catch {
    throw new Error(`The browser UI is not built: ${join(staticDir, 'index.html')} is missing. Run \`npm run build\` (or \`npx ckpt-doctor serve\`, which builds on first run).`);
  }

  const token = randomBytes(32).toString('hex');
  const cookieName = `ckpt_doctor_${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
  const engine = await createEngine({ settingsPath: options.settingsPath, host: 'serve', roots: options.roots });
  const dispatcher = createApiDispatcher(engine);

  /** Host rule: loopback names only, unless remote access was explicitly allowed. */
  const hostAllowed = (host: string | undefined): boolean => (options.allowRemote && !loopbackBind ? host !== undefined && host.length > 0 : isLoopbackHost(host));

  /** Origin rule: exactly the page's own origin (`http://` + the Host the browser used). */
  const originAllowed = (origin: string | undefined, host: string | undefined): boolean => {
    if (!origin || !host) return false;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    let own: string;
    try {
      own = new URL(`http://${host}`).host;
    } catch {
      return false;
    }
    return url.protocol === 'http:' && url.host === own && hostAllowed(url.host);
  };

  const serveFile = async (req: IncomingMessage, res: ServerResponse, pathname: string, extraHeaders: Record<string, string> = {}): Promise<void> => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      plain(res, 400, 'Bad request: the path is not valid URL encoding.');
      return;
    }
    if (decoded.includes('\0') || decoded.includes('\\')) {
      plain(res, 400, 'Bad request: the path holds characters no file of this app uses.');
      return;
    }
    const target = resolve(staticReal, `.${decoded}`);
    if (!isInside(staticReal, target)) {
      plain(res, 403, 'Forbidden: that path is outside the app.');
      return;
    }
    let real: string;
    let size: number;
    try {
      real = await fs.realpath(target);
      const stats = await fs.stat(real);
      if (!stats.isFile() || !isInside(staticReal, real)) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
      size = stats.size;
    } catch {
      plain(res, 404, 'Not found.');
      return;
    }
    securityHeaders(res);
    res.writeHead(200, {
      'Content-Type': mimeTypeFor(real),
      'Content-Length': String(size),
      'Cache-Control': 'no-cache',
      ...extraHeaders,
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(real);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const host = req.headers.host;
    if (!hostAllowed(host)) {
      plain(res, 403, `Forbidden: this server only answers requests addressed to 127.0.0.1 or localhost (got Host: ${host ?? 'none'}). Open the exact URL ckpt-doctor serve printed, or tunnel to it with ssh -L.`);
      return;
    }
    if (req.headers.origin !== undefined && !originAllowed(req.headers.origin, host)) {
      plain(res, 403, 'Forbidden: requests from other sites are refused.');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      plain(res, 405, 'Method not allowed: this server only serves the app.');
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      plain(res, 400, 'Bad request.');
      return;
    }
    const queryToken = url.searchParams.get('token');
    const cookieToken = cookieValue(req.headers.cookie, cookieName);
    if (queryToken !== null && !sameToken(queryToken, token)) {
      plain(res, 403, 'Forbidden: the token in this link is wrong (it changes every time ckpt-doctor serve starts). Open the URL it printed this time.');
      return;
    }
    if (queryToken === null && !sameToken(cookieToken, token)) {
      plain(res, 401, 'Unauthorized: open the exact URL ckpt-doctor serve printed, including its ?token=… part.');
      return;
    }
    const isPage = url.pathname === '/' || url.pathname === '/index.html';
    const headers: Record<string, string> = {};
    if (isPage) {
      headers['Cache-Control'] = 'no-store';
      if (queryToken !== null) headers['Set-Cookie'] = `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    await serveFile(req, res, isPage ? '/index.html' : url.pathname, headers);
  };

  const server = createServer((req, res) => {
    onRequest(req, res).catch(() => plain(res, 500, 'Internal error while serving the app. Reload the page.'));
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  // Every client gets the same events: serialise each once, not once per connection.
  const encoded = new WeakMap<EngineEvent, string>();
  const encodeEvent = (event: EngineEvent): string => {
    let text = encoded.get(event);
    if (text === undefined) {
      text = JSON.stringify({ kind: 'event', event } satisfies ServerMessage);
      encoded.set(event, text);
    }
    return text;
  };

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      rejectUpgrade(socket, 400, 'Bad Request', 'Bad request.');
      return;
    }
    if (url.pathname !== '/api') {
      rejectUpgrade(socket, 404, 'Not Found', 'Not found: the API lives at /api.');
      return;
    }
    if (!hostAllowed(req.headers.host)) {
      rejectUpgrade(socket, 403, 'Forbidden', 'Forbidden: the Host header must be 127.0.0.1 or localhost.');
      return;
    }
    if (!originAllowed(req.headers.origin, req.headers.host)) {
      rejectUpgrade(socket, 403, 'Forbidden', 'Forbidden: connections are accepted only from the page this server served.');
      return;
    }
    if (!sameToken(url.searchParams.get('token'), token)) {
      rejectUpgrade(socket, 401, 'Unauthorized', 'Unauthorized: the token is missing or wrong.');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    let inFlight = 0;
    let heldSnapshot: EngineEvent | null = null;
    let flushTimer: NodeJS.Timeout | null = null;

    const send = (message: ServerMessage): void => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(JSON.stringify(message));
    };
    const sendEvent = (event: EngineEvent): void => {
      if (ws.readyState === ws.OPEN) ws.send(encodeEvent(event));
    };

    // A slow client gets the newest snapshot once it catches up instead of every one in between.
    const flush = (): void => {
      flushTimer = null;
      if (!heldSnapshot || ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > SLOW_CLIENT_BYTES) {
        flushTimer = setTimeout(flush, 200);
        return;
      }
      const event = heldSnapshot;
      heldSnapshot = null;
      sendEvent(event);
    };

    const unsubscribe = dispatcher.onEvent((event) => {
      if (event.type === 'snapshot' && ws.bufferedAmount > SLOW_CLIENT_BYTES) {
        heldSnapshot = event;
        if (!flushTimer) flushTimer = setTimeout(flush, 200);
        return;
      }
      sendEvent(event);
    });
    send({ kind: 'event', event: { type: 'snapshot', snapshot: engine.getSnapshot() } });

    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        send({ kind: 'response', id: -1, ok: false, error: { code: 'bad_request', message: 'Send JSON text frames, not binary.' } });
        return;
      }
      let raw: unknown;
      try {
        raw = JSON.parse(data.toString());
      } catch {
        send({ kind: 'response', id: -1, ok: false, error: { code: 'bad_request', message: 'The message is not valid JSON.' } });
        return;
      }
      if (inFlight >= MAX_IN_FLIGHT) {
        const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'number' ? (raw as { id: number }).id : -1;
        send({ kind: 'response', id, ok: false, error: { code: 'busy', message: 'Too many requests at once; wait for the earlier ones to finish.' } });
        return;
      }
      inFlight++;
      void dispatcher.handle(raw).then((response) => {
        inFlight--;
        send({ kind: 'response', ...response });
      });
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      unsubscribe();
      if (flushTimer) clearTimeout(flushTimer);
    });
  });

  try {
    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', rejectListen);
      server.listen(options.port ?? 0, bindHost, () => {
        server.off('error', rejectListen);
        resolveListen();
      });
    });
  } catch (error) {
    await engine.close();
    const code = typeof error === 'object' && error && 'code' in error ? (error as { code: string }).code : '';
    if (code === 'EADDRINUSE') throw new Error(`Port ${options.port} is already in use. Pick another with --port, or --port 0 for any free port.`);
    if (code === 'EACCES') throw new Error(`Not allowed to listen on port ${options.port}. Ports below 1024 need privileges; pick another with --port.`);
    throw error;
  }

  const port = (server.address() as AddressInfo).port;
  if (!loopbackBind) {
    warn(`Warning: serving on ${bindHost}:${port}, reachable from other machines. Anyone with the token can read the checkpoints in the folders you added.`);
  }
  const displayHost = loopbackBind || bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost;
  let closing: Promise<void> | null = null;

  return {
    url: `http://${displayHost}:${port}/?token=${token}`,
    port,
    token,
    engine,
    close(): Promise<void> {
      closing ??= (async () => {
        for (const client of wss.clients) client.terminate();
        await new Promise<void>((done) => wss.close(() => done()));
        server.closeAllConnections();
        await new Promise<void>((done) => server.close(() => done()));
        await engine.close();
      })();
      return closing;
    },
  };
}
