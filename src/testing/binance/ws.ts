/**
 * The WebSocket side of the Binance simulator, on the REST server's port: raw streams on `/ws` and
 * `/ws/<a>/<b>`, combined streams on `/stream` and `/stream?streams=<a>/<b>` (events wrapped as
 * `{"stream","data"}`), live control requests, `timeUnit=MICROSECOND`, and Binance's limits: at most
 * 5 incoming messages (text, ping and pong frames) per second (close 1008 beyond), 1024 streams per
 * connection, a ping frame every 20 s answered within 60 s, a 24 h lifetime, and `serverShutdown`
 * notices followed by the close they announce.
 *
 * Data is read from the model clock on every push (a real timer every `pushIntervalMs`, or
 * {@link BinanceWsServer.tick}); the message limit, pings and lifetime run on real time.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { BinanceWsFeed, BinanceStreamState } from './ws-feed.js';
import { CONTROL_ERRORS, controlReply, parseControl, type BinanceControlRequest } from './ws-control.js';
import { rejectUpgrade, SimWsHub, SimWsPeer, wsText, type SimCloseFault } from '../server/sim-ws.js';
import { stringifyWire, type WireValue } from '../server/wire-json.js';

/** WebSocket options of the Binance simulator. */
export interface BinanceWsOptions {
  /** Real time between pushes; `0` disables the timer (call `tick()`). @default 100 */
  readonly pushIntervalMs?: number | undefined;
  /** Real time between server pings. @default 20000 */
  readonly pingIntervalMs?: number | undefined;
  /** Real time a ping may stay unanswered before the server drops the connection. @default 60000 */
  readonly pongTimeoutMs?: number | undefined;
  /** Incoming messages allowed per second (more closes with 1008). @default 5 */
  readonly maxMessagesPerSecond?: number | undefined;
  /** Streams allowed per connection. @default 1024 */
  readonly maxStreams?: number | undefined;
  /** Real time after which the server closes a connection. @default 86400000 */
  readonly maxLifetimeMs?: number | undefined;
  /**
   * Real time between a `serverShutdown` notice and the close (1001) of the connections it went to;
   * data keeps flowing in between, and a client that waits for the close loses what comes after it.
   * @default 1000
   */
  readonly shutdownCloseDelayMs?: number | undefined;
}

/** One client message as the simulator saw it. */
export interface BinanceWsLogEntry {
  readonly connection: number;
  readonly text: string;
  /** The reply text sent back. */
  readonly reply: string;
}

const CLOSE_TOO_MANY = 1008;
const CLOSE_GOING_AWAY = 1001;

/** One connection: its subscriptions, property and limits. */
class BinanceWsConnection {
  readonly #peer: SimWsPeer;
  readonly #server: BinanceWsServer;
  readonly #states = new Map<string, BinanceStreamState>();
  readonly #tf: number;
  #combined: boolean;
  #window = Number.NaN;
  #messages = 0;
  #awaiting: { readonly payload: string; readonly since: number } | undefined;

