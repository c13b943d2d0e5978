/**
 * A mutable local order book, plus the exchange-neutral diff and snapshot types that {@link syncOrderBook}
 * consumes.
 *
 * Each side is kept sorted worst-first (best level last) in blocks of at most 64 immutable levels, each
 * level with a double sort key beside it: a search compares doubles and falls back to the allocation-free
 * exact comparison ({@link compareDecimals}) only when two doubles are equal, and an insert or delete
 * shifts one short block instead of the thousands of levels behind it in one flat array (a `memmove` of
 * pointers that is slow once the array lives in the old generation). Reading the top N levels walks the
 * blocks from the best end, so callers always get best-first arrays. Levels are never mutated in place,
 * and every array handed out is a fresh copy, so arrays returned earlier stay valid after later updates.
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

/** Exact powers of ten as doubles (10^22 is the largest a double holds exactly). */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The double nearest to `price` (what `Number(price.toString())` gives), cheaply for the usual prices.
 *
 * Rounding to nearest is monotonic, so `key(a) < key(b)` proves `a < b`; only equal keys need the exact
 * comparison. A coefficient of at most 15 digits is an exact integer, and one multiplication or division by
 * an exact power of ten rounds once, correctly; anything else goes through the string.
 */
function toKey(price: Big): number {
  const digits = price.c;
  const count = digits.length;
  if (count <= 15) {
    let coefficient = 0;
    for (let i = 0; i < count; i++) coefficient = coefficient * 10 + digits[i]!;
    const scale = count - 1 - price.e;
    if (scale >= 0 && scale <= 22) return price.s * (coefficient / POWERS_OF_TEN[scale]!);
    if (scale < 0 && scale >= -22) return price.s * (coefficient * POWERS_OF_TEN[-scale]!);
  }
  return Number(price.toString());
}

/** Most levels a block holds; a block that grows past it is split in two. */
const BLOCK_SIZE = 64;
/** A block smaller than this is merged into a neighbour when they fit in three quarters of a block together. */
const BLOCK_MIN = BLOCK_SIZE / 4;

/** A run of consecutive levels of a side and their sort keys (`direction * toKey(price)`, ascending). */
interface Block {
  keys: number[];
  levels: OrderBookLevel[];
}

/**
 * Where level `i` of `block` sorts against the price with sort key `key`: -1, 0 or 1. Keys decide when
 * they differ; equal keys (equal doubles) fall back to the exact comparison.
 */
function orderAt(block: Block, i: number, key: number, price: Big, direction: number): number {
  const k = block.keys[i]!;
  if (k < key) return -1;
  if (k > key) return 1;
  return direction * compareDecimals(block.levels[i]!.price, price);
}

/** Index of `price` in `block`, or `-(insertionPoint + 1)` when absent. */
function searchBlock(block: Block, key: number, price: Big, direction: number): number {
  let low = 0;
  let high = block.keys.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const order = orderAt(block, middle, key, price, direction);
    if (order < 0) low = middle + 1;
    else if (order > 0) high = middle - 1;
    else return middle;
  }
  return -(low + 1);
}

/**
 * One side of the book, sorted worst-first (best level last) by `direction * price`, in blocks of at
 * most {@link BLOCK_SIZE} levels. An update finds its block by binary search over the blocks' first
 * levels, then its place inside the block, comparing doubles and falling back to the exact comparison
 * only on equal doubles; an insert or delete shifts at most one block, wherever it lands in the book.
 */
class SortedSide {
  #blocks: Block[] = [];
  #count = 0;
  readonly #direction: number;

  constructor(direction: number) {
    this.#direction = direction;
  }

  get count(): number {
    return this.#count;
  }

  /** Replaces the side with `levels`, already sorted worst-first with one level per price. */
  load(levels: readonly OrderBookLevel[]): void {
    const direction = this.#direction;
    const blocks: Block[] = [];
    const fill = (BLOCK_SIZE * 3) >> 2;
    for (let start = 0; start < levels.length; start += fill) {
      const chunk = levels.slice(start, start + fill);
      blocks.push({ keys: chunk.map((level) => direction * toKey(level.price)), levels: chunk });
    }
    this.#blocks = blocks;
    this.#count = levels.length;
  }

  clear(): void {
    this.#blocks = [];
    this.#count = 0;
  }

