/**
 * The cost of one market order against one order book: walk the side it takes from the best level, and say
 * what it fills, at what average and worst price, and how far that is from the mid and the best price; the
 * `slippage` operator applies it to a stream of books. Sums and products are exact; divisions are rounded once
 * to `decimals` places (half-up, except a partial level's size for a notional, rounded down so the order
 * never spends more than asked).
 */
import { checkDecimals, checkOption, createDivide } from './analytics-checks.js';
import { Big } from './decimal.js';
import type { MarketRef } from './market.js';
import type { OrderBook, OrderBookLevel } from './order-book.js';

/** The order: a taker `buy` walks the asks, a `sell` the bids; for a `size` in base or a `notional` in quote. */
export type SlippageOrder =
  | { readonly side: 'buy' | 'sell'; readonly size: Big | string }
  | { readonly side: 'buy' | 'sell'; readonly notional: Big | string };

/** Options of {@link computeSlippage}. */
export interface SlippageOptions {
  /** Decimal places of every division (average price, costs in bps, a partial level's size), half-up. @default 8 */
  readonly decimals?: number;
}

/**
 * The order walked through the book. `filledSize` (base) and `filledNotional` (quote, Σ price × size) are what
 * the book could fill; `complete` is `false` when the side ran out first (`unfilled`: what is left of the size
 * or notional asked for). `averagePrice` = filledNotional / filledSize, `worstPrice` the last level touched,
 * `levels` how many were touched. Costs are positive when the order pays more (buy) or gets less (sell) than the
 * reference: `costVsMidBps` = ±(average − mid) / mid × 10,000, `costVsBestBps` = ±(average − best) / best × 10,000.
 */
export interface SlippageOk extends MarketRef {
  readonly kind: 'ok';
  readonly side: 'buy' | 'sell';
  readonly filledSize: Big;
  readonly filledNotional: Big;
  readonly complete: boolean;
  readonly unfilled: Big;
  readonly averagePrice: Big;
  readonly worstPrice: Big;
  readonly levels: number;
  readonly mid: Big;
  readonly bestPrice: Big;
  readonly costVsMidBps: Big;
  readonly costVsBestBps: Big;
}

/** Only one side of the book has orders (`side`: the one that does) or none has (`'none'`): no mid to cost from. */
export interface SlippageOneSided extends MarketRef {
  readonly kind: 'one-sided';
  readonly side: 'bid' | 'ask' | 'none';
}

/** The best bid is above the best ask: the book is out of date or mixed, and no cost is derived from it. */
export interface SlippageCrossed extends MarketRef {
  readonly kind: 'crossed';
  readonly bestBid: OrderBookLevel;
  readonly bestAsk: OrderBookLevel;
}

/** What {@link computeSlippage} says about one order on one book; only `kind: 'ok'` carries numbers. */
export type Slippage = SlippageOk | SlippageOneSided | SlippageCrossed;

/** A checked order: its side and the positive amount of base (`size`) or quote (`notional`). */
export interface SlippagePlan {
  readonly side: 'buy' | 'sell';
  readonly target: 'size' | 'notional';
  readonly amount: Big;
  readonly decimals: number;
}

const [ZERO, HALF, BPS] = ['0', '0.5', '10000'].map((text) => new Big(text)) as [Big, Big, Big];

/**
 * Checks an order and its options once (throws an `InvalidArgumentError` naming the bad one); the `slippage`
 * operator calls it when created.
 *
 * @example
 * ```ts
 * planSlippage({ side: 'buy', notional: '1000000' }); // { side: 'buy', target: 'notional', amount: 1000000, decimals: 8 }
 * ```
 */
export function planSlippage(order: SlippageOrder, options: SlippageOptions = {}): SlippagePlan {
  const { decimals = 8 } = options;
  checkOption('order.side', order.side, (side) => side === 'buy' || side === 'sell', "'buy' or 'sell'");
  checkDecimals(decimals);
  const hasSize = 'size' in order && order.size !== undefined;
  const hasNotional = 'notional' in order && order.notional !== undefined;
  checkOption('order', order, () => hasSize !== hasNotional, 'either a size or a notional, not both');
  const target = hasSize ? 'size' : 'notional';
  const raw = 'size' in order ? order.size : order.notional;
  const amount = checkOption(`order.${target}`, raw, (value) => toPositive(value) !== undefined, 'a decimal above 0');
  return { side: order.side, target, amount: toPositive(amount)!, decimals };
}

