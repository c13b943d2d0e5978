/**
 * One client of `/v1/stream`: its requests (with their caps), its subscriptions, and what it is sent
 * while it cannot keep up: tickers, books, candles and arbitrage conflate to the latest value per key;
 * a client that falls too far behind on trades (or private events) is closed with
 * {@link CLOSE_SLOW_CLIENT}, never silently skipped.
 */
import type { Duplex } from 'node:stream';
import type { SchedulerLike } from 'rxjs';
import type { RawData, WebSocket } from 'ws';
import { GatewayError } from '../errors/index.js';
import { CLOSE_SLOW_CLIENT, PRIVATE_CHANNELS, parseClientMessage, streamKey, toWireError, type ClientMessage, type StreamRequest } from '../remote/gateway-protocol.js';
import type { GatewayObserver } from './gateway-observer.js';
import type { GatewayTokens } from './gateway-token.js';
import { checkServed, specExchanges } from './gateway-source.js';
import type { Feed, FeedSubscriber, StreamFanout } from './stream-fanout.js';

/** Caps and thresholds per client of `/v1/stream`. */
export interface GatewayLimits {
  /** Subscriptions one client may hold. @default 100 */
  readonly maxSubscriptions: number;
  /** Largest request frame answered (larger: a `frame-too-large` error). @default 4096 */
  readonly maxFrameBytes: number;
  /** Requests a second, once the burst is spent, before `rate-limited` errors. @default 20 */
  readonly maxMessagesPerSecond: number;
  /**
   * Requests answered at once before the rate applies: enough for a client that reconnects to subscribe
   * again to all it had (`maxSubscriptions`) and authenticate. @default 110
   */
  readonly maxBurst: number;
  /** Unsent bytes from which tickers, books, candles and arbitrage conflate. @default 1 MiB */
  readonly slowClientBytes: number;
  /** Unsent bytes at which a trade or private event closes the client (code 4008). @default 16 MiB */
  readonly maxBufferedBytes: number;
}

/** The defaults of {@link GatewayLimits}. */
export const DEFAULT_LIMITS: GatewayLimits = {
  maxSubscriptions: 100,
  maxFrameBytes: 4096,
  maxMessagesPerSecond: 20,
  maxBurst: 110,
  slowClientBytes: 1 << 20,
  maxBufferedBytes: 16 << 20,
};

/** What every session of one gateway shares. */
export interface SessionContext {
  readonly fanout: StreamFanout;
  readonly limits: GatewayLimits;
  readonly observer: GatewayObserver | undefined;
  readonly tokens: GatewayTokens;
  readonly defaultExchange: string;
  readonly scheduler: SchedulerLike;
  /** How long a closing handshake may take before the socket is destroyed. */
  readonly closeTimeoutMs: number;
  /** The exchanges served; `undefined`: all. */
  readonly exchanges: readonly string[] | undefined;
}

const TEXT = { binary: false } as const;
/** `WebSocket.OPEN`. */
const OPEN = 1;

/**
 * One connected client.
 *
 * @example
 * ```ts
 * wss.handleUpgrade(request, socket, head, (ws) => sessions.add(new ClientSession(ws, socket, context, false)));
 * ```
 */
export class ClientSession implements FeedSubscriber {
  readonly #ws: WebSocket;
  /** The upgraded TCP socket: event frames, framed once per event, are written to it as they are. */
  readonly #socket: Duplex;
  readonly #ctx: SessionContext;
  readonly #feeds = new Set<string>();
  /** The latest unsent frame per conflated key while the client is slow. */
  readonly #pending = new Map<string, Buffer>();
  #authorized: boolean;
  #alive = true;
  #closing = false;
  #allowance: number;
  #allowanceAt: number;

