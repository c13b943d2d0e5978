/**
 * Risk measures of a price series: realized volatility of closes (the `realizedVolatility` operator) and the
 * running drawdown from the peak (`drawdown`).
 */
import { checkDecimals, checkOption, createDivide } from './analytics-checks.js';
import { isCandleInterval, type CandleInterval } from './candle.js';
import { nextPeriod, periodStart } from './candle-periods.js';
import { Big } from './decimal.js';

/** Options of {@link computeRealizedVolatility}. */
export interface RealizedVolatilityOptions {
  /** The candle interval between closes: it sets how many periods make a 365-day year. */
  readonly interval: CandleInterval;
}

/**
 * The sample standard deviation of the log returns `ln(close[i] / close[i − 1])` (`periodVolatility`, per
 * interval) and the same annualized, × √(periods in 365 days) (`volatility`); `samples` is the number of
 * returns. Both are `undefined` with fewer than 2 returns. Floating point (see {@link computeRealizedVolatility}).
 */
export interface RealizedVolatility {
  readonly samples: number;
  readonly periodVolatility: number | undefined;
  readonly volatility: number | undefined;
}

const YEAR_MS = 365 * 86_400_000;

/**
 * How many `interval` periods make a 365-day year: 365 × 24 for `'1h'`, 365 / 7 for `'1w'`, 12 for `'1M'`,
 * 1 for `'1y'`; throws an `InvalidArgumentError` for anything that is not a candle interval.
 *
 * @example
 * ```ts
 * periodsPerYear('1d'); // 365
 * ```
 */
export function periodsPerYear(interval: CandleInterval): number {
  checkOption('options.interval', interval, isCandleInterval, 'a candle interval such as "1m", "1h" or "1d"');
  if (interval === '1M') return 12;
  if (interval === '1y') return 1;
  const start = periodStart(interval, 0);
  return YEAR_MS / (nextPeriod(interval, start) - start);
}

/**
 * Realized volatility of a series of closes, oldest first: the sample standard deviation (n − 1) of their log
 * returns, and annualized on a 365-day year. The logarithms and the square root are computed in floating point
 * (`Math.log` of each ratio of two closes as doubles, `Math.sqrt`), so the result is a `number`, not a `Big`:
 * volatility is a statistic, not money. A close that is not above 0 has no log return: it throws an
 * `InvalidArgumentError`.
 *
 * @example
 * ```ts
 * import { computeRealizedVolatility, toBig } from 'market-data-backbone';
 * const { volatility, samples } = computeRealizedVolatility(['100', '101', '99.5', '102'].map(toBig), { interval: '1d' });
 * console.log(samples, volatility?.toFixed(4)); // 3 returns, annualized
 * ```
 * @param closes Closes in time order, one per interval.
 * @param options The interval between closes.
 * @returns The per-interval and annualized volatility, and the number of returns.
 */
export function computeRealizedVolatility(closes: readonly Big[], options: RealizedVolatilityOptions): RealizedVolatility {
  const perYear = periodsPerYear(options.interval);
  const values = closes.map((close, i) => checkOption(`closes[${i}]`, Number(close), (n) => n > 0 && Number.isFinite(n), 'a price above 0'));
  const returns = values.slice(1).map((close, i) => Math.log(close / values[i]!));
  const samples = returns.length;
  if (samples < 2) return { samples, periodVolatility: undefined, volatility: undefined };
  const mean = returns.reduce((total, r) => total + r, 0) / samples;
  const variance = returns.reduce((total, r) => total + (r - mean) ** 2, 0) / (samples - 1);
  const periodVolatility = Math.sqrt(variance);
  return { samples, periodVolatility, volatility: periodVolatility * Math.sqrt(perYear) };
}

/**
 * The drawdown after each price: the running `peak` (highest price so far), `drawdown` = (peak − price) / peak
 * (0 at a new peak, 0.25 a quarter below it) and `maxDrawdown`, the largest drawdown so far; `decimals` places.
 */
export interface Drawdown {
  readonly price: Big;
  readonly peak: Big;
  readonly drawdown: Big;
  readonly maxDrawdown: Big;
}

/** Options of {@link computeDrawdown}. */
export interface DrawdownOptions {
  /** Decimal places of the drawdown ratios, rounded half-up. @default 8 */
  readonly decimals?: number;
}

const ZERO = new Big(0);

/**
 * The drawdown after `price`, given the one after the previous price (`undefined` for the first): exact
 * comparisons, one rounded division. A price of 0 or below throws an `InvalidArgumentError`.
 *
 * @example
 * ```ts
 * import { computeDrawdown, toBig } from 'market-data-backbone';
 * let state = computeDrawdown(undefined, toBig('100'));
 * state = computeDrawdown(state, toBig('80'));
 * state.maxDrawdown.toString(); // '0.2'
 * ```
 * @param previous The result for the previous price.
 * @param price The next price.
 * @param options Precision of the ratios.
 * @returns Peak, drawdown and maximum drawdown after `price`.
 */
export function computeDrawdown(previous: Drawdown | undefined, price: Big, options: DrawdownOptions = {}): Drawdown {
  const { decimals = 8 } = options;
  checkDecimals(decimals);
  checkOption('price', price, (p) => p.gt(0), 'a price above 0');
  if (previous === undefined || price.gte(previous.peak)) return { price, peak: price, drawdown: ZERO, maxDrawdown: previous?.maxDrawdown ?? ZERO };
  const drawdown = createDivide(decimals)(previous.peak.minus(price), previous.peak);
  return { price, peak: previous.peak, drawdown, maxDrawdown: drawdown.gt(previous.maxDrawdown) ? drawdown : previous.maxDrawdown };
}