  /** Index of the block that holds `price` or would take it: the last whose first level sorts at or below it, else 0. */
  #blockOf(key: number, price: Big): number {
    const blocks = this.#blocks;
    const direction = this.#direction;
    let low = 1;
    let high = blocks.length - 1;
    let found = 0;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (orderAt(blocks[middle]!, 0, key, price, direction) <= 0) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found;
  }

  /** Sets one level: replace, insert, or delete (deleting an absent level is a no-op). */
  set(level: OrderBookLevel): void {
    const direction = this.#direction;
    const price = level.price;
    const key = direction * toKey(price);
    const blocks = this.#blocks;
    const removes = removesLevel(level.amount);
    if (blocks.length === 0) {
      if (removes) return;
      blocks.push({ keys: [key], levels: [level] });
      this.#count = 1;
      return;
    }
    const b = this.#blockOf(key, price);
    const block = blocks[b]!;
    const index = searchBlock(block, key, price, direction);
    if (index >= 0) {
      if (!removes) {
        block.levels[index] = level;
        return;
      }
      block.keys.splice(index, 1);
      block.levels.splice(index, 1);
      this.#count--;
      if (block.levels.length < BLOCK_MIN) this.#shrink(b);
    } else if (!removes) {
      const at = -index - 1;
      block.keys.splice(at, 0, key);
      block.levels.splice(at, 0, level);
      this.#count++;
      if (block.levels.length > BLOCK_SIZE) {
        const half = block.levels.length >> 1;
        blocks.splice(b + 1, 0, { keys: block.keys.splice(half), levels: block.levels.splice(half) });
      }
    }
  }

  /** Drops block `b` when empty, or merges it into a neighbour when both fit in three quarters of a block. */
  #shrink(b: number): void {
    const blocks = this.#blocks;
    const block = blocks[b]!;
    if (block.levels.length === 0) {
      blocks.splice(b, 1);
      return;
    }
    const limit = (BLOCK_SIZE * 3) >> 2;
    const next = blocks[b + 1];
    if (next !== undefined && next.levels.length + block.levels.length <= limit) {
      blocks.splice(b, 2, { keys: block.keys.concat(next.keys), levels: block.levels.concat(next.levels) });
      return;
    }
    const previous = blocks[b - 1];
    if (previous !== undefined && previous.levels.length + block.levels.length <= limit) {
      blocks.splice(b - 1, 2, { keys: previous.keys.concat(block.keys), levels: previous.levels.concat(block.levels) });
    }
  }

  /** The level at `price`, or `undefined`. */
  find(price: Big): OrderBookLevel | undefined {
    if (this.#blocks.length === 0) return undefined;
    const key = this.#direction * toKey(price);
    const block = this.#blocks[this.#blockOf(key, price)]!;
    const index = searchBlock(block, key, price, this.#direction);
    return index >= 0 ? block.levels[index] : undefined;
  }

  /**
   * The best `depth` levels, best first, as a fresh array (all of them when `depth` is omitted). `depth`
   * is read as `Array.prototype.slice` reads an end index: truncated, and 0 when negative or `NaN`.
   */
  top(depth: number | undefined): OrderBookLevel[] {
    const wanted = depth === undefined ? this.#count : Math.min(this.#count, Math.trunc(Math.max(0, depth)) || 0);
    const out: OrderBookLevel[] = [];
    const blocks = this.#blocks;
    for (let b = blocks.length - 1; b >= 0 && out.length < wanted; b--) {
      const levels = blocks[b]!.levels;
      for (let i = levels.length - 1; i >= 0 && out.length < wanted; i--) out.push(levels[i]!);
    }
    return out;
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
 * A local order book: bids highest first, asks lowest first, prices compared exactly.
 *
 * Made for books rebuilt from a snapshot plus a stream of absolute level updates (Binance diff depth):
 * with 5,000 levels a side, an update costs about a dozen double comparisons and a shift inside one block
 * of at most 64 levels, and the top N levels come out already sorted.
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
  readonly #bids = new SortedSide(BID_ORDER);
  readonly #asks = new SortedSide(ASK_ORDER);

  /** @param snapshot Initial levels, in any order (see {@link OrderBookState.load}). */
  constructor(snapshot?: { readonly bids: readonly OrderBookLevel[]; readonly asks: readonly OrderBookLevel[] }) {
    if (snapshot !== undefined) this.load(snapshot.bids, snapshot.asks);
  }

  /** Number of bid levels. */
  get bidCount(): number {
    return this.#bids.count;
  }

  /** Number of ask levels. */
  get askCount(): number {
    return this.#asks.count;
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
    this.#bids.load(sortLevels(bids, BID_ORDER));
    this.#asks.load(sortLevels(asks, ASK_ORDER));
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
    this.#bids.clear();
    this.#asks.clear();
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
    (side === 'bids' ? this.#bids : this.#asks).set({ price, amount });
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
    for (let i = 0; i < bids.length; i++) this.#bids.set(bids[i]!);
    for (let i = 0; i < asks.length; i++) this.#asks.set(asks[i]!);
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
    return this.#bids.top(depth);
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
    return this.#asks.top(depth);
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
    return (side === 'bids' ? this.#bids : this.#asks).find(price)?.amount;
  }
}
