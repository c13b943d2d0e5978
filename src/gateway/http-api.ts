/**
 * The gateway's HTTP routes: `/v1/ticker`, `/v1/tickers`, `/v1/orderbook`, `/v1/trades`,
 * `/v1/candles`, `/v1/markets`, `/v1/arbitrage`, `/v1/depth` (the book's depth and liquidity metrics),
 * JSON with decimals and ids as strings. A ticker or
 * book comes from the gateway's live stream of that key when its latest value is fresh (a ticker
 * request keeps the ticker stream open a while, so polling clients are answered without a request
 * upstream), else from the library's REST path. Errors are `{ "error": { "name", "message" } }`.
 */
import { firstValueFrom, timeout, type SchedulerLike } from 'rxjs';
import { ConnectionError, ExchangeError, GatewayError, InvalidArgumentError, MarketDataError, RateLimitError, UnknownSymbolError } from '../errors/index.js';
import type { ExchangeId } from '../exchanges/registry.js';
import type { CandleInterval } from '../model/candle.js';
import { computeBookMetrics, planBookMetrics } from '../model/book-metrics.js';
import { parseStreamSpec, streamKey, toWireError, type StreamSpec } from '../remote/gateway-protocol.js';
import { checkServed, specExchanges, type GatewaySource } from './gateway-source.js';
import type { StreamFanout } from './stream-fanout.js';

/** What the routes read. */
export interface HttpContext {
  readonly source: GatewaySource;
  readonly fanout: StreamFanout;
  readonly scheduler: SchedulerLike;
  readonly defaultExchange: string;
  /** A live value older than this is not answered from (ms). */
  readonly freshMs: number;
  /** How long a ticker request keeps its stream open after the last one (ms). */
  readonly leaseMs: number;
  /** How long `/v1/arbitrage` waits for the first snapshot (ms). */
  readonly arbitrageTimeoutMs: number;
  /** The exchanges served; `undefined`: all. */
  readonly exchanges: readonly string[] | undefined;
}

/** A reply: status, JSON body, extra headers. */
export interface HttpReply {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

type Route = (context: HttpContext, query: URLSearchParams) => Promise<string>;

const badRequest = (message: string): GatewayError => new GatewayError(message, { code: 'bad-request' });

/** A query parameter that must be there. */
function required(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null || value === '') throw badRequest(`Missing query parameter ${name}`);
  return value;
}

/** A whole-number parameter, or `undefined` when absent (the library checks its range). */
function integer(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  if (!/^\d{1,9}$/.test(value)) throw badRequest(`${name} is a whole number, not ${value}`);
  return Number(value);
}

/** A time parameter: ms since the epoch or an ISO date. */
function time(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw badRequest(`${name} is ms since the epoch or an ISO date, not ${value}`);
  return ms;
}

/** A stream spec from the query, checked for shape like a `/v1/stream` request. */
function spec(context: HttpContext, fields: Record<string, unknown>): StreamSpec {
  const parsed = parseStreamSpec(fields, context.defaultExchange);
  if (parsed instanceof GatewayError) throw parsed;
  checkServed(context.exchanges, ...specExchanges(parsed));
  return parsed;
}

/** The live value of the feed of `key` when it is fresh; `lease` opens (or keeps) that feed for later requests. */
function liveData(context: HttpContext, key: StreamSpec, lease: boolean): string | undefined {
  const feed = lease ? context.fanout.lease(key, context.leaseMs) : context.fanout.get(streamKey(key));
  if (feed?.latestData === undefined || feed.lastAt === undefined) return undefined;
  return context.scheduler.now() - feed.lastAt <= context.freshMs ? feed.latestData : undefined;
}

const tickerSpec = (context: HttpContext, query: URLSearchParams): StreamSpec =>
  spec(context, { channel: 'ticker', exchange: query.get('exchange') ?? undefined, symbol: required(query, 'symbol') });

/**
 * The `/v1/ticker` answer when the live stream has a fresh one, synchronously (the hot path of polling
 * clients: no promise, no request upstream); `undefined` when the route must go the asynchronous way
 * (no fresh value, or a bad query, which that way answers with its error).
 *
 * @example
 * ```ts
 * const body = liveTicker(context, new URLSearchParams('symbol=KRW-BTC')) ?? (await answerApi(context, '/v1/ticker', query))?.body;
 * ```
 */
export function liveTicker(context: HttpContext, query: URLSearchParams): string | undefined {
  let ticker: StreamSpec;
  try {
    ticker = tickerSpec(context, query);
  } catch {
    return undefined;
  }
  return liveData(context, ticker, true);
}

