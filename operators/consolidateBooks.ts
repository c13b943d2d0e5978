import { asyncScheduler } from 'rxjs';
import type { OperatorFunction, SchedulerLike } from 'rxjs';
import { priceUntilStale } from '../src/core/stale-pricing.js';
import { mergeBooks } from '../src/model/consolidated-book.js';
import type { ConsolidatedBook, ConsolidatedBookLegs, MergeBooksOptions } from '../src/model/consolidated-book.js';

/** Configuration of {@link consolidateBooks}: the options of {@link mergeBooks} plus the clock. */
export interface ConsolidateBooksConfig extends MergeBooksOptions {
  /** Scheduler whose `now()` ages the legs and which runs the stale timer. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * Turns snapshots of order books from several venues (and FX rates) into one consolidated book.
 *
 * Every source value is merged at once with {@link mergeBooks} at the scheduler's `now()`: levels converted
 * to `quote`, equal prices joined and tagged with each venue's size, the best bid and ask across venues
 * first. A leg turns stale when its book (or the rate converting it) reaches `staleAfterMs`; since that can
 * happen while no new value arrives, the last snapshot is merged again at the exact moment the next fresh
 * leg turns stale, flagged (and, with `dropStale`, without that leg's levels). A new source value cancels
 * that timer. Errors and completion pass through; a pending re-merge is dropped.
 *
 * ```
 * staleAfterMs: 5; a's upbit book received at 2, binance at 4   A = merged at 2, S = at 7 (upbit stale), T = at 9
 * source:            --a-------------b--|
 * consolidateBooks:  --A----S-T------B--|
 * ```
 *
 * @example
 * ```ts
 * import { combineLatest, map } from 'rxjs';
 * import { consolidateBooks, toFxRate } from 'market-data-backbone/operators';
 * combineLatest({ books: combineLatest({ upbit: upbitBook$, binance: binanceBook$ }), fx: usdtKrwTicker$.pipe(map(toFxRate)) })
 *   .pipe(consolidateBooks({ quote: 'KRW', depth: 20, staleAfterMs: 3_000 }))
 *   .subscribe(({ bestBid, bestAsk }) => console.log(bestBid?.price.toFixed(), bestAsk?.venues.map((v) => v.venue)));
 * ```
 * @param config Target quote, depth, stale age, precision and scheduler.
 * @returns An operator from book snapshots to consolidated books, re-emitted when a leg turns stale.
 * @see {@link arbitrage} for premiums and routes over the same legs.
 */
export function consolidateBooks(config: ConsolidateBooksConfig): OperatorFunction<ConsolidatedBookLegs, ConsolidatedBook> {
  const { scheduler = asyncScheduler, ...options } = config;
  return (source) => priceUntilStale(source, (legs, at) => mergeBooks(legs, at, options), scheduler);
}
