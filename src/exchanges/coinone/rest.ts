/**
 * Coinone public REST v2 requests as data: paths (quote first: `/orderbook/KRW/BTC`), query parameters
 * in Coinone's spelling, the rate-limit group and the limits themselves.
 *
 * @see https://docs.coinone.co.kr/reference/ (Public API v2 and its rate-limit page)
 */
import { MarketDataError } from '../../errors/index.js';
import type { CandleInterval } from '../../model/candle.js';
import type { RateLimitRule } from '../../core/rate-limit/rate-limiter.js';
import type { CandlesQuery, RestRequest, TradesQuery } from '../../core/exchange-adapter.js';
import { COINONE_ID, toCoinonePair } from './symbols.js';

/** Coinone's REST host; public v2 paths start with `/public/v2`. */
export const COINONE_REST_URL = 'https://api.coinone.co.kr';

/** The quote currency whose markets {@link buildCoinoneMarketsRequest} lists: KRW is Coinone's only live one. */
export const COINONE_QUOTE = 'KRW';

/** The one rate-limit group: every public v2 call counts against the same per-IP budget. */
export const COINONE_PUBLIC_GROUP = 'public';

/**
 * Public v2: 1200 requests per minute per IP. The server seems to run a token bucket (burst 1200,
 * refill 20/s); the limiter's sliding window never exceeds either reading.
 */
export const COINONE_RATE_LIMITS: readonly RateLimitRule[] = [{ group: COINONE_PUBLIC_GROUP, limit: 1200, windowMs: 60_000 }];

/**
 * Markets per request. One ticker request serves any number of markets: several go to the all-markets
 * `ticker_new/{quote}` (one call, ~360 rows, the caller keeps the ones it asked for), so the cap is only
 * there to keep the value finite. Coinone has no multi-market order book, so books go one per request.
 */
export const COINONE_MAX_BATCH = { ticker: 1000, orderBook: 1 } as const;

/** Values the server accepts for `size`, and the chart's upper bound. */
export const COINONE_SIZES = {
  orderBook: [5, 10, 15, 16],
  trades: [10, 50, 100, 150, 200],
  candlesMax: 500,
} as const;

/**
 * The chart `interval` of every library interval Coinone has (`1M` is Coinone's `1mon`). `1s`, `1y`
 * and `10m` are absent: the last is listed on one docs page but not in the API's own enum.
 */
export const COINONE_CANDLE_INTERVALS: Readonly<Partial<Record<CandleInterval, string>>> = {
  '1m': '1m',
  '3m': '3m',
  '5m': '5m',
  '15m': '15m',
  '30m': '30m',
  '1h': '1h',
  '4h': '4h',
  '1d': '1d',
  '1w': '1w',
  '1M': '1mon',
};

/**
 * Coinone's chart interval of a library interval. Throws a `MarketDataError` for intervals Coinone
 * has no candles of (`1s`, `10m`, `1y`).
 *
 * @example
 * ```ts
 * toCoinoneInterval('1M'); // '1mon'
 * ```
 */
export function toCoinoneInterval(interval: CandleInterval): string {
  const native = COINONE_CANDLE_INTERVALS[interval];
  if (native !== undefined) return native;
  const known = Object.keys(COINONE_CANDLE_INTERVALS).join(', ');
  throw new MarketDataError(`Coinone candles are not available: interval ${interval} (use ${known})`, { exchange: COINONE_ID });
}

/** The smallest accepted size that covers `wanted` (the largest when none does); `undefined` keeps the server default. */
function toSize(wanted: number | undefined, sizes: readonly number[]): string | undefined {
  if (wanted === undefined || Number.isNaN(wanted)) return undefined;
  return String(sizes.find((size) => size >= wanted) ?? sizes[sizes.length - 1]);
}

/**
 * `GET /public/v2/markets/KRW`: every market of the KRW quote, with its order limits.
 *
 * @example
 * ```ts
 * buildCoinoneMarketsRequest(); // { path: '/public/v2/markets/KRW', query: {}, group: 'public' }
 * ```
 */
export function buildCoinoneMarketsRequest(): RestRequest {
  return { path: `/public/v2/markets/${COINONE_QUOTE}`, query: {}, group: COINONE_PUBLIC_GROUP };
}

