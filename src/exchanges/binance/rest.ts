/**
 * Binance Spot REST requests as data: paths, query parameters (in Binance's spelling, in send order),
 * and the request weight each one costs against the IP-wide `REQUEST_WEIGHT` budget.
 *
 * Weights are the current ones (after the rises of 2023, 2024 and 2025). The server's own count,
 * `X-MBX-USED-WEIGHT-1M`, corrects the limiter after every reply (see `reply.ts`), so a stale weight
 * here costs a little pacing accuracy, never a ban.
 *
 * @see https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints
 * @see https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits
 */
import { MarketDataError } from '../../errors/index.js';
import { CANDLE_INTERVALS, type CandleInterval } from '../../model/candle.js';
import type { RateLimitRule } from '../../core/rate-limit/rate-limiter.js';
import type { CandlesQuery, RestRequest, TradesQuery } from '../../core/exchange-adapter.js';
import { BINANCE_ID } from './symbols.js';

/** Binance's general REST host (`https://data-api.binance.vision` serves the same market data). */
export const BINANCE_REST_URL = 'https://api.binance.com';

/** Market-data paths. */
export const BINANCE_PATHS = {
  exchangeInfo: '/api/v3/exchangeInfo',
  ticker24hr: '/api/v3/ticker/24hr',
  depth: '/api/v3/depth',
  trades: '/api/v3/trades',
  klines: '/api/v3/klines',
} as const;

/** The rate-limit group every market-data request counts against: the IP's request weight. */
export const BINANCE_WEIGHT_GROUP = 'REQUEST_WEIGHT';

/** `REQUEST_WEIGHT`: 6000 per minute per IP (shared with the WebSocket API). */
export const BINANCE_RATE_LIMITS: readonly RateLimitRule[] = [{ group: BINANCE_WEIGHT_GROUP, limit: 6000, windowMs: 60_000 }];

/**
 * Markets per request. A `symbols` list of 1-20 costs weight 2, 21-100 costs 40: five requests of 20
 * cost 10 where one of 100 costs 40, so 20 is the cheapest batch. `depth` takes one symbol.
 */
export const BINANCE_MAX_BATCH = { ticker: 20, orderBook: 1 } as const;

/** Server-side caps of `limit`. */
export const BINANCE_MAX_LIMIT = { depth: 5000, trades: 1000, klines: 1000 } as const;

/**
 * `limit` of the snapshot that diff streams sync against: 1000 levels per side (weight 50). The
 * deepest snapshot costs 250, so a reconnect that resyncs 24 books at once would spend the whole
 * 6000-per-minute weight; at 1000 it spends 1200. Levels beyond the snapshot show up as they change.
 */
export const BINANCE_SNAPSHOT_LIMIT = 1000;

/** `limit` of the deepest snapshot Binance serves (weight 250), for {@link buildDepthSnapshotRequest}. */
export const BINANCE_FULL_SNAPSHOT_LIMIT = 5000;

/** Kline interval of every library interval Binance serves; `10m` and `1y` have none. */
const KLINE_INTERVALS: Readonly<Partial<Record<CandleInterval, string>>> = {
  '1s': '1s',
  '1m': '1m',
  '3m': '3m',
  '5m': '5m',
  '15m': '15m',
  '30m': '30m',
  '1h': '1h',
  '4h': '4h',
  '1d': '1d',
  '1w': '1w',
  '1M': '1M',
};

/** Library interval of each Binance kline interval the library knows (`1h` → `1h`). */
const FROM_KLINE_INTERVAL: ReadonlyMap<string, CandleInterval> = new Map(
  CANDLE_INTERVALS.flatMap((interval) => {
    const native = KLINE_INTERVALS[interval];
    return native === undefined ? [] : [[native, interval] as const];
  }),
);

/**
 * Binance's spelling of a library candle interval, or `undefined` when Binance has no such interval.
 *
 * @example
 * ```ts
 * toBinanceKlineInterval('1M'); // '1M' (month; `1m` is the minute)
 * toBinanceKlineInterval('10m'); // undefined
 * ```
 */
export function toBinanceKlineInterval(interval: CandleInterval): string | undefined {
  return KLINE_INTERVALS[interval];
}

