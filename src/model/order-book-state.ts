/**
 * A mutable local order book, plus the exchange-neutral diff and snapshot types that {@link syncOrderBook}
 * consumes.
 *
 * Each side is one array of immutable levels kept in price order, searched by binary search with an
 * allocation-free exact decimal comparison ({@link compareDecimals}). Internally each side is stored
 * worst-first, with the best level at the end of its array: on a live book most updates land near the
 * top, and an insert or delete there shifts only the few levels above it, where best-first storage would
 * shift almost the whole side (a `memmove` of thousands of pointers, about twice as slow once the array
 * lives in the old generation). Reading the top N levels copies the last N and reverses the copy, so
 * callers always get best-first arrays. Levels are never mutated in place, and every array handed out is
 * a fresh copy, so arrays returned earlier stay valid after later updates.
 */
import type { Big } from './decimal.js';
import type { MarketRef } from './market.js';
import type { OrderBook, OrderBookLevel } from './order-book.js';

/** An update id: a `bigint`, or its exact decimal digits (ids may exceed 2^53, so never a `number`). */
export type UpdateId = bigint | string;

/**
 * One diff of a sequenced depth stream, in exchange-neutral form (the adapter maps its wire format to it).
 *
 * Levels carry absolute amounts, not deltas; an amount of zero deletes the level.
 */
export interface DepthDiff extends MarketRef {
  /** First update id covered by this diff (Binance `U`). */
  readonly firstUpdateId: UpdateId;
  /** Last update id covered by this diff (Binance `u`). */
  readonly finalUpdateId: UpdateId;
  readonly bids: readonly OrderBookLevel[];
  readonly asks: readonly OrderBookLevel[];
}

/** A full-depth REST snapshot, in exchange-neutral form: the book as of update `lastUpdateId`. */
export interface DepthSnapshot {
  readonly lastUpdateId: UpdateId;
  readonly bids: readonly OrderBookLevel[];
  readonly asks: readonly OrderBookLevel[];
}

/** A consistent book built from a snapshot and diffs: an {@link OrderBook} plus the update id it is at. */
export interface OrderBookSnapshotEvent extends OrderBook {
  /** The last update id applied to this book, as exact decimal digits. */
  readonly updateId: string;
}

/** A side of the book. */
export type BookSide = 'bids' | 'asks';

/**
 * Compares two `Big` values exactly, without allocating (big.js's own `cmp` copies its argument).
 *
 * Reads big.js's documented fields (`s` sign, `e` exponent, `c` coefficient digits), the same way
 * {@link toBig} builds them; trailing zero digits are tolerated.
 *
 * @example
 * ```ts
 * compareDecimals(toBig('100.10'), toBig('100.1')); // 0
 * compareDecimals(toBig('0.00002245'), toBig('0.00002246')); // -1
 * ```
 * @returns -1, 0 or 1 as `a` is below, equal to or above `b`.
 */
export function compareDecimals(a: Big, b: Big): number {
  const ac = a.c;
  const bc = b.c;
  const aZero = ac[0] === 0;
  const bZero = bc[0] === 0;
  if (aZero || bZero) return aZero ? (bZero ? 0 : -b.s) : a.s;
  if (a.s !== b.s) return a.s;
  const up = a.s > 0 ? 1 : -1;
  if (a.e !== b.e) return a.e > b.e ? up : -up;
  const shared = Math.min(ac.length, bc.length);
  for (let i = 0; i < shared; i++) {
    const x = ac[i]!;
    const y = bc[i]!;
    if (x !== y) return x > y ? up : -up;
  }
  const longer = ac.length > bc.length ? ac : bc;
  for (let i = shared; i < longer.length; i++) {
    if (longer[i] !== 0) return longer === ac ? up : -up;
  }
  return 0;
}

/** `true` for an amount that removes its level: zero, or (defensively) negative. */
function removesLevel(amount: Big): boolean {
  return amount.c[0] === 0 || amount.s < 0;
}

/**
 * Binary search in `levels` sorted by `direction * compareDecimals` ascending (worst-first storage:
 * {@link BID_ORDER} and {@link ASK_ORDER}).
 * Returns the index of `price`, or `-(insertionPoint + 1)` when absent.
 */
function search(levels: readonly OrderBookLevel[], price: Big, direction: number): number {
  let low = 0;
  let high = levels.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const order = direction * compareDecimals(levels[middle]!.price, price);
    if (order < 0) low = middle + 1;
    else if (order > 0) high = middle - 1;
    else return middle;
  }
  return -(low + 1);
}

/** Sets one level in a sorted side: replace, insert, or delete (deleting an absent level is a no-op). */
function setLevel(levels: OrderBookLevel[], level: OrderBookLevel, direction: number): void {
  const index = search(levels, level.price, direction);
  if (removesLevel(level.amount)) {
    if (index >= 0) levels.splice(index, 1);
  } else if (index >= 0) {
    levels[index] = level;
  } else {
    levels.splice(-index - 1, 0, level);
  }
}

/** A sorted copy of `levels`: no zero amounts, one level per price (the last one given wins). */
function sortLevels(levels: readonly OrderBookLevel[], direction: number): OrderBookLevel[] {
  const kept = levels.filter((level) => !removesLevel(level.amount));
  kept.sort((a, b) => direction * compareDecimals(a.price, b.price));
  const unique: OrderBookLevel[] = [];
  for (const level of kept) {
    const last = unique[unique.length - 1];
    if (last !== undefined && compareDecimals(last.price, level.price) === 0) unique[unique.length - 1] = level;
    else unique.push(level);
  }
  return unique;
}

