/**
 * A protocol-faithful Binance Spot market-data simulator on 127.0.0.1: the `/api/v3` REST endpoints
 * with Binance's weights, headers, 429/418 behaviour and error codes, and the market streams on the
 * same port. Prices follow the shared {@link MarketModel} (Upbit's KRW markets divided by the FX rate
 * and the premium), so a Binance and an Upbit simulator on one model are linked markets.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DepthBook, type DepthBookOptions } from './depth.js';
import { BinanceWeightLimits, type BinanceRateLimitOptions } from './limits.js';
import { BinanceMarkets, type BinanceMarket } from './markets.js';
import { BinanceReplyError } from './params.js';
import { findBinanceRoute } from './routes.js';
import { BinanceWsFeed } from './ws-feed.js';
import { BinanceWsServer, type BinanceWsLogEntry, type BinanceWsOptions } from './ws.js';
import type { SimCloseFault } from '../server/sim-ws.js';
import { MarketModel, type MarketModelOptions } from '../market/market-model.js';
import type { SimClock } from '../market/model-types.js';
import { requestTarget, SimHttpServer, writeReply } from '../server/sim-server.js';
import { stringifyWire, type WireValue } from '../server/wire-json.js';

export { BinanceMarkets, DEFAULT_FX_RATE as BINANCE_DEFAULT_FX_RATE } from './markets.js';
export type { BinanceAggregate, BinanceMarket, BinanceTrade } from './markets.js';
export { DepthBook as BinanceDepthBook } from './depth.js';
export type { DepthBookOptions as BinanceDepthBookOptions, DepthStep as BinanceDepthStep } from './depth.js';
export { BinanceWeightLimits } from './limits.js';
export type { BinanceLimitDecision, BinanceRateLimitOptions } from './limits.js';
export { BinanceReplyError } from './params.js';
export { BINANCE_INTERVALS, isBinanceInterval, klineNext as binanceKlineNext, klineStart as binanceKlineStart } from './stats.js';
export type { BinanceInterval, BinanceKline, BinanceTickerStats, BinanceTop } from './stats.js';
export { parseBinanceStream } from './ws-feed.js';
export type { BinanceStream } from './ws-feed.js';
export { CONTROL_ERRORS as BINANCE_WS_CONTROL_ERRORS, parseControl as parseBinanceControl } from './ws-control.js';
export type { BinanceWsLogEntry, BinanceWsOptions } from './ws.js';

/** One served REST request. */
export interface BinanceRequestLogEntry {
  /** Simulator clock time of arrival (ms). */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Weight charged (0 for unknown paths and banned requests). */
  readonly weight: number;
  readonly status: number;
  /** `X-MBX-USED-WEIGHT-1M` sent back. */
  readonly usedWeight: number;
}

/** Options of {@link startBinanceSimulator}. Model options apply when no `model` is given. */
export interface BinanceSimulatorOptions extends MarketModelOptions {
  /** Serve this model (share it with an Upbit simulator to link the markets). */
  readonly model?: MarketModel | undefined;
  /** KRW per USDT. @default the model's KRW-USDT last price at start, else 1380 */
  readonly fxRate?: number | string | undefined;
  /** Upbit's premium over Binance: Binance price = KRW price / fxRate / (1 + premium). @default 0.02 */
  readonly premium?: number | string | undefined;
  /** Port on 127.0.0.1. @default 0 (any free port) */
  readonly port?: number | undefined;
  /** REST weight limits. @default Binance's: 6000 per minute, ban after three 429s in a minute */
  readonly rateLimits?: BinanceRateLimitOptions | undefined;
  /** Clock of the weight windows and bans. @default the model's clock */
  readonly limitClock?: SimClock | undefined;
  /** Simulated books. @default 5000 levels per side, a step every 100 ms */
  readonly depth?: DepthBookOptions | undefined;
  /** WebSocket behaviour. @default Binance's */
  readonly ws?: BinanceWsOptions | undefined;
}