  constructor(ws: WebSocket, socket: Duplex, context: SessionContext, authorized: boolean, onClose: (session: ClientSession, code: number) => void) {
    this.#ws = ws;
    this.#socket = socket;
    this.#ctx = context;
    this.#authorized = authorized;
    this.#allowance = context.limits.maxBurst;
    this.#allowanceAt = context.scheduler.now();
    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    // A protocol error (an oversized or malformed frame) is followed by the close below; unhandled, it
    // would be thrown and end the process.
    ws.on('error', () => undefined);
    ws.on('pong', () => {
      this.#alive = true;
    });
    ws.on('close', (code) => {
      this.#closing = true;
      this.#leaveAll();
      onClose(this, code);
    });
    socket.on('drain', () => this.#flush());
  }

  /** Keys this client subscribes to. */
  get keys(): string[] {
    return [...this.#feeds];
  }

  deliver(feed: Feed, frame: Buffer): boolean {
    if (this.#closing || this.#ws.readyState !== OPEN) return false;
    const buffered = this.#ws.bufferedAmount;
    if (feed.conflated) {
      if (buffered >= this.#ctx.limits.slowClientBytes) {
        this.#pending.set(feed.key, frame);
        this.#ctx.observer?.conflated(feed.spec.channel);
        return false;
      }
      if (this.#pending.size > 0) {
        // Older values of other keys wait in `pending`: send in order, this one among them.
        this.#pending.set(feed.key, frame);
        this.#flush();
        return false;
      }
    } else if (buffered >= this.#ctx.limits.maxBufferedBytes) {
      this.#closeSlow(feed, buffered);
      return false;
    }
    // Already a whole frame: no per-client framing. `ws` writes synchronously (no compression), so
    // this never lands inside one of its frames, and `bufferedAmount` counts it.
    this.#socket.write(frame);
    return true;
  }

  ended(feed: Feed, frame: Buffer): void {
    if (this.#feeds.delete(feed.key)) this.#ctx.observer?.subscriptionsChanged(-1);
    this.#pending.delete(feed.key);
    if (!this.#closing) this.#ws.send(frame, TEXT);
  }

  /** One heartbeat: a client that did not answer the previous ping is gone; ping it again. */
  heartbeat(): void {
    if (!this.#alive) {
      this.#ws.terminate();
      return;
    }
    this.#alive = false;
    if (!this.#closing) this.#ws.ping();
  }

  /** Closes the connection with `code` and `reason`, destroying it if the handshake does not finish. */
  close(code: number, reason: string): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#leaveAll();
    this.#ws.close(code, reason);
    setTimeout(() => this.#ws.terminate(), this.#ctx.closeTimeoutMs).unref();
  }

  #closeSlow(feed: Feed, buffered: number): void {
    this.#ctx.observer?.slowClientClosed();
    this.close(CLOSE_SLOW_CLIENT, `slow client: ${buffered} bytes unsent on ${feed.key}; trades are never skipped`.slice(0, 123));
  }

  #flush(): void {
    if (this.#pending.size === 0 || this.#closing || this.#ws.readyState !== OPEN || this.#ws.bufferedAmount >= this.#ctx.limits.slowClientBytes) return;
    let bytes = 0;
    for (const frame of this.#pending.values()) {
      this.#socket.write(frame);
      bytes += frame.length;
    }
    this.#ctx.observer?.sent(this.#pending.size, bytes);
    this.#pending.clear();
  }

  #leaveAll(): void {
    if (this.#feeds.size > 0) this.#ctx.observer?.subscriptionsChanged(-this.#feeds.size);
    for (const key of this.#feeds) this.#ctx.fanout.leave(key, this);
    this.#feeds.clear();
    this.#pending.clear();
  }

  #reply(frame: object): void {
    if (!this.#closing) this.#ws.send(JSON.stringify(frame), TEXT);
  }

  #refuse(error: unknown, id?: string | number, key?: string): void {
    this.#reply({ type: 'error', ...(id === undefined ? {} : { id }), ...(key === undefined ? {} : { key }), error: toWireError(error) });
  }

  /** Spends one request of the client's allowance; `false` when it is used up. */
  #spend(): boolean {
    const { maxMessagesPerSecond: rate, maxBurst } = this.#ctx.limits;
    const now = this.#ctx.scheduler.now();
    this.#allowance = Math.min(maxBurst, this.#allowance + ((now - this.#allowanceAt) * rate) / 1_000);
    this.#allowanceAt = now;
    if (this.#allowance < 1) return false;
    this.#allowance -= 1;
    return true;
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    this.#alive = true;
    if (this.#closing) return;
    const size = Array.isArray(data) ? data.reduce((n, part) => n + part.length, 0) : data.byteLength;
    if (!this.#spend()) return this.#refuse(new GatewayError(`Rate limited: at most ${this.#ctx.limits.maxMessagesPerSecond} requests a second`, { code: 'rate-limited' }));
    if (size > this.#ctx.limits.maxFrameBytes) return this.#refuse(new GatewayError(`Frame too large: ${size} bytes, at most ${this.#ctx.limits.maxFrameBytes}`, { code: 'frame-too-large' }));
    const text = isBinary ? '' : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    const message = parseClientMessage(text, this.#ctx.defaultExchange);
    if (message instanceof GatewayError) return this.#refuse(message, idOf(text));
    this.#handle(message);
  }

  #handle(message: ClientMessage): void {
    const { id } = message;
    switch (message.op) {
      case 'ping':
        return this.#reply({ type: 'pong', ...(id === undefined ? {} : { id }) });
      case 'auth':
        if (!this.#ctx.tokens.accepts(message.token)) return this.#refuse(new GatewayError('Unauthorized: the gateway token was not accepted', { code: 'unauthorized' }), id);
        this.#authorized = true;
        return this.#reply({ type: 'ack', op: 'auth', ...(id === undefined ? {} : { id }) });
      case 'subscribe':
        return this.#subscribe(message);
      case 'unsubscribe': {
        const key = streamKey(message);
        if (!this.#feeds.delete(key)) return this.#refuse(new GatewayError(`Not subscribed: ${key}`, { code: 'not-subscribed' }), id, key);
        this.#ctx.fanout.leave(key, this);
        this.#pending.delete(key);
        this.#ctx.observer?.subscriptionsChanged(-1);
        return this.#reply({ type: 'ack', op: 'unsubscribe', key, ...(id === undefined ? {} : { id }) });
      }
    }
  }

  #subscribe(request: StreamRequest): void {
    const { id } = request;
    const key = streamKey(request);
    if (PRIVATE_CHANNELS.has(request.channel) && !this.#authorized) {
      const why = this.#ctx.tokens.configured ? 'send {"op":"auth","token":...} or an Authorization: Bearer header first' : 'this gateway has no token configured';
      return this.#refuse(new GatewayError(`Unauthorized: ${request.channel} needs a gateway token (${why})`, { code: 'unauthorized' }), id, key);
    }
    try {
      checkServed(this.#ctx.exchanges, ...specExchanges(request));
    } catch (error) {
      return this.#refuse(error, id, key);
    }
    const ack = { type: 'ack', op: 'subscribe', key, ...(id === undefined ? {} : { id }) };
    if (this.#feeds.has(key)) return this.#reply(ack);
    if (this.#feeds.size >= this.#ctx.limits.maxSubscriptions) {
      return this.#refuse(new GatewayError(`Too many subscriptions: at most ${this.#ctx.limits.maxSubscriptions} per client`, { code: 'too-many-subscriptions' }), id, key);
    }
    this.#reply(ack);
    this.#ctx.observer?.subscriptionsChanged(1);
    // In the set before joining: a feed that fails at once calls `ended`, which takes it out again.
    this.#feeds.add(key);
    this.#ctx.fanout.join(request, this);
  }
}

/** The `id` of a request that could not be read, when it can still be found, to answer it by. */
function idOf(text: string): string | number | undefined {
  try {
    const value: unknown = JSON.parse(text);
    const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
    return typeof id === 'string' || typeof id === 'number' ? id : undefined;
  } catch {
    return undefined;
  }
}
