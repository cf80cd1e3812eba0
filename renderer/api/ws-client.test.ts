// @vitest-environment happy-dom
/**
 * The serve-mode client against a real WebSocket server speaking the contract's envelopes. The
 * server here plays only the wire (it answers what the test tells it to); what is under test is
 * the client: correlation, events, deadlines, drops and reconnects.
 */
import { afterEach, describe, expect, it } from 'vitest';
// The test needs a server end; the renderer itself never imports `ws`.
// eslint-disable-next-line no-restricted-imports
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import type { RequestEnvelope, ServerMessage } from '../../shared/api/contract';
import type { ConnectionState } from './connection';
import { ApiError } from './api-error';
import { createWsClient, wsUrlFromLocation, type WsClient } from './ws-client';

interface Wire {
  readonly server: WebSocketServer;
  readonly url: string;
  readonly requests: RequestEnvelope[];
  readonly sockets: ServerSocket[];
  nextRequest(): Promise<{ readonly request: RequestEnvelope; readonly socket: ServerSocket }>;
  nextConnection(): Promise<ServerSocket>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startWire(port = 0): Promise<Wire> {
  const server = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const requests: RequestEnvelope[] = [];
  const sockets: ServerSocket[] = [];
  const requestWaiters: ((value: { request: RequestEnvelope; socket: ServerSocket }) => void)[] = [];
  const queued: { request: RequestEnvelope; socket: ServerSocket }[] = [];
  const connectionWaiters: ((socket: ServerSocket) => void)[] = [];
  server.on('connection', (socket) => {
    sockets.push(socket);
    connectionWaiters.shift()?.(socket);
    socket.on('message', (data) => {
      const request = JSON.parse(String(data)) as RequestEnvelope;
      requests.push(request);
      const entry = { request, socket };
      const waiter = requestWaiters.shift();
      if (waiter) waiter(entry);
      else queued.push(entry);
    });
  });
  const wire: Wire = {
    server,
    url: `ws://127.0.0.1:${(server.address() as { port: number }).port}/api?token=t`,
    requests,
    sockets,
    nextRequest: () => new Promise((resolve) => (queued.length ? resolve(queued.shift()!) : requestWaiters.push(resolve))),
    nextConnection: () => new Promise((resolve) => connectionWaiters.push(resolve)),
  };
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of server.clients) socket.terminate();
        server.close(() => resolve());
      }),
  );
  return wire;
}

function send(socket: ServerSocket, message: ServerMessage) {
  socket.send(JSON.stringify(message));
}

function connect(url: string, options: Partial<Parameters<typeof createWsClient>[0]> = {}): WsClient {
  const client = createWsClient({ url, backoffMs: [20, 40], ...options });
  cleanups.push(() => client.close());
  return client;
}

function nextState(client: WsClient, status: ConnectionState['status']): Promise<ConnectionState> {
  return new Promise((resolve) => {
    if (client.connection.state.status === status) return resolve(client.connection.state);
    const off = client.connection.onChange((state) => {
      if (state.status === status) {
        off();
        resolve(state);
      }
    });
  });
}

describe('createWsClient', () => {
  it('matches answers to requests by id and delivers engine events', async () => {
    const wire = await startWire();
    const client = connect(wire.url);
    const events: unknown[] = [];
    client.api.onEvent((event) => events.push(event));

    const caps = client.api.getCapabilities();
    const read = client.api.readGeneration('/runs::agent#agent.json', 'agent.json');
    const first = await wire.nextRequest();
    const second = await wire.nextRequest();
    expect(first.request).toEqual({ id: first.request.id, method: 'getCapabilities', params: [] });
    expect(second.request).toMatchObject({ method: 'readGeneration', params: ['/runs::agent#agent.json', 'agent.json'] });

    // Answer out of order: the ids decide.
    send(second.socket, { kind: 'response', id: second.request.id, ok: false, error: { code: 'not_found', message: 'agent.json is gone.' } });
    send(first.socket, { kind: 'response', id: first.request.id, ok: true, result: { nativeFolderPicker: false, host: 'serve' } });
    send(first.socket, { kind: 'event', event: { type: 'notice', level: 'info', message: 'Rescanned.' } });

    await expect(caps).resolves.toEqual({ nativeFolderPicker: false, host: 'serve' });
    const failure = await read.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ code: 'not_found', message: 'agent.json is gone.' });
    await expect.poll(() => events).toEqual([{ type: 'notice', level: 'info', message: 'Rescanned.' }]);
  });

  it('gives up on a request the engine never answers, naming the call', async () => {
    const wire = await startWire();
    const client = connect(wire.url, { defaultTimeoutMs: 50 });
    const rescan = client.api.rescan().catch((error: unknown) => error);
    await wire.nextRequest();
    const failure = await rescan;
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe('timeout');
    expect((failure as ApiError).message).toMatch(/did not answer .*\(rescan\)/);
  });

  it('fails in-flight requests when the socket drops, says it is reconnecting, and carries on after', async () => {
    const wire = await startWire();
    const client = connect(wire.url);
    const states: string[] = [];
    client.connection.onChange((state) => states.push(state.status));
    await nextState(client, 'open');

    const inFlight = client.api.getSnapshot().catch((error: unknown) => error);
    const { socket } = await wire.nextRequest();
    const reconnected = wire.nextConnection();
    socket.terminate();

    const failure = await inFlight;
    expect(failure).toMatchObject({ code: 'disconnected' });
    expect((failure as ApiError).message).toMatch(/Lost the connection to the engine/);
    await reconnected;
    await nextState(client, 'open');
    expect(states).toContain('reconnecting');

    const again = client.api.rescan();
    const next = await wire.nextRequest();
    send(next.socket, { kind: 'response', id: next.request.id, ok: true, result: { kind: 'ok' } });
    await expect(again).resolves.toEqual({ kind: 'ok' });
  });

  it('holds requests made while the engine is away and sends them once it is back', async () => {
    const first = await startWire();
    const port = (first.server.address() as { port: number }).port;
    const client = connect(first.url);
    await nextState(client, 'open');
    await new Promise<void>((resolve) => {
      for (const socket of first.server.clients) socket.terminate();
      first.server.close(() => resolve());
    });
    await nextState(client, 'reconnecting');

    const pending = client.api.getCapabilities();
    const second = await startWire(port);
    const { request, socket } = await second.nextRequest();
    expect(request.method).toBe('getCapabilities');
    send(socket, { kind: 'response', id: request.id, ok: true, result: { nativeFolderPicker: false, host: 'serve' } });
    await expect(pending).resolves.toMatchObject({ host: 'serve' });
  });

  it('rejects everything after close', async () => {
    const wire = await startWire();
    const client = connect(wire.url);
    client.close();
    await expect(client.api.getSnapshot()).rejects.toMatchObject({ code: 'disconnected' });
  });
});

describe('wsUrlFromLocation', () => {
  it('builds the API address from the page address and its token', () => {
    expect(wsUrlFromLocation({ protocol: 'http:', host: '127.0.0.1:8765', search: '?token=a%2Bb' })).toEqual({ url: 'ws://127.0.0.1:8765/api?token=a%2Bb' });
    expect(wsUrlFromLocation({ protocol: 'https:', host: 'box:1', search: '?token=x' })).toEqual({ url: 'wss://box:1/api?token=x' });
  });

  it('explains a missing token', () => {
    const result = wsUrlFromLocation({ protocol: 'http:', host: '127.0.0.1:8765', search: '' });
    expect('error' in result && result.error).toMatch(/printed/);
  });
});
