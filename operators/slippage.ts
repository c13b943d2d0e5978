import { map } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import type { OrderBook } from '../src/model/order-book.js';
import { computeSlippage, planSlippage } from '../src/model/slippage.js';
import type { Slippage, SlippageOptions, SlippageOrder } from '../src/model/slippage.js';

/**
 * Costs one market order against every order book of a stream with {@link computeSlippage}: the book is walked
 * from the best level for `size` (base) or `notional` (quote), giving the size and notional filled, whether the
 * book had enough, the average and worst prices, and the cost against the mid and the best price in bps. One
 * result per book, in order; a one-sided or crossed book gives a result whose `kind` says so. The order is
 * checked when the operator is created (an `InvalidArgumentError` there). Errors and completion pass through.
 *
 * ```
 * source:    --a--b--x--|     x: a one-sided book
 * slippage:  --A--B--X--|     A, B: kind 'ok'; X: kind 'one-sided'
 * ```
 *
 * @example
 * ```ts
 * import { slippage } from 'market-data-backbone/operators';
 * book$.pipe(slippage({ side: 'buy', notional: '10000000' })).subscribe((s) => {
 *   if (s.kind === 'ok') console.log(`10M KRW costs ${s.costVsMidBps.toFixed(2)} bps over mid`, s.complete ? '' : '(book too thin)');
 * });
 * ```
 * @param order Side and size, or side and notional.
 * @param options Precision of divisions.
 * @returns An operator from order books to the order's cost on each.
 * @see {@link bookMetrics} for depth within bands around the mid.
 */
export function slippage(order: SlippageOrder, options: SlippageOptions = {}): OperatorFunction<OrderBook, Slippage> {
  const plan = planSlippage(order, options);
  return map((book) => computeSlippage(book, plan));
}