/** A running Binance simulator and its fault controls. */
export interface BinanceSimulator {
  /** `http://127.0.0.1:<port>` (paths start with `/api/v3`). */
  readonly url: string;
  /** `ws://127.0.0.1:<port>/stream` (combined streams; raw ones on `/ws`). */
  readonly wsUrl: string;
  readonly port: number;
  readonly model: MarketModel;
  readonly markets: BinanceMarkets;
  /** Every REST request so far, oldest first. */
  readonly requests: readonly BinanceRequestLogEntry[];
  /** Every WebSocket text message so far, with the reply sent. */
  readonly wsRequests: readonly BinanceWsLogEntry[];
  /** Open WebSocket connections. */
  readonly wsConnections: number;
  /** The stream names each open WebSocket connection is subscribed to, by connection id (read-only; sends nothing). */
  wsSubscriptions(): ReadonlyMap<number, readonly string[]>;
  /** The book of a symbol (`BTCUSDT`), advanced to the model's now. */
  book(symbol: string): DepthBook;
  /** Pushes stream events for the model's now, without waiting for the timer. */
  tick(): void;
  /** Hides the next diff of `symbol` (every symbol when omitted) from depth streams: a gap in `U`/`u`. */
  dropNextDepthDiff(symbol?: string): void;
  /** Makes the next diff of `symbol` (every symbol when omitted) overlap the previous one (`U` ≤ previous `u`). */
  overlapNextDepthDiff(symbol?: string): void;
  /** Drops every WebSocket connection without a close frame. */
  dropAll(): void;
  /** While on, WebSocket connections stay open but nothing is sent: no events, no replies, no pings, no pongs. */
  stallWs(on: boolean): void;
  /**
   * Accepts new WebSocket connections but closes each after `fault.afterFrames` frames with
   * `fault.code` and `fault.reason` (Binance's message-limit close is 1008 "Too many requests");
   * `undefined` ends the fault.
   */
  closeNewWsConnections(fault: SimCloseFault | undefined): void;
  /** Sends `serverShutdown` to every WebSocket connection, then closes them (1001) after `closeAfterMs` (default `ws.shutdownCloseDelayMs`, 1000). */
  announceShutdown(closeAfterMs?: number): void;
  /** Answers the next `n` REST requests with 429 (they count towards a ban). */
  rateLimitNext(n?: number): void;
  /** Bans the IP for `ms` of limit-clock time: 418 meanwhile. */
  ban(ms: number): void;
  /** Forgets weight windows and bans. */
  resetLimits(): void;
  /** Empties the request logs. */
  clearLog(): void;
  /** Closes every socket and stops listening. */
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json;charset=UTF-8';

class Simulator implements BinanceSimulator {
  readonly model: MarketModel;
  readonly markets: BinanceMarkets;
  readonly #http: SimHttpServer;
  readonly #ws: BinanceWsServer;
  readonly #limits: BinanceWeightLimits;
  readonly #limitClock: SimClock;
  readonly #books = new Map<string, DepthBook>();
  readonly #depth: DepthBookOptions;
  readonly #log: BinanceRequestLogEntry[] = [];