/** `value` as a `Big` above 0, or `undefined`. */
function toPositive(value: Big | string): Big | undefined {
  try {
    const big = value instanceof Big ? value : new Big(value);
    return big.gt(0) ? big : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Walks `book` from the best level for a market order of `order.size` (base) or `order.notional` (quote), and
 * reports the fill, its average and worst prices and its cost against the mid and the best price. An order
 * larger than the side fills what there is, with `complete: false`. A one-sided or crossed book gets a result
 * whose `kind` says so.
 *
 * @example
 * ```ts
 * import { computeSlippage } from 'market-data-backbone';
 * const cost = computeSlippage(book, { side: 'buy', notional: '10000000' });
 * if (cost.kind === 'ok') console.log(cost.averagePrice.toFixed(0), cost.costVsMidBps.toFixed(2), cost.complete);
 * ```
 * @param book The order book (levels best-first).
 * @param order Side and size, or side and notional; or a plan from {@link planSlippage}.
 * @param options Precision of divisions.
 * @returns The fill and its costs, or why there are none.
 */
export function computeSlippage(book: OrderBook, order: SlippageOrder | SlippagePlan, options: SlippageOptions = {}): Slippage {
  const plan = 'target' in order ? order : planSlippage(order, options);
  const { exchange, symbol, market, timestamp, receivedAt, bids, asks } = book;
  const [bestBid, bestAsk] = [bids[0], asks[0]];
  if (bestBid === undefined || bestAsk === undefined) {
    const side = bestBid !== undefined ? 'bid' : bestAsk !== undefined ? 'ask' : 'none';
    return { kind: 'one-sided', exchange, symbol, market, timestamp, receivedAt, side };
  }
  if (bestBid.price.gt(bestAsk.price)) return { kind: 'crossed', exchange, symbol, market, timestamp, receivedAt, bestBid, bestAsk };
  const { side, target, amount, decimals } = plan;
  const levels = side === 'buy' ? asks : bids;
  const walk = walkLevels(levels, target, amount, createDivide(decimals, Big.roundDown));
  const divide = createDivide(decimals);
  const mid = bestBid.price.plus(bestAsk.price).times(HALF);
  const bestPrice = side === 'buy' ? bestAsk.price : bestBid.price;
  const averagePrice = walk.size.eq(0) ? bestPrice : divide(walk.notional, walk.size);
  // Positive: the buyer pays more, or the seller gets less, than the reference price.
  const cost = (reference: Big): Big => divide((side === 'buy' ? averagePrice.minus(reference) : reference.minus(averagePrice)).times(BPS), reference);
  return {
    kind: 'ok', exchange, symbol, market, timestamp, receivedAt, side,
    filledSize: walk.size, filledNotional: walk.notional, complete: walk.unfilled.eq(0), unfilled: walk.unfilled,
    averagePrice, worstPrice: walk.worst ?? bestPrice, levels: walk.levels, mid, bestPrice,
    costVsMidBps: cost(mid), costVsBestBps: cost(bestPrice),
  };
}

/** What a walk filled. */
interface Walk {
  readonly size: Big;
  readonly notional: Big;
  readonly unfilled: Big;
  readonly worst: Big | undefined;
  readonly levels: number;
}

/** Takes levels from the best until `amount` of `target` is filled or the side ends. */
function walkLevels(levels: readonly OrderBookLevel[], target: 'size' | 'notional', amount: Big, divideDown: (a: Big, b: Big) => Big): Walk {
  let [size, notional, left, worst, count] = [ZERO, ZERO, amount, undefined as Big | undefined, 0];
  for (const { price, amount: available } of levels) {
    if (left.lte(0)) break;
    if (available.lte(0)) continue;
    const levelNotional = price.times(available);
    const whole = target === 'size' ? available.lte(left) : levelNotional.lte(left);
    // A partial level: the size left, or the most base the notional left buys at this price (rounded down).
    const take = whole ? available : target === 'size' ? left : divideDown(left, price);
    if (take.eq(0)) {
      left = ZERO; // the notional left buys less than the smallest size at `decimals` places
      break;
    }
    const spent = whole ? levelNotional : price.times(take);
    [size, notional, worst, count] = [size.plus(take), notional.plus(spent), price, count + 1];
    left = whole ? left.minus(target === 'size' ? take : spent) : ZERO;
  }
  return { size, notional, unfilled: left, worst, levels: count };
}
