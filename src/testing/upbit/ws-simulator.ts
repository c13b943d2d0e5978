/**
 * The WebSocket side of the Upbit simulator: Upbit's public stream protocol on `/websocket/v1`,
 * served from a {@link MarketModel}, with controls to drop, stall, corrupt, refuse and close
 * connections.
 *
 * It attaches to an existing `node:http` server (REST and WebSocket share one port) or starts its own.
 * Data is a pure function of the model's clock: a real timer (every `pushIntervalMs`) asks the model
 * what happened since the previous push. Limits and `refuseConnections` also run on the model clock;
 * the idle timeout runs on real time. Everything binds to 127.0.0.1.
 *
 * Upgrades with an `Origin` header (browsers) get Upbit's stricter policy (`limits.originLimit` per
 * `limits.originWindowMs`, 1 per 10 s by default): every such upgrade counts in one shared window and
 * is refused with HTTP 429 over it, like the per-IP connection limit; on a connection opened with
 * `Origin`, a request frame over that limit closes the connection with
 * `UPBIT_WS_CLOSE_TOO_MANY_REQUESTS` (1008, the simulator's guess: see `upbit-ws-limits.ts`).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { MarketModel, type MarketModelOptions } from '../market/market-model.js';
import type { SimClock } from '../market/model-types.js';
import { listenLocal, localWsUrl } from '../server/sim-server.js';
import { rejectUpgrade, SimWsHub, SimWsLog, type SimCloseFault } from '../server/sim-ws.js';
import { UpbitWsClient, type UpbitWsHost, type UpbitWsRequestLogEntry } from './ws-connection.js';
import { UpbitWsFeed } from './ws-feed.js';
import { ConnectionLimits, type UpbitWsLimitOptions } from './ws-limits.js';
import type { UpbitWsSubscription } from './ws-request.js';
import { stringifyWire } from '../server/wire-json.js';

/** Options of {@link attachUpbitWebSocket}. */
export interface UpbitWsSimulatorOptions {
  /** Path served. @default '/websocket/v1' */
  readonly path?: string | undefined;
  /** Real time between two pushes of REALTIME frames; `0` disables the timer (call `tick()`). @default 100 */
  readonly pushIntervalMs?: number | undefined;
  /** Least model-clock time between two candle frames of one stream. @default 1000 */
  readonly candleIntervalMs?: number | undefined;
  /** Real time without any client message or control frame before the server closes. @default 120000 */
  readonly idleTimeoutMs?: number | undefined;
  /**
   * Connection and message limits (on `limitClock`). @default Upbit's: 5 connections/s per IP, 5
   * requests/s and 100/min per connection; with an `Origin` header 1 connection per 10 s (all `Origin`
   * upgrades together) and 1 request per 10 s per connection
   */
  readonly limits?: UpbitWsLimitOptions | undefined;
  /**
   * Clock of connection/message limits and `refuseConnections`. Pass a real clock when the model runs
   * on a manual one, so limit windows still roll. @default the model's clock
   */
  readonly limitClock?: SimClock | undefined;
  /** Offer permessage-deflate, as Upbit does. @default true */
  readonly perMessageDeflate?: boolean | undefined;
}

/** Options of {@link startUpbitWsSimulator}. Model options apply when no `model` is given. */
export interface StartUpbitWsSimulatorOptions extends UpbitWsSimulatorOptions, MarketModelOptions {
  /** Serve this model instead of creating one. @default a new `MarketModel` built from the model options */
  readonly model?: MarketModel | undefined;
  /** Port on 127.0.0.1. @default 0 (any free port) */
  readonly port?: number | undefined;
}