/**
 * The library interval of a Binance kline interval, or `undefined` for one the library lacks (`2h`).
 *
 * @example
 * ```ts
 * fromBinanceKlineInterval('4h'); // '4h'
 * ```
 */
export function fromBinanceKlineInterval(native: string): CandleInterval | undefined {
  return FROM_KLINE_INTERVAL.get(native);
}

/**
 * `true` when Binance serves candles of `interval` (REST klines and `@kline_` streams alike).
 *
 * @example
 * ```ts
 * isBinanceCandleInterval('1y'); // false
 * ```
 */
export function isBinanceCandleInterval(interval: CandleInterval): boolean {
  return KLINE_INTERVALS[interval] !== undefined;
}

/**
 * The Binance interval of `interval`, or a {@link MarketDataError} naming the ones Binance has.
 *
 * @example
 * ```ts
 * requireBinanceKlineInterval('1h'); // '1h'
 * ```
 */
export function requireBinanceKlineInterval(interval: CandleInterval): string {
  const native = KLINE_INTERVALS[interval];
  if (native !== undefined) return native;
  const served = Object.keys(KLINE_INTERVALS).join(', ');
  throw new MarketDataError(`Binance candles are not available: interval ${interval} is not one of ${served}`, { exchange: BINANCE_ID });
}

/**
 * Request weight of `GET /api/v3/depth` for a `limit` (omitted = the server's 100): 5 up to 100, 25 up
 * to 500, 50 up to 1000, 250 beyond.
 *
 * @example
 * ```ts
 * depthWeight(5000); // 250
 * ```
 */
export function depthWeight(limit: number | undefined): number {
  const levels = limit ?? 100;
  return levels <= 100 ? 5 : levels <= 500 ? 25 : levels <= 1000 ? 50 : 250;
}

/**
 * Request weight of `GET /api/v3/ticker/24hr` for `count` symbols: 2 for one, 2 for a list of up to
 * 20, 40 up to 100, 80 beyond or for all symbols (`count` 0).
 *
 * @example
 * ```ts
 * tickerWeight(21); // 40
 * ```
 */
export function tickerWeight(count: number): number {
  if (count === 0) return 80;
  return count <= 20 ? 2 : count <= 100 ? 40 : 80;
}

/** A `limit` clamped to `1..max` as a string; `undefined` (or NaN) leaves the server default. */
function toLimit(count: number | undefined, max: number): string | undefined {
  if (count === undefined || Number.isNaN(count)) return undefined;
  return String(Math.min(max, Math.max(1, Math.floor(count))));
}

/**
 * `GET /api/v3/exchangeInfo?showPermissionSets=false`: every symbol with its filters (weight 20).
 * Permission sets are long lists the mapper does not read, so they are left out of the reply.
 *
 * @example
 * ```ts
 * buildMarketsRequest().query; // { showPermissionSets: 'false' }
 * ```
 */
export function buildMarketsRequest(): RestRequest {
  return { path: BINANCE_PATHS.exchangeInfo, query: { showPermissionSets: 'false' }, group: BINANCE_WEIGHT_GROUP, cost: 20 };
}

/**
 * `GET /api/v3/ticker/24hr`: one market as `symbol=`, several as a JSON array `symbols=["A","B"]`
 * (duplicates removed: the server refuses them with -1151), none for every market. Weight by count.
 *
 * @example
 * ```ts
 * buildTickersRequest(['BTCUSDT', 'ETHUSDT']).query; // { symbols: '["BTCUSDT","ETHUSDT"]' }
 * ```
 */
export function buildTickersRequest(markets: readonly string[]): RestRequest {
  const unique = [...new Set(markets)];
  const base = { path: BINANCE_PATHS.ticker24hr, group: BINANCE_WEIGHT_GROUP, cost: tickerWeight(unique.length) };
  if (unique.length === 0) return { ...base, query: {} };
  if (unique.length === 1) return { ...base, query: { symbol: unique[0]! } };
  return { ...base, query: { symbols: JSON.stringify(unique) } };
}

/**
 * `GET /api/v3/depth?symbol=&limit=`: the book of one market (Binance takes one symbol per call),
 * `depth` levels per side (clamped to 1-5000; omitted = the server's 100). Weight by limit.
 *
 * @example
 * ```ts
 * buildOrderBooksRequest(['BTCUSDT'], 20); // { path: '/api/v3/depth', query: { symbol: 'BTCUSDT', limit: '20' }, cost: 5, ... }
 * ```
 */