  constructor(options: BinanceSimulatorOptions) {
    this.model = options.model ?? new MarketModel(options);
    this.markets = new BinanceMarkets(this.model, options);
    this.#limits = new BinanceWeightLimits(options.rateLimits);
    this.#limitClock = options.limitClock ?? this.model.clock;
    this.#depth = options.depth ?? {};
    this.#http = new SimHttpServer((request, response) => this.#serve(request, response));
    const feed = new BinanceWsFeed(this.markets, (market, now) => this.#bookOf(market, now));
    this.#ws = new BinanceWsServer(this.#http.server, feed, () => this.model.now(), options.ws);
  }

  get url(): string {
    return this.#http.url;
  }

  get wsUrl(): string {
    return this.#http.wsUrl('/stream');
  }

  get port(): number {
    return this.#http.port;
  }

  get requests(): readonly BinanceRequestLogEntry[] {
    return this.#log;
  }

  get wsRequests(): readonly BinanceWsLogEntry[] {
    return this.#ws.log;
  }

  get wsConnections(): number {
    return this.#ws.connections;
  }

  wsSubscriptions(): ReadonlyMap<number, readonly string[]> {
    return this.#ws.subscriptions();
  }

  listen(port: number): Promise<void> {
    return this.#http.listen(port);
  }

  book(symbol: string): DepthBook {
    const market = this.markets.get(symbol);
    if (market === undefined) throw new Error(`BinanceSimulator: unknown symbol ${symbol}`);
    return this.#bookOf(market, this.model.now());
  }

  tick(): void {
    this.#ws.tick();
  }

  dropNextDepthDiff(symbol?: string): void {
    for (const book of this.#booksOf(symbol)) book.dropNext();
  }

  overlapNextDepthDiff(symbol?: string): void {
    for (const book of this.#booksOf(symbol)) book.overlapNext();
  }

  dropAll(): void {
    this.#ws.dropAll();
  }

  stallWs(on: boolean): void {
    this.#ws.stall(on);
  }

  closeNewWsConnections(fault: SimCloseFault | undefined): void {
    this.#ws.closeNewConnections(fault);
  }

  announceShutdown(closeAfterMs?: number): void {
    this.#ws.announceShutdown(closeAfterMs);
  }

  rateLimitNext(n = 1): void {
    this.#limits.limitNext(n);
  }

  ban(ms: number): void {
    this.#limits.ban(ms, this.#limitClock.now());
  }

  resetLimits(): void {
    this.#limits.reset();
  }

  clearLog(): void {
    this.#log.length = 0;
    this.#ws.log.length = 0;
  }

  async close(): Promise<void> {
    await this.#ws.close();
    await this.#http.close();
  }

  #booksOf(symbol: string | undefined): DepthBook[] {
    const targets = symbol === undefined ? this.markets.listed(this.model.now()) : [this.markets.get(symbol)].filter((m): m is BinanceMarket => m !== undefined);
    return targets.map((market) => this.#bookOf(market, this.model.now()));
  }

  #bookOf(market: BinanceMarket, now: number): DepthBook {
    let book = this.#books.get(market.symbol);
    if (book === undefined) {
      book = new DepthBook(this.markets, market, this.model.seed, this.#depth);
      this.#books.set(market.symbol, book);
    }
    book.advanceTo(now);
    return book;
  }

  #serve(request: IncomingMessage, response: ServerResponse): void {
    const at = this.model.now();
    const limitAt = this.#limitClock.now();
    const { method, url } = requestTarget(request);
    const route = method === 'GET' ? findBinanceRoute(url.pathname) : undefined;
    const unit = String(request.headers['x-mbx-time-unit'] ?? '').toUpperCase();
    let status: number;
    let body: WireValue | undefined;
    const headers: Record<string, string> = {};
    let weight = 0;
    if (route === undefined) {
      status = 404;
      body = undefined;
    } else {
      weight = route.weight(url.searchParams);
      const decision = this.#limits.check(weight, limitAt);
      if (decision.kind === 'banned') {
        weight = 0;
        status = 418;
        body = { code: -1003, msg: `Way too much request weight used; IP banned until ${decision.untilMs}. Please use WebSocket Streams for live updates to avoid bans.` };
        headers['retry-after'] = String(decision.retryAfterS);
      } else if (decision.kind === 'limited') {
        status = 429;
        const msg = `Too much request weight used; current limit is ${this.#limits.limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`;
        body = { code: -1003, msg };
        headers['retry-after'] = String(decision.retryAfterS);
      } else {
        [status, body] = this.#handle(() =>
          route.handle({ markets: this.markets, book: (m) => this.#bookOf(m, at), now: at, query: url.searchParams, tf: unit === 'MICROSECOND' ? 1000 : 1 }),
        );
      }
    }
    const used = this.#limits.used(limitAt);
    headers['x-mbx-used-weight-1m'] = String(used);
    headers['x-mbx-used-weight'] = String(used);
    const text = body === undefined ? '' : stringifyWire(body);
    this.#log.push({ at, method, path: url.pathname, query: Object.fromEntries(url.searchParams), weight, status, usedWeight: used });
    writeReply(response, status, { 'content-type': JSON_TYPE, ...headers }, text);
  }

  #handle(work: () => WireValue): [number, WireValue] {
    try {
      return [200, work()];
    } catch (error) {
      if (error instanceof BinanceReplyError) return [error.status, error.body];
      return [500, { code: -1000, msg: 'An unknown error occurred while processing the request.' }];
    }
  }
}

/**
 * Starts a Binance Spot simulator on 127.0.0.1 (REST and streams on one port).
 *
 * @example
 * ```ts
 * import { startBinanceSimulator } from 'market-data-backbone/testing';
 * const sim = await startBinanceSimulator({ seed: 7 });
 * const reply = await fetch(`${sim.url}/api/v3/depth?symbol=BTCUSDT&limit=5`);
 * reply.headers.get('x-mbx-used-weight-1m'); // '5'
 * await sim.close();
 * ```
 */
export async function startBinanceSimulator(options: BinanceSimulatorOptions = {}): Promise<BinanceSimulator> {
  const simulator = new Simulator(options);
  await simulator.listen(options.port ?? 0);
  return simulator;
}
