/**
 * Test doubles for the WebSocket transport: an in-memory socket the test drives by hand, a "server"
 * that hands them out through a `WebSocketFactory`, and a tiny exchange adapter with a JSON wire format.
 */
import { ExchangeError, ParseError } from '../../src/errors/index.js';
import type { ExchangeWsAdapter, Subscription, WsMessage } from '../../src/core/exchange-adapter.js';
import type { CandleInterval } from '../../src/model/candle.js';
import { toBig } from '../../src/model/decimal.js';
import type { MarketEvent } from '../../src/model/market-event.js';
import type { WebSocketFactory, WebSocketLike } from '../../src/transport/ws/websocket-factory.js';
import { subscriptionKey } from '../../src/transport/ws/ws-router.js';

/** One frame the client sent, with the fake clock's time. */
export interface SentFrame {
  readonly at: number;
  readonly data: string;
}

/** An in-memory socket: the client side behaves like a browser `WebSocket`, the test plays the server. */
export class FakeWebSocket implements WebSocketLike {
  binaryType = 'blob';
  readyState: 0 | 1 | 2 | 3 = 0;
  readonly sent: SentFrame[] = [];
  /** Time `close()` was called by the client, if it was. */
  closedAt: number | undefined;
  onopen: WebSocketLike['onopen'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onerror: WebSocketLike['onerror'] = null;

  readonly url: string;
  readonly protocols: string | string[];
  readonly #now: () => number;

  constructor(url: string, protocols: string | string[], now: () => number) {
    this.url = url;
    this.protocols = protocols;
    this.#now = now;
  }

  /** Texts of the frames sent so far. */
  get texts(): string[] {
    return this.sent.map((frame) => frame.data);
  }

  send(data: unknown): void {
    if (this.readyState === 0) throw new Error('FakeWebSocket: send while CONNECTING');
    if (this.readyState !== 1) return;
    this.sent.push({ at: this.#now(), data: String(data) });
  }

  close(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.closedAt = this.#now();
  }

  /** Server: completes the handshake. */
  open(): void {
    this.readyState = 1;
    this.onopen?.({ type: 'open' });
  }

  /** Server: sends a frame (string = text frame; bytes = binary frame). */
  receive(data: string | ArrayBuffer | Uint8Array): void {
    if (this.readyState === 1) this.onmessage?.({ data });
  }

  /** Server: drops the connection (`code` 1006 = abnormal closure). */
  drop(code = 1006, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason, wasClean: false });
  }
}

/**
 * A {@link FakeWebSocket} that can send ping frames, like the `ws` package's socket (`ping()`, and
 * `on`/`off` for `'pong'`): the test answers with {@link PingingFakeWebSocket.pong}.
 */
export class PingingFakeWebSocket extends FakeWebSocket {
  /** Times the client sent a ping frame. */
  readonly pings: number[] = [];
  readonly #pongListeners = new Set<() => void>();
  readonly #clock: () => number;

  constructor(url: string, protocols: string | string[], now: () => number) {
    super(url, protocols, now);
    this.#clock = now;
  }