/** A running WebSocket simulator and its test controls. */
export interface UpbitWsSimulator {
  readonly model: MarketModel;
  /** `ws://127.0.0.1:<port>/websocket/v1` (empty while the http server is not listening). */
  readonly url: string;
  /** Open connections. */
  readonly connections: number;
  /** Every request frame received, oldest first. */
  readonly requests: readonly UpbitWsRequestLogEntry[];
  /** Text `PING`s received. */
  readonly pings: number;
  /**
   * What the server holds now, by connection id (open connections only): the (type, code) streams of
   * each connection's last accepted request, as the server serves them. Read-only; sends nothing.
   */
  subscriptions(): ReadonlyMap<number, readonly UpbitWsSubscription[]>;
  /** Errors the model threw while pushing (each closed its connection with 1011), oldest first. */
  readonly failures: readonly unknown[];
  /** Terminates every connection without a close frame (clients see an abnormal close, 1006). */
  dropAll(): void;
  /** While on, connections stay open but nothing is sent: no data, no `{"status":"UP"}`, no pongs. */
  stall(on: boolean): void;
  /** Sends a binary frame that is not JSON (nor valid UTF-8) to every client. */
  sendGarbage(): void;
  /** Sends `frame` as is to every client: a binary frame unless `binary` is `false`. */
  sendRaw(frame: string | Uint8Array, binary?: boolean): void;
  /** Answers upgrades with HTTP 503 for `ms` of model-clock time. */
  refuseConnections(ms: number): void;
  /**
   * Accepts new connections but closes each after `fault.afterFrames` frames with `fault.code` and
   * `fault.reason` (Upbit's too-many-requests close is 1008 "Too many requests", see
   * `UPBIT_WS_CLOSE_TOO_MANY_REQUESTS`); `undefined` ends the fault.
   */
  closeNewConnections(fault: SimCloseFault | undefined): void;
  /** Pushes REALTIME frames for the model's now, without waiting for the timer. */
  tick(): void;
  /** Empties {@link UpbitWsSimulator.requests} and the ping count. */
  clearLog(): void;
  /** Forgets the connection-limit windows. */
  resetLimits(): void;
  /** Closes every connection and stops the timers (and the http server, when the simulator started it). */
  close(): Promise<void>;
}

const TOO_MANY = stringifyWire({ error: { name: 'too_many_requests', message: 'Too many API requests.' } });
const UNAVAILABLE = stringifyWire({ error: { name: 'service_unavailable', message: 'Service temporarily unavailable.' } });
const NOT_FOUND = stringifyWire({ error: { name: 'not_found', message: 'Not found' } });
const GARBAGE = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), Buffer.from('{not json', 'utf8')]);
const JSON_TYPE = 'application/json;charset=UTF-8';

class WsSimulator implements UpbitWsSimulator, UpbitWsHost {
  readonly model: MarketModel;
  readonly feed: UpbitWsFeed;
  readonly idleTimeoutMs: number;
  readonly limits: UpbitWsLimitOptions;
  readonly #server: Server;
  readonly #path: string;
  readonly log = new SimWsLog<UpbitWsRequestLogEntry>();
  readonly #hub: SimWsHub<UpbitWsClient>;
  readonly #connectionLimits: ConnectionLimits;
  #stalled = false;
  #refuseUntil = -Infinity;
  readonly #ownsServer: boolean;
  readonly #limitClock: SimClock;

