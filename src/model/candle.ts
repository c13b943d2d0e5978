import type { Big } from './decimal.js';
import type { MarketRef } from './market.js';

/** Candle intervals, in the library's own spelling (exchanges map them to theirs). */
export const CANDLE_INTERVALS = [
  '1s', '1m', '3m', '5m', '10m', '15m', '30m', '1h', '4h', '1d', '1w', '1M', '1y',
] as const;

/** A candle interval: `1s`, `1m` … `4h`, `1d`, `1w`, `1M` (month), `1y`. */
export type CandleInterval = (typeof CANDLE_INTERVALS)[number];

/**
 * `true` when `value` is one of {@link CANDLE_INTERVALS} (whether an exchange has it is its adapter's say).
 *
 * @example
 * ```ts
 * isCandleInterval('1m'); // true
 * isCandleInterval('2m'); // false
 * ```
 */
export function isCandleInterval(value: unknown): value is CandleInterval {
  return typeof value === 'string' && (CANDLE_INTERVALS as readonly string[]).includes(value);
}

/**
 * One OHLCV candle. `openTime` is the period start (ms, UTC); `timestamp` the time of its last trade.
 * `baseVolume` is the traded amount, `quoteVolume` the traded value in quote currency.
 */
export interface Candle extends MarketRef {
  readonly type: 'candle';
  readonly interval: CandleInterval;
  readonly openTime: number;
  readonly open: Big;
  readonly high: Big;
  readonly low: Big;
  readonly close: Big;
  readonly baseVolume: Big;
  readonly quoteVolume: Big;
}