export function buildOrderBooksRequest(markets: readonly string[], depth?: number): RestRequest {
  const market = markets[0];
  if (market === undefined || markets.length !== 1) {
    throw new MarketDataError(`Binance order books could not be requested: one market per call, got ${markets.length}`, { exchange: BINANCE_ID });
  }
  const limit = toLimit(depth, BINANCE_MAX_LIMIT.depth);
  const query: Record<string, string> = { symbol: market };
  if (limit !== undefined) query['limit'] = limit;
  return { path: BINANCE_PATHS.depth, query, group: BINANCE_WEIGHT_GROUP, cost: depthWeight(limit === undefined ? undefined : Number(limit)) };
}

/**
 * `GET /api/v3/depth?symbol=&limit=`: the snapshot diff streams sync against. `limit` defaults to
 * {@link BINANCE_SNAPSHOT_LIMIT} (1000, weight 50); pass {@link BINANCE_FULL_SNAPSHOT_LIMIT} (5000,
 * weight 250) for the deepest book. It is clamped to 1-5000 and charged by {@link depthWeight}.
 *
 * @example
 * ```ts
 * buildDepthSnapshotRequest('BTCUSDT').query; // { symbol: 'BTCUSDT', limit: '1000' }
 * buildDepthSnapshotRequest('BTCUSDT', BINANCE_FULL_SNAPSHOT_LIMIT).cost; // 250
 * ```
 */
export function buildDepthSnapshotRequest(market: string, limit: number = BINANCE_SNAPSHOT_LIMIT): RestRequest {
  const levels = toLimit(limit, BINANCE_MAX_LIMIT.depth) ?? String(BINANCE_SNAPSHOT_LIMIT);
  const query = { symbol: market, limit: levels };
  return { path: BINANCE_PATHS.depth, query, group: BINANCE_WEIGHT_GROUP, cost: depthWeight(Number(levels)) };
}

/**
 * `GET /api/v3/trades?symbol=&limit=`: the most recent trades, oldest first (limit clamped to
 * 1-1000; omitted = the server's 500). Weight 25.
 *
 * @example
 * ```ts
 * buildTradesRequest('BTCUSDT', { count: 100 }).query; // { symbol: 'BTCUSDT', limit: '100' }
 * ```
 */
export function buildTradesRequest(market: string, query: TradesQuery): RestRequest {
  const limit = toLimit(query.count, BINANCE_MAX_LIMIT.trades);
  const params: Record<string, string> = { symbol: market };
  if (limit !== undefined) params['limit'] = limit;
  return { path: BINANCE_PATHS.trades, query: params, group: BINANCE_WEIGHT_GROUP, cost: 25 };
}

/**
 * `GET /api/v3/klines?symbol=&interval=&endTime=&limit=`: candles oldest first, the newest ones that
 * start before `to`. Binance's `endTime` is inclusive and matches open times, so the exclusive `to`
 * becomes `ceil(to) - 1`. `limit` is clamped to 1-1000 (omitted = the server's 500). Weight 2.
 * Intervals Binance lacks (`10m`, `1y`) throw a {@link MarketDataError}.
 *
 * @example
 * ```ts
 * buildCandlesRequest('BTCUSDT', '1h', { count: 24, to: 1_750_000_000_000 }).query;
 * // { symbol: 'BTCUSDT', interval: '1h', endTime: '1749999999999', limit: '24' }
 * ```
 */
export function buildCandlesRequest(market: string, interval: CandleInterval, query: CandlesQuery): RestRequest {
  const params: Record<string, string> = { symbol: market, interval: requireBinanceKlineInterval(interval) };
  if (query.to !== undefined) {
    if (!Number.isFinite(query.to)) throw new RangeError(`Binance candles could not be requested: to ${query.to} is not a time`);
    params['endTime'] = String(Math.ceil(query.to) - 1);
  }
  const limit = toLimit(query.count, BINANCE_MAX_LIMIT.klines);
  if (limit !== undefined) params['limit'] = limit;
  return { path: BINANCE_PATHS.klines, query: params, group: BINANCE_WEIGHT_GROUP, cost: 2 };
}