  constructor(server: Server, model: MarketModel, options: UpbitWsSimulatorOptions, ownsServer: boolean) {
    this.model = model;
    this.#server = server;
    this.#ownsServer = ownsServer;
    this.#limitClock = options.limitClock ?? model.clock;
    this.#path = options.path ?? '/websocket/v1';
    this.feed = new UpbitWsFeed(model, options.candleIntervalMs ?? 1000);
    this.idleTimeoutMs = options.idleTimeoutMs ?? 120_000;
    this.limits = options.limits ?? {};
    this.#connectionLimits = new ConnectionLimits(this.limits);
    this.#hub = new SimWsHub(server, {
      ws: { autoPong: false, perMessageDeflate: options.perMessageDeflate ?? true },
      pushIntervalMs: options.pushIntervalMs,
      tick: () => this.tick(),
      upgrade: (request, socket, head, url) => this.#upgrade(request, socket, head, url),
    });
  }

  get url(): string {
    return localWsUrl(this.#server, this.#path);
  }

  get connections(): number {
    return this.#hub.connections;
  }

  get requests(): readonly UpbitWsRequestLogEntry[] {
    return this.log.entries;
  }

  get pings(): number {
    return this.log.pings;
  }

  get failures(): readonly unknown[] {
    return this.log.failures;
  }

  subscriptions(): ReadonlyMap<number, readonly UpbitWsSubscription[]> {
    const held = new Map<number, readonly UpbitWsSubscription[]>();
    for (const client of this.#hub.clients) if (client.open) held.set(client.id, client.subscriptions);
    return held;
  }

  isStalled(): boolean {
    return this.#stalled;
  }

  dropAll(): void {
    this.#hub.dropAll();
  }

  stall(on: boolean): void {
    this.#stalled = on;
  }

  sendGarbage(): void {
    this.sendRaw(GARBAGE);
  }

  sendRaw(frame: string | Uint8Array, binary = true): void {
    for (const client of this.#hub.clients) client.sendRaw(frame, binary);
  }

  refuseConnections(ms: number): void {
    this.#refuseUntil = this.limitNow() + ms;
  }

  closeNewConnections(fault: SimCloseFault | undefined): void {
    this.#hub.closeNewConnections(fault);
  }

  tick(): void {
    if (this.#hub.closed || this.#hub.size === 0) return;
    const now = this.model.now();
    this.feed.beginPush(now);
    for (const client of this.#hub.clients) client.push(now);
  }

  limitNow(): number {
    return this.#limitClock.now();
  }

  clearLog(): void {
    this.log.clear();
  }

  resetLimits(): void {
    this.#connectionLimits.reset();
  }

  async close(): Promise<void> {
    if (this.#hub.closed) return;
    await this.#hub.close();
    if (!this.#ownsServer) return;
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    if (url.pathname !== this.#path) {
      // Another upgrade handler on the shared server may serve this path.
      if (this.#server.listenerCount('upgrade') === 1) rejectUpgrade(socket, 404, { contentType: JSON_TYPE, text: NOT_FOUND });
      return;
    }
    const now = this.limitNow();
    const unavailable = { contentType: JSON_TYPE, text: UNAVAILABLE };
    if (this.#hub.closed) return rejectUpgrade(socket, 503, unavailable);
    if (now < this.#refuseUntil) return rejectUpgrade(socket, 503, unavailable);
    const hasOrigin = request.headers.origin !== undefined;
    if (!this.#connectionLimits.tryAdd(request.socket.remoteAddress ?? 'unknown', now, hasOrigin)) {
      return rejectUpgrade(socket, 429, { contentType: JSON_TYPE, text: TOO_MANY });
    }
    this.#hub.accept(request, socket, head, (ws, id) => {
      if (!this.#hub.closed) return new UpbitWsClient(id, ws, this, hasOrigin);
      ws.terminate();
      return undefined;
    });
  }
}

/**
 * Serves Upbit's public WebSocket protocol on `server` (upgrade requests to `/websocket/v1`), so REST
 * and WebSocket share one port. `close()` detaches and ends the connections but leaves `server` running.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * const server = createServer(restHandler).listen(0, '127.0.0.1');
 * const ws = attachUpbitWebSocket(server, model, { idleTimeoutMs: 5000 });
 * // clients connect to ws.url: ws://127.0.0.1:<port>/websocket/v1
 * await ws.close();
 * ```
 */
export function attachUpbitWebSocket(server: Server, model: MarketModel, options: UpbitWsSimulatorOptions = {}): UpbitWsSimulator {
  return new WsSimulator(server, model, options, false);
}

/**
 * Starts a standalone Upbit WebSocket simulator on its own http server on 127.0.0.1 (any HTTP request
 * that is not an upgrade gets 404).
 *
 * @example
 * ```ts
 * import { ManualClock, startUpbitWsSimulator } from 'market-data-backbone/testing';
 * const clock = new ManualClock(Date.UTC(2025, 6, 30, 12));
 * const sim = await startUpbitWsSimulator({ clock, seed: 7 });
 * const socket = new WebSocket(sim.url);
 * socket.onopen = () => socket.send('[{"ticket":"t"},{"type":"trade","codes":["KRW-BTC"]}]');
 * clock.advance(5000); // the next push sends the trades of these 5 s
 * await sim.close();
 * ```
 */
export async function startUpbitWsSimulator(options: StartUpbitWsSimulatorOptions = {}): Promise<UpbitWsSimulator> {
  const model = options.model ?? new MarketModel(options);
  const server = createServer((_request, response) => {
    response.writeHead(404, { 'content-type': JSON_TYPE }).end(NOT_FOUND);
  });
  await listenLocal(server, options.port ?? 0);
  return new WsSimulator(server, model, options, true);
}
