/**
 * Upbit REST requests as data: paths, query parameters (in Upbit's spelling, in send order), the
 * rate-limit group each call counts against, and the limits themselves. Group names are the ones the
 * server sends back in `Remaining-Req` (`candles`, where Upbit's doc tables say `candle`).
 */
import type { CandleInterval } from '../../model/candle.js';
import type { CandlesQuery, RestRequest, TradesQuery } from '../../core/exchange-adapter.js';
import type { RateLimitRule } from '../../core/rate-limit/rate-limiter.js';

/** Upbit's REST host; paths start with `/v1`. */
export const UPBIT_REST_URL = 'https://api.upbit.com';

/** Quotation paths that do not depend on a parameter. */
export const UPBIT_PATHS = {
  markets: '/v1/market/all',
  ticker: '/v1/ticker',
  orderBook: '/v1/orderbook',
  trades: '/v1/trades/ticks',
} as const;

/** Candle path of every library interval. Upbit has minute units 1-240; hours are minutes there. */
const CANDLE_PATHS = {
  '1s': '/v1/candles/seconds',
  '1m': '/v1/candles/minutes/1',
  '3m': '/v1/candles/minutes/3',
  '5m': '/v1/candles/minutes/5',
  '10m': '/v1/candles/minutes/10',
  '15m': '/v1/candles/minutes/15',
  '30m': '/v1/candles/minutes/30',
  '1h': '/v1/candles/minutes/60',
  '4h': '/v1/candles/minutes/240',
  '1d': '/v1/candles/days',
  '1w': '/v1/candles/weeks',
  '1M': '/v1/candles/months',
  '1y': '/v1/candles/years',
} as const satisfies Record<CandleInterval, string>;

/** Server-side caps of `count`. */
export const UPBIT_MAX_COUNT = { trades: 500, candles: 200, orderBookDepth: 30 } as const;

/**
 * Upbit's published limits, keyed by the wire group name. Quotation groups are counted per IP,
 * exchange groups (`default`, `order`, `order-cancel-all`) per account; both are per-second windows,
 * except `order-cancel-all` (1 per 2 s).
 */
export const UPBIT_RATE_LIMITS: readonly RateLimitRule[] = [
  { group: 'market', limit: 10, windowMs: 1000 },
  { group: 'ticker', limit: 10, windowMs: 1000 },
  { group: 'orderbook', limit: 10, windowMs: 1000 },
  { group: 'trade', limit: 10, windowMs: 1000 },
  { group: 'candles', limit: 10, windowMs: 1000 },
  { group: 'default', limit: 30, windowMs: 1000 },
  { group: 'order', limit: 8, windowMs: 1000 },
  { group: 'order-cancel-all', limit: 1, windowMs: 2000 },
];

/**
 * Requests carrying an `Origin` header (browsers): every quotation group counts against one `origin`
 * budget of 1 request per 10 s, which replies report as `Remaining-Req: group=origin`. Exchange
 * (authenticated) groups keep their own limits.
 */
export const UPBIT_ORIGIN_LIMITS = {
  rule: { group: 'origin', limit: 1, windowMs: 10_000 },
  groups: ['market', 'ticker', 'orderbook', 'trade', 'candles'],
} as const satisfies { readonly rule: RateLimitRule; readonly groups: readonly string[] };

/**
 * Markets per ticker / order-book request. Upbit documents no maximum, so these are our own safe
 * values. The URL is the binding constraint: a code is up to ~16 characters plus an encoded comma
 * (`%2C`), so 100 codes stay near 2 KB, far below the 8 KB many proxies and servers cap a request line
 * at. Order books are heavier replies (30 levels, ~4.5 KB per market), so 30 per call keeps a reply
 * near 150 KB and one slow or failed call from holding up many markets.
 */
export const UPBIT_MAX_BATCH = { ticker: 100, orderBook: 30 } as const;

/**
 * The candle path of a library interval (`1h` → `/v1/candles/minutes/60`).
 *
 * @example
 * ```ts
 * toUpbitCandlePath('4h'); // '/v1/candles/minutes/240'
 * ```
 */
export function toUpbitCandlePath(interval: CandleInterval): string {
  return CANDLE_PATHS[interval];
}

