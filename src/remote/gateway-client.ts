/**
 * The client side of the gateway: what `new MarketDataBackbone({ gateway: [...] })` talks to. One
 * WebSocket to `/v1/stream` carries every stream (one subscription per key, shared by local
 * subscribers); calls are the gateway's HTTP routes. When a gateway fails (closed, unreachable, silent
 * past a heartbeat), the client moves to the next URL and subscribes again; a trade stream then asks the
 * new gateway for the trades it missed (`/v1/trades`) and drops every trade at or below the last id it
 * delivered, so no trade is lost or repeated across the move. Browser-safe.
 */
import { Observable, type Subscriber } from 'rxjs';
import { compareDecimalIds } from '../../operators/dedupeBy.js';
import { GatewayError } from '../errors/index.js';
import type { FetchLike } from '../transport/http/rest-client.js';
import { frameText, resolveWebSocketFactory, type WebSocketFactory, type WebSocketLike } from '../transport/ws/websocket-factory.js';
import { CONFLATED_CHANNELS, fromWireError, parseGatewayJson, streamKey, type ServerFrame, type StreamSpec, type WireError } from './gateway-protocol.js';

/** Options of a {@link GatewayClient}. */
export interface GatewayClientOptions {
  /** Gateway URLs, tried in order (`ws://host:8080`; `/v1/stream` is added when there is no path). */
  readonly urls: readonly string[];
  /** Gateway token for `myOrder`/`myAsset`. @default none */
  readonly token?: string | undefined;
  /** Socket factory. @default the global `WebSocket`, else the `ws` package */
  readonly webSocketFactory?: WebSocketFactory | undefined;
  /** HTTP client of the REST routes. @default globalThis.fetch */
  readonly fetch?: FetchLike | undefined;
  /** Ping period; a gateway silent for a whole period is left for the next URL (ms). @default 10000 */
  readonly heartbeatMs?: number | undefined;
  /** Abort an HTTP call after this long and try the next URL (ms). @default 10000 */
  readonly timeoutMs?: number | undefined;
  /** How many trades a trade stream asks for to fill the gap after a move. @default 200 */
  readonly resumeTrades?: number | undefined;
}

/** One stream key and its local subscribers. */
interface RemoteStream {
  readonly spec: StreamSpec;
  readonly key: string;
  readonly subscribers: Set<Subscriber<unknown>>;
  /** Latest value of a conflated channel, for local late joiners. */
  latest?: unknown;
  /** Id of the last trade delivered (trade streams). */
  lastTradeId?: string | undefined;
  /** Trades received while the gap after a move is being filled. */
  held?: unknown[] | undefined;
}

const isTrade = (value: unknown): value is { readonly type: 'trade'; readonly id: string } =>
  typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'trade' && typeof (value as { id?: unknown }).id === 'string';

/** `ws://h:p` → `ws://h:p/v1/stream`, and its HTTP base `http://h:p`. */
function toEndpoints(url: string): { readonly ws: string; readonly http: string } {
  const parsed = new URL(url);
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') throw new GatewayError(`Gateway URL ${url} is not ws:// or wss://`, { code: 'bad-request' });
  const http = `${parsed.protocol === 'wss:' ? 'https:' : 'http:'}//${parsed.host}`;
  const path = parsed.pathname === '/' || parsed.pathname === '' ? '/v1/stream' : parsed.pathname;
  return { ws: `${parsed.protocol}//${parsed.host}${path}`, http };
}

/**
 * A connection to one of several gateways, moving to the next on failure.
 *
 * @example
 * ```ts
 * const client = new GatewayClient({ urls: ['ws://a:8080', 'ws://b:8080'] });
 * client.stream({ channel: 'trades', exchange: 'upbit', symbol: 'KRW-BTC' }).subscribe(console.log);
 * const ticker = await client.get('/v1/ticker', { exchange: 'upbit', symbol: 'KRW-BTC' });
 * ```
 */
export class GatewayClient {
  readonly #endpoints: readonly { readonly ws: string; readonly http: string }[];
  readonly #options: GatewayClientOptions;
  readonly #streams = new Map<string, RemoteStream>();
  #index = 0;
  #socket: WebSocketLike | undefined;
  #open = false;
  #failures = 0;
  #heard = true;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #moves = 0;

