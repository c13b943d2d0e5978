/** Shared pieces of the gateway tests: a gateway on a port, a stand-in source, and a recording WebSocket client. */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Observable, Subject } from 'rxjs';
import WebSocket from 'ws';
import { createGateway, type Gateway, type GatewayObserver, type GatewayOptions, type GatewaySource } from 'market-data-backbone/gateway';
import { until } from '../helpers/wait.js';

/**
 * A gateway attached to its own server on 127.0.0.1 (any free port); with `upgradeDelayMs`, embedded
 * instead in a server that holds each WebSocket upgrade that long (a replica slow to take clients).
 */
export async function startGateway(
  source: GatewaySource,
  options: GatewayOptions = {},
  upgradeDelayMs?: number,
): Promise<{ gateway: Gateway; server: Server; url: string; wsUrl: string; stop(): Promise<void> }> {
  const gateway = createGateway(source, options);
  const server = createServer();
  if (upgradeDelayMs === undefined) gateway.attach(server);
  else {
    server.on('request', (request, response) => gateway.handleRequest(request, response) || response.writeHead(404).end());
    server.on('upgrade', (request, socket, head: Buffer) => setTimeout(() => gateway.handleUpgrade(request, socket, head), upgradeDelayMs));
  }
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    gateway,
    server,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/v1/stream`,
    stop: async () => {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A source whose streams are subjects the test pushes into, counting how many times each stream was
 * subscribed upstream (the key `channel:symbol`).
 */
export function fakeSource(): { source: GatewaySource; push(key: string, value: unknown): void; subscriptions: Map<string, number>; active: Map<string, number> } {
  const subjects = new Map<string, Subject<unknown>>();
  const subscriptions = new Map<string, number>();
  const active = new Map<string, number>();
  const stream = (key: string): Observable<unknown> =>
    new Observable((subscriber) => {
      subscriptions.set(key, (subscriptions.get(key) ?? 0) + 1);
      active.set(key, (active.get(key) ?? 0) + 1);
      let subject = subjects.get(key);
      if (subject === undefined) {
        subject = new Subject();
        subjects.set(key, subject);
      }
      const inner = subject.subscribe(subscriber);
      return () => {
        inner.unsubscribe();
        active.set(key, (active.get(key) ?? 1) - 1);
      };
    });
  const source = {
    streamTicker: (symbol: string) => stream(`ticker:${symbol}`),
    streamTrades: (symbol: string) => stream(`trades:${symbol}`),
    streamOrderBook: (symbol: string) => stream(`orderbook:${symbol}`),
    streamCandles: (symbol: string) => stream(`candles:${symbol}`),
    streamStatus: () => stream('status'),
    streamArbitrage: (base: string) => stream(`arbitrage:${base}`),
    streamMyOrders: () => stream('myOrder'),
    streamMyAssets: () => stream('myAsset'),
    getTrades: async () => [],
  } as unknown as GatewaySource;
  return { source, push: (key, value) => subjects.get(key)?.next(value), subscriptions, active };
}

/** A frame the gateway sent, parsed. */
export interface Frame {
  readonly type: string;
  readonly key?: string;
  readonly id?: string | number;
  readonly data?: { readonly [field: string]: unknown };
  readonly error?: { readonly name: string; readonly message: string; readonly code?: string };
}

/** A `/v1/stream` client that records every frame (raw and parsed) and how it closed. */
export class TestClient {
  readonly frames: Frame[] = [];
  readonly raw: string[] = [];
  closed: { code: number; reason: string } | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = String(data);
      this.raw.push(text);
      this.frames.push(JSON.parse(text) as Frame);
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
    });
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
    const ws = new WebSocket(url, { headers });
    const client = new TestClient(ws);
    await once(ws, 'open');
    return client;
  }

  send(message: object | string): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Waits for a frame matching `predicate` (among those already received too) and returns it. */
  async next(predicate: (frame: Frame) => boolean, what: string): Promise<Frame> {
    await until(() => this.frames.some(predicate), 10_000, what);
    return this.frames.find(predicate)!;
  }

  events(key: string): Frame[] {
    return this.frames.filter((frame) => frame.type === 'event' && frame.key === key);
  }

  close(): void {
    this.ws.terminate();
  }
}

/** An observer that counts what the gateway reports. */
export function countingObserver(): GatewayObserver & { counts: Record<string, number>; closeCodes: number[] } {
  const counts: Record<string, number> = { opened: 0, closed: 0, subscriptions: 0, frames: 0, bytes: 0, conflated: 0, slowClosed: 0, http: 0 };
  const closeCodes: number[] = [];
  const add = (name: string, n = 1): void => {
    counts[name] = (counts[name] ?? 0) + n;
  };
  return {
    counts,
    closeCodes,
    clientOpened: () => add('opened'),
    clientClosed: (code) => {
      add('closed');
      closeCodes.push(code);
    },
    subscriptionsChanged: (delta) => add('subscriptions', delta),
    sent: (frames, bytes) => {
      add('frames', frames);
      add('bytes', bytes);
    },
    conflated: () => add('conflated'),
    slowClientClosed: () => add('slowClosed'),
    httpRequest: () => add('http'),
  };
}
