/**
 * A protocol-faithful Coinone public API server on 127.0.0.1: REST v2 under `/public/v2/…` and the
 * public WebSocket on the same port, priced from the shared {@link MarketModel} at a small premium to
 * Upbit. Every REST reply, errors included, has HTTP status 200 and a `result` field; the rate limit is
 * a token bucket (1200 burst, 20/s) reported in `Public-Ratelimit-Remaining` while quota remains.
 * An unknown path answers an HTML page with status 200, as the live host does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CoinoneMarket } from './market.js';
import { CoinoneRateLimit, type CoinoneRateLimitOptions } from './rate-limit.js';
import { COINONE_ERRORS, CoinoneReplyError, findCoinoneRoute, isCoinoneV1Path } from './routes.js';
import type { WireObject } from './wire.js';
import { attachCoinoneWebSocket, type CoinoneWsSimulator, type CoinoneWsSimulatorOptions } from './ws-simulator.js';
import { MarketModel, type MarketModelOptions } from '../market/market-model.js';
import type { SimClock } from '../market/model-types.js';
import { requestTarget, SimHttpServer } from '../server/sim-server.js';
import { stringifyWire } from '../server/wire-json.js';

export { CoinoneMarket, COINONE_CHART_INTERVALS, COINONE_QUOTE, chartPeriodStart, coinoneId } from './market.js';
export type { CoinoneBook, CoinoneCandle, CoinoneChartInterval, CoinoneLevel, CoinoneStats, CoinoneTicker, CoinoneTrade } from './market.js';
export { CoinoneRateLimit } from './rate-limit.js';
export type { CoinoneRateLimitOptions } from './rate-limit.js';
export { COINONE_ERRORS, CoinoneReplyError, findCoinoneRoute, isCoinoneV1Path } from './routes.js';
export type { CoinoneRouteRequest } from './routes.js';
export { COINONE_WS_CHANNELS, dotted, toDataFrame } from './wire.js';
export type { CoinoneWsChannel, CoinoneWsFormat, WireObject } from './wire.js';
export { COINONE_WS_BOOK_LEVELS, CoinoneWsFeed } from './ws-feed.js';
export type { CoinoneWsData, CoinoneWsStream } from './ws-feed.js';
export { COINONE_WS_CHART_INTERVALS, coinoneWsError, parseCoinoneWsRequest } from './ws-request.js';
export type { CoinoneWsRequest, CoinoneWsTopic } from './ws-request.js';
export type { CoinoneWsRequestLogEntry } from './ws-connection.js';
export { attachCoinoneWebSocket, COINONE_WS_CLOSE_TOO_MANY_CONNECTIONS } from './ws-simulator.js';
export type { CoinoneWsSimulator, CoinoneWsSimulatorOptions } from './ws-simulator.js';

/** Options of {@link startCoinoneSimulator}. Model options apply when no `model` is given. */
export interface CoinoneSimulatorOptions extends MarketModelOptions {
  /** Serve this model (share it with an Upbit simulator to get related prices). */
  readonly model?: MarketModel | undefined;
  /** Coinone's price gap to the model: prices are `model × (1 + premium)`, on Coinone's tick. @default -0.001 */
  readonly premium?: number | undefined;
  /** Port on 127.0.0.1. @default 0 (any free port) */
  readonly port?: number | undefined;
  /** REST rate limit. @default Coinone's: burst 1200, 20 per second */
  readonly rateLimit?: CoinoneRateLimitOptions | undefined;
  /** Clock of the rate limit (pass a real one when the model runs on a manual clock). @default the model's clock */
  readonly limitClock?: SimClock | undefined;
  /** WebSocket options. @default Coinone's behaviour */
  readonly ws?: CoinoneWsSimulatorOptions | undefined;
}

/** One served REST request. */
export interface CoinoneRequestLogEntry {
  /** Model-clock time of arrival (ms). */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** `error_code` of the reply (`"0"` on success), `undefined` for non-API paths. */
  readonly errorCode: string | undefined;
}

/** A running Coinone simulator. */
export interface CoinoneSimulator {
  /** REST base, e.g. `http://127.0.0.1:54321` (paths start with `/public/v2`). */
  readonly url: string;
  /** WebSocket URL on the same port, e.g. `ws://127.0.0.1:54321`. */
  readonly wsUrl: string;
  readonly port: number;
  readonly model: MarketModel;
  /** Coinone's prices of the model. */
  readonly market: CoinoneMarket;
  /** The WebSocket side and its controls. */
  readonly ws: CoinoneWsSimulator;
  /** Every REST request so far, oldest first. */
  readonly requests: readonly CoinoneRequestLogEntry[];
  /** Answers the next `n` REST requests with the rate-limit error (error 4, HTTP 200). @default n = 1 */
  rateLimitNext(n?: number): void;
  /** Terminates every WebSocket connection without a close frame. */
  dropAll(): void;
  /** Empties {@link CoinoneSimulator.requests} and the WebSocket log. */
  clearLog(): void;
  /** Refills the rate-limit bucket. */
  resetLimits(): void;
  /** Stops listening and closes every socket. */
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json';
const NOT_FOUND_PAGE = '<!DOCTYPE html><html><head><title>Coinone API</title></head><body><h1>Coinone API documentation</h1></body></html>';

class Simulator implements CoinoneSimulator {
  readonly model: MarketModel;
  readonly market: CoinoneMarket;
  readonly ws: CoinoneWsSimulator;
  readonly #http: SimHttpServer;
  readonly #limit: CoinoneRateLimit;
  readonly #limitClock: SimClock;
  readonly #log: CoinoneRequestLogEntry[] = [];
  #limitedNext = 0;