/**
 * Tickers with `additional_data=true` (for `yesterday_last`, the previous close). One market →
 * `ticker_new/{quote}/{target}`; several → `ticker_new/{quote}` (all markets of the first market's quote:
 * markets of another quote are missing from the reply, which the caller reports as unknown; Coinone
 * lists KRW markets only). No market lists every KRW ticker.
 *
 * @example
 * ```ts
 * buildCoinoneTickersRequest(['KRW-BTC']).path; // '/public/v2/ticker_new/KRW/BTC'
 * buildCoinoneTickersRequest(['KRW-BTC', 'KRW-ETH']).path; // '/public/v2/ticker_new/KRW'
 * ```
 */
export function buildCoinoneTickersRequest(markets: readonly string[]): RestRequest {
  const query = { additional_data: 'true' };
  const [first] = markets;
  if (first === undefined) return { path: `/public/v2/ticker_new/${COINONE_QUOTE}`, query, group: COINONE_PUBLIC_GROUP };
  const { quote, target } = toCoinonePair(first);
  const path = markets.length === 1 ? `/public/v2/ticker_new/${quote}/${target}` : `/public/v2/ticker_new/${quote}`;
  return { path, query, group: COINONE_PUBLIC_GROUP };
}

/**
 * `GET /public/v2/orderbook/{quote}/{target}?size=`: one market's book. `depth` becomes the smallest
 * accepted size (5, 10, 15, 16) that covers it, so up to 4 extra levels may come back; omitted leaves
 * the server's 15. Throws a `RangeError` for anything but exactly one market (see
 * {@link COINONE_MAX_BATCH}).
 *
 * @example
 * ```ts
 * buildCoinoneOrderBooksRequest(['KRW-BTC'], 8); // { path: '/public/v2/orderbook/KRW/BTC', query: { size: '10' }, group: 'public' }
 * ```
 */
export function buildCoinoneOrderBooksRequest(markets: readonly string[], depth?: number): RestRequest {
  const [market] = markets;
  if (market === undefined || markets.length !== 1) {
    throw new RangeError(`Coinone order books are fetched one market per request, not ${markets.length}`);
  }
  const { quote, target } = toCoinonePair(market);
  const size = toSize(depth, COINONE_SIZES.orderBook);
  return { path: `/public/v2/orderbook/${quote}/${target}`, query: size === undefined ? {} : { size }, group: COINONE_PUBLIC_GROUP };
}

/**
 * `GET /public/v2/trades/{quote}/{target}?size=`: the latest trades, newest first. `count` becomes the
 * smallest accepted size (10, 50, 100, 150, 200) that covers it; omitted leaves the server's 200.
 *
 * @example
 * ```ts
 * buildCoinoneTradesRequest('KRW-BTC', { count: 30 }).query; // { size: '50' }
 * ```
 */
export function buildCoinoneTradesRequest(market: string, query: TradesQuery): RestRequest {
  const { quote, target } = toCoinonePair(market);
  const size = toSize(query.count, COINONE_SIZES.trades);
  return { path: `/public/v2/trades/${quote}/${target}`, query: size === undefined ? {} : { size }, group: COINONE_PUBLIC_GROUP };
}

/**
 * `GET /public/v2/chart/{quote}/{target}?interval=&timestamp=&size=`: candles, newest first. Coinone's
 * `timestamp` is inclusive, so the exclusive `to` becomes `to - 1`; `count` is clamped to 1-500
 * (omitted = the server's 200).
 *
 * @example
 * ```ts
 * buildCoinoneCandlesRequest('KRW-BTC', '1h', { count: 24, to: 1_700_000_000_000 }).query;
 * // { interval: '1h', timestamp: '1699999999999', size: '24' }
 * ```
 */
export function buildCoinoneCandlesRequest(market: string, interval: CandleInterval, query: CandlesQuery): RestRequest {
  const { quote, target } = toCoinonePair(market);
  const params: Record<string, string> = { interval: toCoinoneInterval(interval) };
  if (query.to !== undefined) {
    if (!Number.isFinite(query.to)) throw new RangeError(`Coinone candle bound is invalid: ${query.to}`);
    params['timestamp'] = String(Math.ceil(query.to) - 1);
  }
  if (query.count !== undefined && !Number.isNaN(query.count)) {
    params['size'] = String(Math.min(COINONE_SIZES.candlesMax, Math.max(1, Math.floor(query.count))));
  }
  return { path: `/public/v2/chart/${quote}/${target}`, query: params, group: COINONE_PUBLIC_GROUP };
}
