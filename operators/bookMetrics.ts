import { map } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { computeBookMetrics, planBookMetrics } from '../src/model/book-metrics.js';
import type { BookMetrics, BookMetricsOptions } from '../src/model/book-metrics.js';
import type { OrderBook } from '../src/model/order-book.js';

/**
 * Measures every order book of a stream with {@link computeBookMetrics}: mid, spread (absolute and in bps),
 * microprice, size and notional within each band of basis points around the mid, and the bid/ask imbalance
 * of each band and of the top `levels` levels. One result per book, in order; a one-sided, empty or crossed
 * book gives a result whose `kind` says so (no number is made up for it). The options are checked when the
 * operator is created: a bad one throws an `InvalidArgumentError` there, before any subscription. Errors and
 * completion of the source pass through.
 *
 * ```
 * source:       --a--b--x--|     x: a crossed book
 * bookMetrics:  --A--B--X--|     A, B: kind 'ok'; X: kind 'crossed'
 * ```
 *
 * @example
 * ```ts
 * import { bookMetrics } from 'market-data-backbone/operators';
 * book$.pipe(bookMetrics({ bands: [10, 50], levels: 5 })).subscribe((m) => {
 *   if (m.kind === 'ok') console.log(m.spreadBps.toFixed(2), m.bands[0]?.bidNotional.toFixed(0), m.top.imbalance?.toFixed(3));
 * });
 * ```
 * @param options Bands in bps, top levels and the precision of divisions (see {@link BookMetricsOptions}).
 * @returns An operator from order books to their metrics.
 * @see {@link slippage} for the cost of one order against each book.
 */
export function bookMetrics(options: BookMetricsOptions = {}): OperatorFunction<OrderBook, BookMetrics> {
  const plan = planBookMetrics(options);
  return map((book) => computeBookMetrics(book, plan));
}