  constructor(options: CoinoneSimulatorOptions) {
    this.model = options.model ?? new MarketModel(options);
    this.market = new CoinoneMarket(this.model, options.premium ?? -0.001);
    this.#limit = new CoinoneRateLimit(options.rateLimit);
    this.#limitClock = options.limitClock ?? this.model.clock;
    this.#http = new SimHttpServer((request, response) => this.#serve(request, response));
    this.ws = attachCoinoneWebSocket(this.#http.server, this.market, options.ws);
  }

  get url(): string {
    return this.#http.url;
  }

  get wsUrl(): string {
    return this.ws.url;
  }

  get port(): number {
    return this.#http.port;
  }

  get requests(): readonly CoinoneRequestLogEntry[] {
    return this.#log;
  }

  listen(port: number): Promise<void> {
    return this.#http.listen(port);
  }

  rateLimitNext(n = 1): void {
    this.#limitedNext += Math.max(0, n);
  }

  dropAll(): void {
    this.ws.dropAll();
  }

  clearLog(): void {
    this.#log.length = 0;
    this.ws.clearLog();
  }

  resetLimits(): void {
    this.#limit.reset();
  }

  async close(): Promise<void> {
    await this.ws.close();
    await this.#http.close();
  }

  #serve(request: IncomingMessage, response: ServerResponse): void {
    const at = this.model.now();
    const { method, url } = requestTarget(request);
    const route = method === 'GET' ? findCoinoneRoute(url.pathname) : undefined;
    const v1 = method === 'GET' && isCoinoneV1Path(url.pathname);
    let body: WireObject | undefined;
    let remaining: number | undefined;
    if (route !== undefined || v1) {
      const forced = this.#limitedNext > 0;
      if (forced) this.#limitedNext--;
      remaining = forced ? undefined : this.#limit.take(this.#limitClock.now(), v1 ? 2 : 1);
      if (remaining === undefined) body = rateLimitBody(v1);
      else if (route === undefined) remaining = undefined; // V1 data is not simulated: the HTML page below
      else body = this.#handle(() => route.handle({ market: this.market, now: at, query: url.searchParams, quote: route.quote, target: route.target }));
    }
    const errorCode = body === undefined ? undefined : String(body['error_code'] ?? body['errorCode']);
    this.#log.push({ at, method, path: url.pathname, query: Object.fromEntries(url.searchParams), errorCode });
    const text = body === undefined ? NOT_FOUND_PAGE : stringifyWire(body);
    const headers: Record<string, string> = { 'content-type': body === undefined ? 'text/html; charset=utf-8' : JSON_TYPE, 'content-length': String(Buffer.byteLength(text)) };
    if (remaining !== undefined) headers['public-ratelimit-remaining'] = String(remaining);
    if (!response.destroyed) response.writeHead(200, headers).end(text);
  }

  #handle(handle: () => WireObject): WireObject {
    try {
      return handle();
    } catch (error) {
      if (error instanceof CoinoneReplyError) return error.body;
      return { result: 'error', error_code: '405', error_msg: `Simulator failure: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
}

/** The rate-limit refusal; legacy V1 paths spell it `errorCode`/`errorMsg`. */
function rateLimitBody(v1: boolean): WireObject {
  const { code, message } = COINONE_ERRORS.rateLimit;
  return v1 ? { result: 'error', errorCode: code, errorMsg: message } : { result: 'error', error_code: code, error_msg: message };
}

/**
 * Starts a Coinone simulator (REST v2 and WebSocket) on 127.0.0.1.
 *
 * @example
 * ```ts
 * import { startCoinoneSimulator } from 'market-data-backbone/testing';
 * const sim = await startCoinoneSimulator({ seed: 7, premium: -0.002 });
 * const reply = await fetch(`${sim.url}/public/v2/ticker_new/KRW/BTC`);
 * (await reply.json()).tickers[0].last; // e.g. '149700000.0': the model's KRW-BTC × 0.998, on the tick
 * sim.rateLimitNext(); // the next reply is {"result":"error","error_code":"4",…} with HTTP 200
 * await sim.close();
 * ```
 */
export async function startCoinoneSimulator(options: CoinoneSimulatorOptions = {}): Promise<CoinoneSimulator> {
  const simulator = new Simulator(options);
  await simulator.listen(options.port ?? 0);
  return simulator;
}