/**
 * Renders a `to` bound (ms) as `yyyy-MM-ddTHH:mm:ssZ`, rounded up to the next whole second.
 *
 * Why this form: UTC with a `Z` carries no `+` (an offset such as `+09:00` is the classic JWT
 * "failed to verify the query" cause: a raw `+` reads as a space, so the server and the client hash
 * different strings) and no space (the other accepted form). Its only reserved character, `:`, is
 * percent-encoded on the request line and decodes back unambiguously, so the unencoded query string a
 * JWT `query_hash` covers equals what the server decodes. Upbit resolves `to` to the second and treats
 * it as exclusive; rounding up keeps a candle that starts before a fractional bound.
 *
 * @example
 * ```ts
 * formatUpbitTime(Date.UTC(2025, 6, 30)); // '2025-07-30T00:00:00Z'
 * ```
 */
export function formatUpbitTime(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`Upbit time could not be formatted: ${ms} is not a time`);
  return `${new Date(Math.ceil(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** A `count` clamped to `1..max` as a string; `undefined` (or NaN) leaves the server default. */
function toCount(count: number | undefined, max: number): string | undefined {
  if (count === undefined || Number.isNaN(count)) return undefined;
  return String(Math.min(max, Math.max(1, Math.floor(count))));
}

/**
 * `GET /v1/market/all?isDetails=true`: every market, with its warning flags.
 *
 * @example
 * ```ts
 * buildMarketsRequest(); // { path: '/v1/market/all', query: { isDetails: 'true' }, group: 'market' }
 * ```
 */
export function buildMarketsRequest(): RestRequest {
  return { path: UPBIT_PATHS.markets, query: { isDetails: 'true' }, group: 'market' };
}

/**
 * `GET /v1/ticker?markets=a,b`: the tickers of up to {@link UPBIT_MAX_BATCH}`.ticker` markets.
 *
 * @example
 * ```ts
 * buildTickersRequest(['KRW-BTC', 'KRW-ETH']).query; // { markets: 'KRW-BTC,KRW-ETH' }
 * ```
 */
export function buildTickersRequest(markets: readonly string[]): RestRequest {
  return { path: UPBIT_PATHS.ticker, query: { markets: markets.join(',') }, group: 'ticker' };
}

/**
 * `GET /v1/orderbook?markets=a,b&count=depth`: order books, `depth` levels each (1-30, clamped;
 * omitted = the server's 30).
 *
 * @example
 * ```ts
 * buildOrderBooksRequest(['KRW-BTC'], 5).query; // { markets: 'KRW-BTC', count: '5' }
 * ```
 */
export function buildOrderBooksRequest(markets: readonly string[], depth?: number): RestRequest {
  const count = toCount(depth, UPBIT_MAX_COUNT.orderBookDepth);
  const query: Record<string, string> = { markets: markets.join(',') };
  if (count !== undefined) query['count'] = count;
  return { path: UPBIT_PATHS.orderBook, query, group: 'orderbook' };
}

/**
 * `GET /v1/trades/ticks?market=&count=`: the most recent trades, newest first (count clamped to
 * 1-500; omitted = the server's 1).
 *
 * @example
 * ```ts
 * buildTradesRequest('KRW-BTC', { count: 100 }).query; // { market: 'KRW-BTC', count: '100' }
 * ```
 */
export function buildTradesRequest(market: string, query: TradesQuery): RestRequest {
  const count = toCount(query.count, UPBIT_MAX_COUNT.trades);
  const params: Record<string, string> = { market };
  if (count !== undefined) params['count'] = count;
  return { path: UPBIT_PATHS.trades, query: params, group: 'trade' };
}

/**
 * `GET /v1/candles/...?market=&to=&count=`: candles of one interval, newest first, before `to`
 * (exclusive; see {@link formatUpbitTime}). `count` is clamped to 1-200 (omitted = the server's 1).
 *
 * @example
 * ```ts
 * buildCandlesRequest('KRW-BTC', '1h', { count: 200, to: Date.UTC(2025, 6, 30) });
 * // { path: '/v1/candles/minutes/60', group: 'candles',
 * //   query: { market: 'KRW-BTC', to: '2025-07-30T00:00:00Z', count: '200' } }
 * ```
 */
export function buildCandlesRequest(market: string, interval: CandleInterval, query: CandlesQuery): RestRequest {
  const count = toCount(query.count, UPBIT_MAX_COUNT.candles);
  const params: Record<string, string> = { market };
  if (query.to !== undefined) params['to'] = formatUpbitTime(query.to);
  if (count !== undefined) params['count'] = count;
  return { path: toUpbitCandlePath(interval), query: params, group: 'candles' };
}