  ping(): void {
    if (this.readyState !== 1) throw new Error('PingingFakeWebSocket: ping while not open');
    this.pings.push(this.#clock());
  }

  on(event: 'pong', listener: () => void): this {
    if (event === 'pong') this.#pongListeners.add(listener);
    return this;
  }

  off(event: 'pong', listener: () => void): this {
    if (event === 'pong') this.#pongListeners.delete(listener);
    return this;
  }

  /** Server: answers a ping. */
  pong(): void {
    if (this.readyState === 1) for (const listener of this.#pongListeners) listener();
  }
}

/** Hands out {@link FakeWebSocket}s and remembers them. */
export class FakeWebSocketServer {
  readonly sockets: FakeWebSocket[] = [];
  /** Called with each new socket (after the client attached its handlers, via the scheduler). */
  onConnect: ((socket: FakeWebSocket) => void) | undefined;
  /** Hand out {@link PingingFakeWebSocket}s (as Node's `ws` would) instead of browser-like sockets. */
  pinging = false;

  readonly #now: () => number;

  constructor(now: () => number = () => 0) {
    this.#now = now;
  }

  readonly factory: WebSocketFactory = (url, protocols) => {
    const socket = this.pinging ? new PingingFakeWebSocket(url, protocols, this.#now) : new FakeWebSocket(url, protocols, this.#now);
    this.sockets.push(socket);
    this.onConnect?.(socket);
    return socket;
  };

  /** The most recent socket. */
  get latest(): FakeWebSocket {
    const socket = this.sockets.at(-1);
    if (socket === undefined) throw new Error('FakeWebSocketServer: no socket yet');
    return socket;
  }
}

/** Wire format of {@link createFakeAdapter}: one JSON object per frame. */
export type FakeWire =
  | { readonly type: 'trade'; readonly market: string; readonly id: string; readonly price?: string }
  | { readonly type: 'ticker'; readonly market: string; readonly last: string }
  | { readonly type: 'candle'; readonly market: string; readonly interval: CandleInterval; readonly close: string }
  | { readonly type: 'orderBook'; readonly market: string; readonly levels: number };

/** Builds the event a {@link FakeWire} frame stands for. */
export function toFakeEvent(wire: FakeWire, receivedAt: number): MarketEvent {
  const ref = { exchange: 'fake', symbol: wire.market, market: wire.market, timestamp: 1, receivedAt };
  const one = toBig('1');
  switch (wire.type) {
    case 'trade':
      return { ...ref, type: 'trade', id: wire.id, price: toBig(wire.price ?? '1'), amount: one, side: 'buy' };
    case 'ticker': {
      const last = toBig(wire.last);
      return {
        ...ref, type: 'ticker', last, open: last, high: last, low: last, prevClose: last, change: toBig('0'),
        changeRate: toBig('0'), baseVolume: one, quoteVolume: one, baseVolume24h: one, quoteVolume24h: one,
      };
    }
    case 'candle': {
      const close = toBig(wire.close);
      return {
        ...ref, type: 'candle', interval: wire.interval, openTime: 0, open: close, high: close, low: close, close,
        baseVolume: one, quoteVolume: one,
      };
    }
    case 'orderBook': {
      const levels = Array.from({ length: wire.levels }, (_, i) => ({ price: toBig(String(100 + i)), amount: one }));
      return { ...ref, type: 'orderBook', bids: levels, asks: levels };
    }
  }
}

/**
 * A tiny adapter: a request is the JSON array of the full set's keys (a new request replaces the
 * old set, as on Upbit); `{"status":"UP"}` is a heartbeat, `{"error":"..."}` an exchange error,
 * anything else not JSON a `ParseError`.
 */
export function createFakeAdapter(overrides: Partial<ExchangeWsAdapter> = {}): ExchangeWsAdapter {
  return {
    url: 'ws://fake.invalid/ws',
    subscriptionFrames: (next: readonly Subscription[]) => (next.length === 0 ? [] : [JSON.stringify(next.map(subscriptionKey))]),
    decode: (text: string, receivedAt: number): WsMessage => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (cause) {
        throw new ParseError('Frame is not JSON: fake', { exchange: 'fake', channel: 'websocket', raw: text, cause });
      }
      if (typeof value !== 'object' || value === null) return { kind: 'ignore' };
      if ('status' in value) return { kind: 'heartbeat' };
      if ('error' in value) {
        const code = String(value.error);
        return { kind: 'error', error: new ExchangeError(`Exchange refused: ${code}`, { exchange: 'fake', code, raw: text }) };
      }
      return { kind: 'events', events: [toFakeEvent(value as FakeWire, receivedAt)] };
    },
    keepalive: { intervalMs: 1_000, frame: 'PING' },
    sendLimits: [
      { limit: 5, windowMs: 1_000 },
      { limit: 100, windowMs: 60_000 },
    ],
    ...overrides,
  };
}
