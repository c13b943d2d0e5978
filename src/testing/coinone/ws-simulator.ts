/**
 * The WebSocket side of the Coinone simulator: Coinone's public stream protocol on the root path of
 * the shared http server (the live host is `wss://stream.coinone.co.kr`), served from a
 * {@link CoinoneMarket}. A real timer (every `pushIntervalMs`) asks the model what happened since the
 * previous push; `tick()` does the same on demand. At most 20 sockets per IP: the next one is accepted
 * and closed with code 4290. Idle timers run on real time.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { CoinoneMarket } from './market.js';
import { CoinoneWsClient, type CoinoneWsHost, type CoinoneWsRequestLogEntry } from './ws-connection.js';
import { CoinoneWsFeed } from './ws-feed.js';
import { localWsUrl } from '../server/sim-server.js';
import { rejectUpgrade, SimWsHub, SimWsLog, type SimCloseFault } from '../server/sim-ws.js';

/** Close code for a socket beyond the per-IP limit. */
export const COINONE_WS_CLOSE_TOO_MANY_CONNECTIONS = 4290;

/** Options of {@link attachCoinoneWebSocket}. */
export interface CoinoneWsSimulatorOptions {
  /** Path served. @default '/' */
  readonly path?: string | undefined;
  /** Real time between two pushes; `0` disables the timer (call `tick()`). @default 100 */
  readonly pushIntervalMs?: number | undefined;
  /** Real time after the last PING before the socket is dropped (the docs: 30 minutes). @default 1800000 */
  readonly idleTimeoutMs?: number | undefined;
  /** Real time a socket may go without a successful SUBSCRIBE before it is dropped (the probe: ~60 s). @default 60000 */
  readonly unsubscribedTimeoutMs?: number | undefined;
  /** Open sockets per IP; the next is closed with 4290. @default 20 */
  readonly maxConnectionsPerIp?: number | undefined;
}

/** A running Coinone WebSocket simulator and its controls. */
export interface CoinoneWsSimulator {
  /** `ws://127.0.0.1:<port>` (empty while the http server is not listening). */
  readonly url: string;
  /** Open connections. */
  readonly connections: number;
  /** Every SUBSCRIBE/UNSUBSCRIBE and invalid frame received, oldest first (PINGs are counted). */
  readonly requests: readonly CoinoneWsRequestLogEntry[];
  /** `PING` requests received. */
  readonly pings: number;
  /** Errors the model threw while serving (each closed its connection with 1011). */
  readonly failures: readonly unknown[];
  /** Terminates every connection without a close frame (clients see 1006), as a deploy does. */
  dropAll(): void;
  /** While on, connections stay open but nothing is sent: no data, no PONG, no replies, no pongs. */
  stall(on: boolean): void;
  /**
   * Accepts new connections but closes each after `fault.afterFrames` frames (the CONNECTED greeting is
   * the first) with `fault.code` and `fault.reason` (Coinone's per-IP limit close is 4290); `undefined`
   * ends the fault.
   */
  closeNewConnections(fault: SimCloseFault | undefined): void;
  /** Pushes the frames due at the model's now, without waiting for the timer. */
  tick(): void;
  /** Empties the request log and the ping count. */
  clearLog(): void;
  /** Closes every connection, stops the timer and detaches from the server (which keeps running). */
  close(): Promise<void>;
}

class WsSimulator implements CoinoneWsSimulator, CoinoneWsHost {
  readonly market: CoinoneMarket;
  readonly feed: CoinoneWsFeed;
  readonly idleTimeoutMs: number;
  readonly unsubscribedTimeoutMs: number;
  readonly #server: Server;
  readonly #path: string;
  readonly #maxPerIp: number;
  readonly log = new SimWsLog<CoinoneWsRequestLogEntry>();
  readonly #hub: SimWsHub<CoinoneWsClient>;
  #stalled = false;

  constructor(server: Server, market: CoinoneMarket, options: CoinoneWsSimulatorOptions) {
    this.market = market;
    this.feed = new CoinoneWsFeed(market);
    this.#server = server;
    this.#path = options.path ?? '/';
    this.#maxPerIp = options.maxConnectionsPerIp ?? 20;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 1_800_000;
    this.unsubscribedTimeoutMs = options.unsubscribedTimeoutMs ?? 60_000;
    this.#hub = new SimWsHub(server, {
      ws: { perMessageDeflate: false, autoPong: false },
      pushIntervalMs: options.pushIntervalMs,
      tick: () => this.tick(),
      upgrade: (request, socket, head, url) => this.#upgrade(request, socket, head, url),
    });
  }

  get url(): string {
    return localWsUrl(this.#server, this.#path === '/' ? '' : this.#path);
  }

  get connections(): number {
    return this.#hub.connections;
  }

  get requests(): readonly CoinoneWsRequestLogEntry[] {
    return this.log.entries;
  }

  get pings(): number {
    return this.log.pings;
  }

  get failures(): readonly unknown[] {
    return this.log.failures;
  }

  dropAll(): void {
    this.#hub.dropAll();
  }

  stall(on: boolean): void {
    this.#stalled = on;
  }

  isStalled(): boolean {
    return this.#stalled;
  }

  closeNewConnections(fault: SimCloseFault | undefined): void {
    this.#hub.closeNewConnections(fault);
  }

  tick(): void {
    if (this.#hub.closed || this.#hub.size === 0) return;
    const now = this.market.model.now();
    this.feed.beginPush(now);
    for (const client of this.#hub.clients) client.push(now);
  }

  clearLog(): void {
    this.log.clear();
  }

  close(): Promise<void> {
    return this.#hub.close();
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    if (url.pathname !== this.#path || this.#hub.closed) return rejectUpgrade(socket, 404);
    const ip = request.socket.remoteAddress ?? 'unknown';
    this.#hub.accept(request, socket, head, (ws, id) => {
      if (this.#hub.openFrom(ip) < this.#maxPerIp) return new CoinoneWsClient(id, ws, this);
      ws.close(COINONE_WS_CLOSE_TOO_MANY_CONNECTIONS, 'Too many connections');
      return undefined;
    });
  }
}

/**
 * Serves Coinone's public WebSocket protocol on `server` (upgrades to `path`, default `/`), so REST and
 * WebSocket share one port. `close()` ends the connections but leaves `server` running.
 *
 * @example
 * ```ts
 * const ws = attachCoinoneWebSocket(server, new CoinoneMarket(model, -0.001), { pushIntervalMs: 0 });
 * // clients connect to ws.url and get {"response_type":"CONNECTED",…}
 * ws.tick();
 * await ws.close();
 * ```
 */
export function attachCoinoneWebSocket(server: Server, market: CoinoneMarket, options: CoinoneWsSimulatorOptions = {}): CoinoneWsSimulator {
  return new WsSimulator(server, market, options);
}
