import { asyncScheduler } from 'rxjs';
import type { OperatorFunction, SchedulerLike } from 'rxjs';
import { priceUntilStale } from '../src/core/stale-pricing.js';
import { computeArbitrage } from '../src/model/arbitrage.js';
import type { ArbitrageLegs, ArbitrageOptions, ArbitrageSnapshot, FxRate } from '../src/model/arbitrage.js';
import type { OrderBook } from '../src/model/order-book.js';
import type { Ticker } from '../src/model/ticker.js';

/** Configuration of {@link arbitrage}: the options of {@link computeArbitrage} plus the clock. */
export interface ArbitrageConfig extends ArbitrageOptions {
  /** Scheduler whose `now()` ages the legs and which runs the stale timer. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * Turns snapshots of order books (and FX rates) from several exchanges into premiums and executable spreads.
 *
 * Every source value is priced at once with {@link computeArbitrage} at the scheduler's `now()`: each book is
 * converted to `quote`, and every unordered pair of legs gets a premium and both buy/sell directions with
 * taker fees and the quantity tradable at a profit. A leg turns stale when the age of its book (or of the rate
 * converting it) reaches `staleAfterMs`, and the pairs with it are flagged. Since a book can go stale while no
 * new value arrives, the operator also re-emits the last snapshot, re-priced, at the exact moment the next
 * fresh leg turns stale (`nextStaleAt`); a new source value cancels that timer and starts over. Errors and
 * completion of the source pass through (a pending re-emission is dropped); a throw of the math (a fee that is
 * not a decimal) errors the output. With `bases` (`'usdt'`, `'official'`, `'both'`) the legs' `official` rate
 * prices a second base: each pair gets `premiums` per base and the snapshot the `tether` premium; a rate with
 * its own `staleAfterMs` (the official one) turns stale by that, never by the age of its quote.
 *
 * ```
 * staleAfterMs: 5; a's books received at 2 and 4   A = a priced at 2, S = at 7 (a leg stale), T = at 9 (both)
 * source:     --a-------------b--|
 * arbitrage:  --A----S-T------B--|
 * ```
 *
 * @example
 * ```ts
 * import { combineLatest, map } from 'rxjs';
 * import { arbitrage, toFxRate } from 'market-data-backbone/operators';
 * combineLatest({ books: combineLatest({ upbit: upbitBook$, binance: binanceBook$ }), fx: usdtKrwTicker$.pipe(map(toFxRate)) })
 *   .pipe(arbitrage({ quote: 'KRW', fees: { upbit: '0.0005', binance: '0.001' }, staleAfterMs: 3_000 }))
 *   .subscribe(({ pairs }) => pairs.forEach((p) => console.log(p.a, p.b, p.premium?.toFixed(2), p.stale)));
 * ```
 * @param config Target quote, fees, stale age, precision and scheduler.
 * @returns An operator from leg snapshots to arbitrage snapshots, re-emitted when a leg turns stale.
 * @see {@link staleAfter} for staleness of a single stream.
 */
export function arbitrage(config: ArbitrageConfig): OperatorFunction<ArbitrageLegs, ArbitrageSnapshot> {
  const { scheduler = asyncScheduler, ...options } = config;

  return (source) => priceUntilStale(source, (legs, at) => computeArbitrage(legs, at, options), scheduler);
}

/**
 * An {@link FxRate} from a ticker (its last price) or an order book (the mean of its best bid and ask), to feed
 * {@link arbitrage}; `undefined` for a book with an empty side.
 *
 * @example
 * ```ts
 * import { map } from 'rxjs';
 * import { toFxRate } from 'market-data-backbone/operators';
 * const fx$ = usdtKrwTicker$.pipe(map(toFxRate)); // { symbol: 'USDT/KRW', rate: 1400 as Big, receivedAt }
 * ```
 */
export function toFxRate(source: Ticker | OrderBook): FxRate | undefined {
  const { symbol, receivedAt } = source;
  if (source.type === 'ticker') return { symbol, rate: source.last, receivedAt };
  const [bid, ask] = [source.bids[0]?.price, source.asks[0]?.price];
  return bid && ask ? { symbol, rate: bid.plus(ask).times('0.5'), receivedAt } : undefined;
}