const ROUTES: Readonly<Record<string, Route>> = {
  '/v1/ticker': async (context, query) => {
    const ticker = tickerSpec(context, query);
    const live = liveData(context, ticker, true);
    if (live !== undefined) return live;
    return JSON.stringify(await context.source.getTicker(ticker.symbol ?? '', { exchange: ticker.exchange as ExchangeId }));
  },
  '/v1/tickers': async (context, query) => {
    const symbols = required(query, 'symbols').split(',');
    return JSON.stringify(await context.source.getTickers(symbols, { exchange: exchangeOf(context, query) }));
  },
  '/v1/orderbook': async (context, query) => {
    const book = spec(context, { channel: 'orderbook', exchange: query.get('exchange') ?? undefined, symbol: required(query, 'symbol'), depth: integer(query, 'depth') });
    const live = liveData(context, book, false);
    if (live !== undefined) return live;
    return JSON.stringify(await context.source.getOrderBook(book.symbol ?? '', { exchange: book.exchange as ExchangeId, depth: book.depth }));
  },
  '/v1/trades': async (context, query) =>
    JSON.stringify(await context.source.getTrades(required(query, 'symbol'), { exchange: exchangeOf(context, query), count: integer(query, 'count') })),
  '/v1/candles': async (context, query) => {
    const options = { exchange: exchangeOf(context, query), count: integer(query, 'count'), from: time(query, 'from'), to: time(query, 'to'), fill: query.get('fill') === 'true' ? true : undefined };
    const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
    return JSON.stringify(await context.source.getCandles(required(query, 'symbol'), required(query, 'interval') as CandleInterval, defined));
  },
  '/v1/markets': async (context, query) => JSON.stringify(await context.source.getMarkets({ exchange: exchangeOf(context, query) })),
  '/v1/depth': async (context, query) => {
    const book = spec(context, { channel: 'orderbook', exchange: query.get('exchange') ?? undefined, symbol: required(query, 'symbol'), depth: integer(query, 'depth') });
    const bands = query.get('bands');
    const levels = integer(query, 'levels');
    const options = {
      ...(bands === null || bands === '' ? {} : { bands: bands.split(',').map((band) => (/^\d+(?:\.\d+)?$/.test(band) ? Number(band) : Number.NaN)) }),
      ...(levels === undefined ? {} : { levels }),
    };
    const plan = planBookMetrics(options); // bad bands or levels: a 400 before any request upstream
    return JSON.stringify(computeBookMetrics(await context.source.getOrderBook(book.symbol ?? '', { exchange: book.exchange as ExchangeId, depth: book.depth }), plan));
  },
  '/v1/arbitrage': async (context, query) => {
    const exchanges = required(query, 'exchanges').split(',') as ExchangeId[];
    checkServed(context.exchanges, ...exchanges);
    // `fx`: the premium's bases (usdt, official, both) or a market rate (upbit:USDT/KRW); the library checks it.
    const fx = query.get('fx');
    const options = fx === null || fx === '' ? {} : { fx };
    const snapshot$ = context.source.streamArbitrage(required(query, 'base'), exchanges, options).pipe(timeout({ first: context.arbitrageTimeoutMs }));
    return JSON.stringify(await firstValueFrom(snapshot$));
  },
};

function exchangeOf(context: HttpContext, query: URLSearchParams): ExchangeId {
  const exchange = query.get('exchange') ?? context.defaultExchange;
  checkServed(context.exchanges, exchange);
  return exchange as ExchangeId;
}

/** The route names the gateway answers (for bounded metric labels). */
export const HTTP_ROUTES: readonly string[] = Object.keys(ROUTES);

/**
 * Answers one API request; `undefined` when `path` is none of the routes.
 *
 * @example
 * ```ts
 * const reply = await answerApi(context, '/v1/ticker', new URLSearchParams('symbol=KRW-BTC'));
 * ```
 */
export async function answerApi(context: HttpContext, path: string, query: URLSearchParams): Promise<HttpReply | undefined> {
  const route = ROUTES[path];
  if (route === undefined) return undefined;
  try {
    return { status: 200, body: await route(context, query) };
  } catch (error) {
    return errorReply(error);
  }
}

/**
 * The status, `Retry-After` and body of a failed request: 400 bad input, 404 unknown market, 429 when
 * the exchange limits us, 503 when it cannot be reached, 502 for another exchange error.
 *
 * @example
 * ```ts
 * errorReply(new UnknownSymbolError('Unknown market', { exchange: 'upbit', symbol: 'KRW-NOPE' })).status; // 404
 * ```
 */
export function errorReply(error: unknown): HttpReply {
  const body = JSON.stringify({ error: toWireError(error) });
  if (error instanceof GatewayError) return { status: error.code === 'not-found' ? 404 : error.code === 'draining' ? 503 : 400, body };
  if (error instanceof InvalidArgumentError) return { status: 400, body };
  if (error instanceof UnknownSymbolError) return { status: 404, body };
  if (error instanceof RateLimitError) return { status: 429, body, headers: { 'retry-after': String(Math.max(1, Math.ceil(error.retryAfterMs / 1_000))) } };
  if (error instanceof ConnectionError || (error instanceof MarketDataError && error.name === 'MarketDataError')) return { status: 503, body, headers: { 'retry-after': '1' } };
  if (error instanceof ExchangeError) return { status: 502, body };
  if (error instanceof Error && error.name === 'TimeoutError') return { status: 503, body, headers: { 'retry-after': '1' } };
  return { status: 500, body };
}
