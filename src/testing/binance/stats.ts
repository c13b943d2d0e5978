/**
 * Klines and rolling 24 h ticker statistics of the Binance simulator, from {@link BinanceMarkets}.
 *
 * Kline periods are UTC-aligned like Binance's: fixed intervals on the epoch, `1w` on Mondays, `1M` on
 * calendar months. A period without trades repeats the previous close with zero volume (ids `-1`).
 */
import { Big } from '../../model/decimal.js';
import type { BinanceAggregate, BinanceMarket, BinanceMarkets, BinanceTrade } from './markets.js';

/** Binance's kline intervals (case-sensitive). */
export const BINANCE_INTERVALS = ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M'] as const;

/** One kline interval. */
export type BinanceInterval = (typeof BINANCE_INTERVALS)[number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const FIXED: Readonly<Record<Exclude<BinanceInterval, '1M'>, number>> = {
  '1s': 1000,
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': HOUR,
  '2h': 2 * HOUR,
  '4h': 4 * HOUR,
  '6h': 6 * HOUR,
  '8h': 8 * HOUR,
  '12h': 12 * HOUR,
  '1d': DAY,
  '3d': 3 * DAY,
  '1w': 7 * DAY,
};
/** 1970-01-05 was the first Monday. */
const MONDAY_OFFSET = 4 * DAY;

/**
 * `true` for a valid interval spelling.
 *
 * @example
 * ```ts
 * isBinanceInterval('1M'); // true; '1mo' is not
 * ```
 */
export function isBinanceInterval(text: string): text is BinanceInterval {
  return (BINANCE_INTERVALS as readonly string[]).includes(text);
}

/**
 * Start of the period of `interval` holding `ms`.
 *
 * @example
 * ```ts
 * klineStart('1h', Date.UTC(2025, 0, 1, 5, 30)); // Date.UTC(2025, 0, 1, 5)
 * ```
 */
export function klineStart(interval: BinanceInterval, ms: number): number {
  if (interval === '1M') {
    const date = new Date(ms);
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  }
  const size = FIXED[interval];
  const offset = interval === '1w' ? MONDAY_OFFSET : 0;
  return Math.floor((ms - offset) / size) * size + offset;
}

/**
 * Start of the period after the one starting at `start`.
 *
 * @example
 * ```ts
 * klineNext('1M', Date.UTC(2025, 0, 1)); // Date.UTC(2025, 1, 1)
 * ```
 */
export function klineNext(interval: BinanceInterval, start: number): number {
  if (interval !== '1M') return start + FIXED[interval];
  const date = new Date(start);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** One kline: a period's aggregate (or the previous close, flat, without trades). */
export interface BinanceKline extends BinanceAggregate {
  readonly openTime: number;
  /** Next period's start − 1 ms. */
  readonly closeTime: number;
}

/**
 * The kline of the period starting at `start`, as of `asOf`; `undefined` before the first trade.
 *
 * @example
 * ```ts
 * const kline = klineAt(markets, market, '1m', klineStart('1m', now), now);
 * ```
 */
export function klineAt(markets: BinanceMarkets, market: BinanceMarket, interval: BinanceInterval, start: number, asOf: number): BinanceKline | undefined {
  const next = klineNext(interval, start);
  const aggregate = markets.aggregate(market, start, Math.min(next, asOf + 1));
  if (aggregate !== undefined) return { ...aggregate, openTime: start, closeTime: next - 1 };
  const previous = markets.lastTrade(market, start - 1);
  if (previous === undefined) return undefined;
  const zero = new Big(0);
  const price = previous.price;
  return {
    open: price,
    high: price,
    low: price,
    close: price,
    volume: zero,
    quoteVolume: zero,
    takerBuyVolume: zero,
    takerBuyQuoteVolume: zero,
    trades: 0,
    firstId: -1,
    lastId: -1,
    openTime: start,
    closeTime: next - 1,
  };
}

/**
 * Klines for a REST query: oldest first, `limit` of them; from `startTime` when given, else the newest
 * ones up to `endTime` (or now). Periods after now, and before the symbol's first trade, are left out.
 *
 * @example
 * ```ts
 * klineRange(markets, market, '1m', { limit: 10 }, now).length; // 10
 * ```
 */
export function klineRange(
  markets: BinanceMarkets,
  market: BinanceMarket,
  interval: BinanceInterval,
  query: { readonly startTime?: number | undefined; readonly endTime?: number | undefined; readonly limit: number },
  now: number,
): BinanceKline[] {
  const end = Math.min(query.endTime ?? now, now);
  const out: BinanceKline[] = [];
  if (query.startTime !== undefined) {
    for (let start = klineStart(interval, Math.max(query.startTime, market.listedAt)); start <= end && out.length < query.limit; start = klineNext(interval, start)) {
      const kline = klineAt(markets, market, interval, start, now);
      if (kline !== undefined) out.push(kline);
    }
    return out;
  }
  let start = klineStart(interval, end);
  for (let i = 0; i < query.limit && start >= klineStart(interval, market.listedAt); i++) {
    const kline = klineAt(markets, market, interval, start, now);
    if (kline !== undefined) out.push(kline);
    start = klineStart(interval, start - 1);
  }
  return out.reverse();
}

/** Best bid and ask with their quantities. */
export interface BinanceTop {
  readonly bidPrice: Big;
  readonly bidQty: Big;
  readonly askPrice: Big;
  readonly askQty: Big;
}

/** The rolling-window statistics behind `ticker/24hr` and the `@ticker`/`@miniTicker` streams. */
export interface BinanceTickerStats {
  readonly market: BinanceMarket;
  readonly openTime: number;
  readonly closeTime: number;
  /** Aggregate of the window; `undefined` when nothing traded in it. */
  readonly window: BinanceAggregate | undefined;
  readonly last: BinanceTrade | undefined;
  /** Price of the last trade before the window (`x` of `@ticker`, `prevClosePrice`). */
  readonly prevClose: Big;
  readonly top: BinanceTop | undefined;
}

/**
 * The 24 h statistics at `now`: the window is `[now − 24 h, now]`.
 *
 * @example
 * ```ts
 * tickerStats(markets, market, now, book.top()).window?.trades;
 * ```
 */
export function tickerStats(markets: BinanceMarkets, market: BinanceMarket, now: number, top: BinanceTop | undefined): BinanceTickerStats {
  const openTime = now - DAY;
  const window = markets.aggregate(market, openTime, now + 1);
  const last = markets.lastTrade(market, now);
  const prevClose = markets.lastTrade(market, openTime - 1)?.price ?? window?.open ?? last?.price ?? new Big(0);
  return { market, openTime, closeTime: now, window, last, prevClose, top };
}
