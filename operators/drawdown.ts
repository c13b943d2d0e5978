import { scan } from 'rxjs';
import { checkDecimals } from '../src/model/analytics-checks.js';
import type { OperatorFunction } from 'rxjs';
import type { Candle } from '../src/model/candle.js';
import { computeDrawdown } from '../src/model/risk.js';
import type { Drawdown, DrawdownOptions } from '../src/model/risk.js';
import type { Ticker } from '../src/model/ticker.js';
import type { Trade } from '../src/model/trade.js';

/** A {@link Drawdown} with the exchange time of the value it was computed at. */
export interface DrawdownUpdate extends Drawdown {
  readonly timestamp: number;
}

/** The price a value carries: a trade's price, a candle's close, a ticker's last. */
const priceOf = (value: Trade | Candle | Ticker) => (value.type === 'trade' ? value.price : value.type === 'candle' ? value.close : value.last);

/**
 * The running drawdown of a price stream (trades, candles or tickers; their price, close or last): after each
 * value, the peak so far, how far below it the price is (`drawdown` = (peak − price) / peak) and the largest
 * such fall so far (`maxDrawdown`), exact but for the one rounded division ({@link computeDrawdown}). State is per
 * subscription; a price of 0 or below errors the output; errors and completion pass through.
 *
 * ```
 * prices:    --a--b--c--d--|     100, 80, 90, 120
 * drawdown:  --A--B--C--D--|     drawdown 0, 0.2, 0.1, 0; maxDrawdown 0, 0.2, 0.2, 0.2
 * ```
 *
 * @example
 * ```ts
 * import { drawdown } from 'market-data-backbone/operators';
 * trade$.pipe(drawdown()).subscribe((d) => console.log(`${d.drawdown.times(100).toFixed(2)} % below ${d.peak.toFixed()}`));
 * ```
 * @param options Precision of the ratios.
 * @returns An operator from prices to drawdown updates.
 * @see {@link realizedVolatility} for the volatility of closes.
 */
export function drawdown(options: DrawdownOptions = {}): OperatorFunction<Trade | Candle | Ticker, DrawdownUpdate> {
  checkDecimals(options.decimals ?? 8);
  return scan<Trade | Candle | Ticker, DrawdownUpdate, undefined>(
    (previous, value) => ({
      ...computeDrawdown(previous, priceOf(value), options),
      timestamp: value.timestamp,
    }),
    undefined,
  );
}