  constructor(id: number, socket: WebSocket, server: BinanceWsServer, combined: boolean, streams: readonly string[], tf: number) {
    this.#peer = new SimWsPeer(id, socket);
    this.#server = server;
    this.#combined = combined;
    this.#tf = tf;
    const now = server.now();
    for (const name of streams.slice(0, server.maxStreams)) this.#states.set(name, server.feed.subscribe(name, now));
    socket.on('message', (data, binary) => {
      if (this.#count()) this.#onText(binary ? '' : wsText(data));
    });
    // Pings are answered by hand (not by `ws`'s autoPong), so a stalled server can leave them unanswered.
    socket.on('ping', (data) => {
      if (this.#count() && !server.stalled && this.open) socket.pong(data);
    });
    socket.on('pong', (data) => {
      if (!this.#count()) return;
      if (this.#awaiting !== undefined && data.toString('utf8') === this.#awaiting.payload) this.#awaiting = undefined;
    });
    this.#peer.every(server.pingIntervalMs, () => this.#ping());
    this.#peer.after(server.maxLifetimeMs, () => this.close(1000, 'Connection lifetime reached'));
  }

  get id(): number {
    return this.#peer.id;
  }

  get open(): boolean {
    return this.#peer.open;
  }

  /** The stream names this connection is subscribed to, in subscription order (what `LIST_SUBSCRIPTIONS` answers). */
  get streams(): string[] {
    return [...this.#states.keys()];
  }

  /** Sends what every stream has for `now`. */
  push(now: number): void {
    for (const state of this.#states.values()) {
      for (const data of this.#server.feed.push(state, now, this.#tf)) this.#event(state.name, data);
    }
  }

  /** The `serverShutdown` event, in this connection's form. */
  shutdownNotice(now: number): void {
    this.#event('!serverShutdown', { e: 'serverShutdown', E: now * this.#tf });
  }

  close(code: number, reason: string): void {
    this.#peer.close(code, reason);
  }

  /** Drops the TCP connection without a close frame. */
  terminate(): void {
    this.#peer.terminate();
  }

  #event(stream: string, data: WireValue): void {
    this.send(stringifyWire(this.#combined ? { stream, data } : data));
  }

  send(text: string): void {
    if (!this.#server.stalled) this.#peer.send(text);
  }

  /** Counts one incoming message; closes (1008) and returns `false` over the limit. */
  #count(): boolean {
    const window = Math.floor(Date.now() / 1000);
    if (window !== this.#window) {
      this.#window = window;
      this.#messages = 0;
    }
    this.#messages++;
    if (this.#messages <= this.#server.maxMessagesPerSecond) return true;
    this.close(CLOSE_TOO_MANY, 'Too many requests');
    return false;
  }

  #ping(): void {
    if (!this.open || this.#server.stalled) return;
    const now = Date.now();
    if (this.#awaiting !== undefined && now - this.#awaiting.since >= this.#server.pongTimeoutMs) {
      this.terminate();
      return;
    }
    const payload = String(now);
    if (this.#awaiting === undefined) this.#awaiting = { payload, since: now };
    else this.#awaiting = { payload, since: this.#awaiting.since };
    this.#peer.socket.ping(payload);
  }

  #onText(text: string): void {
    const result = parseControl(text);
    const reply = result.ok ? this.#handle(result.request) : result.reply;
    this.#server.record({ connection: this.id, text, reply });
    this.send(reply);
  }

  #handle(request: BinanceControlRequest): string {
    switch (request.method) {
      case 'SUBSCRIBE': {
        const fresh = request.params.filter((name) => !this.#states.has(name));
        if (this.#states.size + fresh.length > this.#server.maxStreams) return CONTROL_ERRORS.tooManyParameters();
        const now = this.#server.now();
        for (const name of fresh) this.#states.set(name, this.#server.feed.subscribe(name, now));
        return controlReply(null, request.id);
      }
      case 'UNSUBSCRIBE':
        for (const name of request.params) this.#states.delete(name);
        return controlReply(null, request.id);
      case 'LIST_SUBSCRIPTIONS':
        return controlReply([...this.#states.keys()], request.id);
      case 'SET_PROPERTY':
        if (request.property !== 'combined') return CONTROL_ERRORS.unknownProperty(request.id);
        this.#combined = request.value;
        return controlReply(null, request.id);
      case 'GET_PROPERTY':
        if (request.property !== 'combined') return CONTROL_ERRORS.unknownProperty(request.id);
        return controlReply(this.#combined, request.id);
    }
  }
}

/**
 * Serves Binance market streams on an http server's upgrade requests.
 *
 * @example
 * ```ts
 * const ws = new BinanceWsServer(server, feed, () => model.now(), { pushIntervalMs: 0 });
 * ws.tick(); // push now
 * await ws.close();
 * ```
 */
export class BinanceWsServer {
  readonly feed: BinanceWsFeed;
  readonly now: () => number;
  readonly pingIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly maxMessagesPerSecond: number;
  readonly maxStreams: number;
  readonly maxLifetimeMs: number;
  readonly shutdownCloseDelayMs: number;
  readonly log: BinanceWsLogEntry[] = [];
  readonly #hub: SimWsHub<BinanceWsConnection>;
  readonly #shutdowns = new Set<NodeJS.Timeout>();
  #stalled = false;

  constructor(server: Server, feed: BinanceWsFeed, now: () => number, options: BinanceWsOptions = {}) {
    this.feed = feed;
    this.now = now;
    this.pingIntervalMs = options.pingIntervalMs ?? 20_000;
    this.pongTimeoutMs = options.pongTimeoutMs ?? 60_000;
    this.maxMessagesPerSecond = options.maxMessagesPerSecond ?? 5;
    this.maxStreams = options.maxStreams ?? 1024;
    this.maxLifetimeMs = options.maxLifetimeMs ?? 86_400_000;
    this.shutdownCloseDelayMs = options.shutdownCloseDelayMs ?? 1_000;
    this.#hub = new SimWsHub(server, {
      ws: { autoPong: false },
      pushIntervalMs: options.pushIntervalMs,
      tick: () => this.tick(),
      upgrade: (request, socket, head, url) => this.#upgrade(request, socket, head, url),
    });
  }

  /** Open connections. */
  get connections(): number {
    return this.#hub.connections;
  }

  /**
   * The stream names each open connection is subscribed to, by connection id: what
   * `LIST_SUBSCRIPTIONS` would answer, read without sending a message (which would count against the
   * connection's limit).
   */
  subscriptions(): ReadonlyMap<number, readonly string[]> {
    const held = new Map<number, readonly string[]>();
    for (const connection of this.#hub.clients) if (connection.open) held.set(connection.id, connection.streams);
    return held;
  }

  record(entry: BinanceWsLogEntry): void {
    this.log.push(entry);
  }

  /** Pushes every stream's events for the model's now. */
  tick(): void {
    if (this.#hub.closed) return;
    const now = this.now();
    for (const connection of this.#hub.clients) connection.push(now);
  }

  /** Drops every connection without a close frame (clients see 1006). */
  dropAll(): void {
    this.#hub.dropAll();
  }

  /** `true` while stalled (see {@link BinanceWsServer.stall}). */
  get stalled(): boolean {
    return this.#stalled;
  }

  /** While on, connections stay open but nothing is sent: no events, no control replies, no pings, no pongs. */
  stall(on: boolean): void {
    this.#stalled = on;
  }

  /** New connections send `fault.afterFrames` frames, then close with its code and reason; `undefined` ends it. */
  closeNewConnections(fault: SimCloseFault | undefined): void {
    this.#hub.closeNewConnections(fault);
  }

  /**
   * Does what Binance does before a server goes down: sends the `serverShutdown` event to every open
   * connection, keeps serving them, and closes them (1001) `closeAfterMs` later. Connections opened
   * after the notice are not affected (on the real exchange they reach another server).
   *
   * @example
   * ```ts
   * ws.announceShutdown(50); // notice now, close 50 ms later
   * ```
   */
  announceShutdown(closeAfterMs = this.shutdownCloseDelayMs): void {
    if (this.#hub.closed) return;
    const now = this.now();
    const doomed = [...this.#hub.clients].filter((connection) => connection.open);
    for (const connection of doomed) connection.shutdownNotice(now);
    const timer = setTimeout(() => {
      this.#shutdowns.delete(timer);
      for (const connection of doomed) connection.close(CLOSE_GOING_AWAY, 'Server shutting down');
    }, Math.max(0, closeAfterMs));
    timer.unref();
    this.#shutdowns.add(timer);
  }

  async close(): Promise<void> {
    if (this.#hub.closed) return;
    for (const timer of this.#shutdowns) clearTimeout(timer);
    this.#shutdowns.clear();
    await this.#hub.close();
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    const raw = /^\/ws(?:\/(.+))?$/.exec(url.pathname);
    const combined = url.pathname === '/stream';
    if ((raw === null && !combined) || this.#hub.closed) return rejectUpgrade(socket, 404);
    const list = combined ? (url.searchParams.get('streams') ?? '') : (raw?.[1] ?? '');
    const streams = list.split('/').filter((name) => name !== '');
    const tf = (url.searchParams.get('timeUnit') ?? '').toUpperCase() === 'MICROSECOND' ? 1000 : 1;
    this.#hub.accept(request, socket, head, (ws, id) => new BinanceWsConnection(id, ws, this, combined, streams, tf));
  }
}