/** Bids are stored ascending (lowest, the worst, first; best bid last). */
const BID_ORDER = 1;
/** Asks are stored descending (highest, the worst, first; best ask last). */
const ASK_ORDER = -1;

/**
 * The best `depth` levels of a worst-first side, best first, as a fresh array (all of them when `depth`
 * is omitted). `depth` is read as `Array.prototype.slice` reads an end index: truncated, and 0 when
 * negative or `NaN`.
 */
function topLevels(levels: readonly OrderBookLevel[], depth: number | undefined): OrderBookLevel[] {
  const length = levels.length;
  const wanted = depth === undefined ? length : Math.trunc(Math.max(0, depth)) || 0;
  if (wanted <= 0) return [];
  return wanted >= length ? levels.slice().reverse() : levels.slice(length - wanted).reverse();
}

/**
 * A local order book: bids highest first, asks lowest first, prices compared exactly.
 *
 * Made for books rebuilt from a snapshot plus a stream of absolute level updates (Binance diff depth):
 * with 5,000 levels a side, an update costs a dozen exact comparisons and an array shift that is short
 * near the top of the book, where live updates cluster, and the top N levels come out already sorted.
 * Prices are matched by value, so `"100.10"` and `"100.1"` are the same level. Arrays returned by
 * {@link OrderBookState.bids} and {@link OrderBookState.asks} are fresh best-first copies; the level
 * objects in them are immutable and shared.
 *
 * @example
 * ```ts
 * import { OrderBookState, toBig } from 'market-data-backbone';
 * const book = new OrderBookState({ bids: [{ price: toBig('100'), amount: toBig('2') }], asks: [] });
 * book.apply('asks', toBig('101.5'), toBig('0.3'));
 * book.apply('bids', toBig('100.0'), toBig('0')); // deletes the 100 bid
 * book.asks(10); // [{ price: 101.5, amount: 0.3 }]
 * ```
 */
export class OrderBookState {
  #bids: OrderBookLevel[] = [];
  #asks: OrderBookLevel[] = [];

  /** @param snapshot Initial levels, in any order (see {@link OrderBookState.load}). */
  constructor(snapshot?: { readonly bids: readonly OrderBookLevel[]; readonly asks: readonly OrderBookLevel[] }) {
    if (snapshot !== undefined) this.load(snapshot.bids, snapshot.asks);
  }

  /** Number of bid levels. */
  get bidCount(): number {
    return this.#bids.length;
  }

  /** Number of ask levels. */
  get askCount(): number {
    return this.#asks.length;
  }

  /**
   * Replaces the whole book. Levels may come in any order; zero amounts are skipped and, for a price
   * given twice, the later level wins.
   *
   * @example
   * ```ts
   * book.load(snapshot.bids, snapshot.asks);
   * ```
   */
  load(bids: readonly OrderBookLevel[], asks: readonly OrderBookLevel[]): void {
    this.#bids = sortLevels(bids, BID_ORDER);
    this.#asks = sortLevels(asks, ASK_ORDER);
  }

  /**
   * Empties both sides.
   *
   * @example
   * ```ts
   * book.clear(); // after a sequence gap
   * ```
   */
  clear(): void {
    this.#bids = [];
    this.#asks = [];
  }

  /**
   * Sets the absolute amount of one level; zero deletes it (deleting an absent level is a no-op).
   *
   * @example
   * ```ts
   * book.apply('bids', toBig('0.00002246'), toBig('375'));
   * ```
   */
  apply(side: BookSide, price: Big, amount: Big): void {
    if (side === 'bids') setLevel(this.#bids, { price, amount }, BID_ORDER);
    else setLevel(this.#asks, { price, amount }, ASK_ORDER);
  }

  /**
   * Applies the levels of one diff, bids then asks, each in the order given (the level objects are kept
   * as they are, not copied).
   *
   * @example
   * ```ts
   * book.applyLevels(diff.bids, diff.asks);
   * ```
   */
  applyLevels(bids: readonly OrderBookLevel[], asks: readonly OrderBookLevel[]): void {
    for (const level of bids) setLevel(this.#bids, level, BID_ORDER);
    for (const level of asks) setLevel(this.#asks, level, ASK_ORDER);
  }

  /**
   * The best `depth` bids, highest price first (all of them when `depth` is omitted).
   *
   * @example
   * ```ts
   * const [best] = book.bids(1);
   * ```
   */
  bids(depth?: number): OrderBookLevel[] {
    return topLevels(this.#bids, depth);
  }

  /**
   * The best `depth` asks, lowest price first (all of them when `depth` is omitted).
   *
   * @example
   * ```ts
   * const [best] = book.asks(1);
   * ```
   */
  asks(depth?: number): OrderBookLevel[] {
    return topLevels(this.#asks, depth);
  }

  /**
   * The amount resting at `price` on `side`, or `undefined` when there is no such level.
   *
   * @example
   * ```ts
   * book.amountAt('asks', toBig('101.50'))?.toString(); // '0.3'
   * ```
   */
  amountAt(side: BookSide, price: Big): Big | undefined {
    const levels = side === 'bids' ? this.#bids : this.#asks;
    const index = search(levels, price, side === 'bids' ? BID_ORDER : ASK_ORDER);
    return index >= 0 ? levels[index]!.amount : undefined;
  }
}
