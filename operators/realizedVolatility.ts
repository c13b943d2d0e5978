import { Observable } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { checkOption, isWholeIn } from '../src/model/analytics-checks.js';
import type { Candle } from '../src/model/candle.js';
import type { Big } from '../src/model/decimal.js';
import { computeRealizedVolatility, periodsPerYear } from '../src/model/risk.js';
import type { RealizedVolatility, RealizedVolatilityOptions } from '../src/model/risk.js';

/** Configuration of {@link realizedVolatility}. */
export interface RealizedVolatilityConfig extends RealizedVolatilityOptions {
  /** How many log returns (the last `window + 1` closes) the volatility is taken over; at least 2. */
  readonly window: number;
}

/** The volatility after one candle: over the closes up to and including the candle of `openTime`. */
export interface RealizedVolatilityUpdate extends RealizedVolatility {
  readonly openTime: number;
  readonly close: Big;
}

/**
 * Realized volatility of a candle stream's closes over a sliding window of `window` log returns, annualized on a
 * 365-day year for `interval` candles ({@link computeRealizedVolatility}: the logarithms and the square root are
 * floating point). Emits after every candle with the sample count, `undefined` volatility until 2 returns are
 * in; once `window + 1` closes are held, each new period drops the oldest. A candle of the period already held
 * (an open candle resent as trades arrive) replaces its close; an older one is ignored. One market per stream;
 * for trades, pipe them through `candlesFromTrades` first. A close of 0 or below errors the output
 * (`InvalidArgumentError`); errors and completion of the source pass through.
 *
 * ```
 * window: 2; closes a, b, c, d of periods 0, 1, 2, 3
 * source:              --a--b--c--d--|
 * realizedVolatility:  --A--B--C--D--|   A: 0 returns, B: 1, C: 2 (a..c), D: 2 (b..d)
 * ```
 *
 * @example
 * ```ts
 * import { realizedVolatility } from 'market-data-backbone/operators';
 * candle$.pipe(realizedVolatility({ window: 30, interval: '1d' }))
 *   .subscribe(({ volatility, samples }) => console.log(`${samples} days: ${((volatility ?? 0) * 100).toFixed(1)} % a year`));
 * ```
 * @param config Window (returns) and candle interval.
 * @returns An operator from candles to volatility updates.
 * @see {@link drawdown} for the fall from the running peak.
 */
export function realizedVolatility(config: RealizedVolatilityConfig): OperatorFunction<Candle, RealizedVolatilityUpdate> {
  const { window, interval } = config;
  checkOption('options.window', window, isWholeIn(2, 1_000_000), 'a whole number of returns from 2');
  periodsPerYear(interval); // checks the interval now, not at the first candle
  return (source) =>
    new Observable<RealizedVolatilityUpdate>((subscriber) => {
      const candles: Candle[] = [];
      return source.subscribe({
        next: (candle) => {
          const last = candles[candles.length - 1];
          if (last !== undefined && candle.openTime < last.openTime) return;
          if (last !== undefined && candle.openTime === last.openTime) candles[candles.length - 1] = candle;
          else candles.push(candle);
          if (candles.length > window + 1) candles.shift();
          let result: RealizedVolatility;
          try {
            result = computeRealizedVolatility(candles.map((c) => c.close), { interval });
          } catch (error: unknown) {
            subscriber.error(error);
            return;
          }
          subscriber.next({ ...result, openTime: candle.openTime, close: candle.close });
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