  constructor(options: GatewayClientOptions) {
    if (options.urls.length === 0) throw new GatewayError('No gateway URL given', { code: 'bad-request' });
    this.#endpoints = options.urls.map(toEndpoints);
    this.#options = options;
  }

  /** The gateway URL in use (or tried next). */
  get url(): string {
    return this.#endpoints[this.#index]!.ws;
  }

  /** How many times the client moved to another gateway. */
  get moves(): number {
    return this.#moves;
  }

  /**
   * A stream of the gateway: one subscription per key on the socket, whatever the number of local
   * subscribers; errors with the library's error class when the gateway refuses it.
   */
  stream<T>(spec: StreamSpec): Observable<T> {
    return new Observable<T>((subscriber) => {
      if (this.#closed) {
        subscriber.error(new GatewayError('Gateway client is closed', { code: 'unreachable' }));
        return undefined;
      }
      const key = streamKey(spec);
      let stream = this.#streams.get(key);
      if (stream === undefined) {
        stream = { spec, key, subscribers: new Set() };
        this.#streams.set(key, stream);
        if (this.#open) this.#send({ op: 'subscribe', ...spec });
        else this.#connect();
      } else if (stream.latest !== undefined) subscriber.next(stream.latest as T);
      const entry = stream;
      entry.subscribers.add(subscriber as Subscriber<unknown>);
      return () => {
        entry.subscribers.delete(subscriber as Subscriber<unknown>);
        if (entry.subscribers.size > 0 || this.#streams.get(key) !== entry) return;
        this.#streams.delete(key);
        if (this.#open) this.#send({ op: 'unsubscribe', ...spec });
      };
    });
  }

  /**
   * GETs a gateway route and parses it into model values; on a gateway out of reach (network error,
   * 503 while it drains) tries the next URL, once each.
   */
  async get<T>(path: string, query: Readonly<Record<string, string | number | boolean | undefined>>): Promise<T> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
    let lastError: unknown;
    for (let tried = 0; tried < this.#endpoints.length; tried += 1) {
      const index = (this.#index + tried) % this.#endpoints.length;
      const reply = await this.#fetch(`${this.#endpoints[index]!.http}${path}?${search.toString()}`).catch((error: unknown) => {
        lastError = error;
        return undefined;
      });
      if (reply === undefined) continue;
      if (reply.status === 503 && reply.draining) {
        lastError = fromWireError(reply.error ?? { name: 'GatewayError', message: 'draining', code: 'draining' });
        continue;
      }
      if (reply.status !== 200) throw fromWireError(reply.error ?? { name: 'GatewayError', message: `HTTP ${reply.status}` }, typeof query['exchange'] === 'string' ? query['exchange'] : undefined);
      return parseGatewayJson(reply.text) as T;
    }
    throw new GatewayError(`No gateway reachable (${this.#endpoints.map((e) => e.http).join(', ')})`, { code: 'unreachable', cause: lastError });
  }

  /** Closes the socket; streams complete, later calls fail. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    clearTimeout(this.#retry);
    const socket = this.#socket;
    this.#socket = undefined;
    this.#open = false;
    socket?.close();
    for (const stream of this.#streams.values()) for (const subscriber of stream.subscribers) subscriber.complete();
    this.#streams.clear();
  }

  async #fetch(url: string): Promise<{ status: number; text: string; error?: WireError | undefined; draining: boolean }> {
    const fetch = this.#options.fetch ?? (globalThis.fetch as unknown as FetchLike);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#options.timeoutMs ?? 10_000);
    try {
      const response = await fetch(url, { signal: controller.signal, headers: { accept: 'application/json' } });
      const text = await response.text();
      if (response.status === 200) return { status: 200, text, draining: false };
      const body = safeJson(text) as { error?: WireError } | undefined;
      return { status: response.status, text, error: body?.error, draining: body?.error?.code === 'draining' || response.headers.get('connection') === 'close' };
    } finally {
      clearTimeout(timer);
    }
  }

  #send(message: object): void {
    this.#socket?.send(JSON.stringify(message));
  }

  #connect(): void {
    if (this.#socket !== undefined || this.#closed || this.#retry !== undefined) return;
    const { ws } = this.#endpoints[this.#index]!;
    void resolveWebSocketFactory(this.#options.webSocketFactory).then((factory) => {
      if (this.#closed || this.#socket !== undefined) return;
      const socket = factory(ws, []);
      this.#socket = socket;
      socket.onopen = () => this.#opened(socket);
      socket.onmessage = (event: { data: unknown }) => this.#message(socket, frameText(event.data));
      socket.onclose = () => this.#lost(socket);
      socket.onerror = () => this.#lost(socket);
    }, () => this.#lost(undefined));
  }

  #opened(socket: WebSocketLike): void {
    if (socket !== this.#socket) return;
    this.#open = true;
    this.#failures = 0;
    this.#heard = true;
    if (this.#options.token !== undefined) this.#send({ op: 'auth', token: this.#options.token });
    for (const stream of this.#streams.values()) {
      if (stream.lastTradeId !== undefined) {
        stream.held = [];
        void this.#resume(stream);
      }
      this.#send({ op: 'subscribe', ...stream.spec });
    }
    clearInterval(this.#heartbeat);
    this.#heartbeat = setInterval(() => {
      if (!this.#heard) {
        this.#lost(socket); // silent for a whole period: try the next gateway
        return;
      }
      this.#heard = false;
      this.#send({ op: 'ping' });
    }, this.#options.heartbeatMs ?? 10_000);
  }

  /** Fills the gap of a trade stream after a move: the trades the new gateway has after the last id delivered. */
  async #resume(stream: RemoteStream): Promise<void> {
    const { exchange, symbol } = stream.spec;
    let missed: unknown[] = [];
    try {
      missed = await this.get<unknown[]>('/v1/trades', { exchange, symbol, count: this.#options.resumeTrades ?? 200 });
    } catch {
      // Nothing to fill from: the live trades go on (the held ones first).
    }
    const held = stream.held ?? [];
    stream.held = undefined;
    for (const value of [...missed, ...held]) this.#deliver(stream, value);
  }

  #message(socket: WebSocketLike, text: string): void {
    if (socket !== this.#socket) return;
    this.#heard = true;
    let frame: ServerFrame;
    try {
      frame = parseGatewayJson(text) as ServerFrame;
    } catch {
      return;
    }
    if (frame.type === 'event') {
      const stream = this.#streams.get(frame.key);
      if (stream === undefined) return;
      if (stream.held !== undefined) stream.held.push(frame.data);
      else this.#deliver(stream, frame.data);
      return;
    }
    if ((frame.type === 'error' || frame.type === 'end') && frame.key !== undefined) {
      const stream = this.#streams.get(frame.key);
      if (stream === undefined) return;
      this.#streams.delete(frame.key);
      for (const subscriber of stream.subscribers) {
        if (frame.type === 'end') subscriber.complete();
        else subscriber.error(fromWireError(frame.error, stream.spec.exchange));
      }
    }
  }

  /** Delivers one value; a trade at or below the last id delivered (seen before the move) is dropped. */
  #deliver(stream: RemoteStream, value: unknown): void {
    if (isTrade(value)) {
      if (stream.lastTradeId !== undefined && compareDecimalIds(value.id, stream.lastTradeId) <= 0) return;
      stream.lastTradeId = value.id;
    } else if (CONFLATED_CHANNELS.has(stream.spec.channel)) stream.latest = value;
    for (const subscriber of stream.subscribers) subscriber.next(value);
  }

  /** The socket closed, failed or went silent: move to the next URL (backing off once every URL failed in a row). */
  #lost(socket: WebSocketLike | undefined): void {
    if (socket !== this.#socket || this.#closed) return;
    const wasOpen = this.#open;
    this.#socket = undefined;
    this.#open = false;
    clearInterval(this.#heartbeat);
    socket?.close();
    this.#index = (this.#index + 1) % this.#endpoints.length;
    this.#failures += 1;
    if (wasOpen) this.#moves += 1;
    if (this.#streams.size === 0) return;
    const round = Math.floor((this.#failures - 1) / this.#endpoints.length);
    const delay = round === 0 ? 0 : Math.min(5_000, 100 * 2 ** (round - 1));
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#connect();
    }, delay);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
