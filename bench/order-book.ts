/**
 * Order-book updates: 100k absolute level updates (10k diffs of 10 levels) on a book of 5,000 levels a
 * side, applied by `OrderBookState` and by two baselines measured in the same run:
 * - the naive reference (a Map keyed by price text, sorted with big.js whenever the top is read), and
 * - a Map-only book that keeps no order at all (the floor cost of a keyed update, but it cannot answer
 *   "top 20" without sorting).
 * Also runs the whole `syncOrderBook` operator path (depth 20). Prints level updates per second and ratios.
 *
 * Every case builds its book untimed and collects the heap before the timed section (see `measure`).
 */
import { Subject } from 'rxjs';
import { syncOrderBook } from '../operators/syncOrderBook.js';
import type { DepthDiff } from '../operators/syncOrderBook.js';
import { Big, toBig } from '../src/model/decimal.js';
import type { OrderBookLevel } from '../src/model/order-book.js';
import { OrderBookState } from '../src/model/order-book-state.js';
import { collectGarbage, fmt, report } from './stats.js';
import { seededRandom as random } from '../test/helpers/random.js';

const LEVELS = 5000;
const DIFFS = 10_000;
const PER_DIFF = 10;
const TOP = 20;
/** The naive baseline sorts 5,000 levels per read, so it runs on a prefix of the diffs. */
const NAIVE_DIFFS = 200;

interface Diff {
  readonly bids: OrderBookLevel[];
  readonly asks: OrderBookLevel[];
}


const tickPrice = (tick: number): string => `${Math.floor(tick / 100)}.${String(tick % 100).padStart(2, '0')}`;

/** The starting book and the diffs, parsed up front so only the book work is timed. */
function makeWorkload(): { readonly bids: OrderBookLevel[]; readonly asks: OrderBookLevel[]; readonly diffs: Diff[] } {
  const next = random(42);
  const bids: OrderBookLevel[] = [];
  const asks: OrderBookLevel[] = [];
  for (let tick = 0; tick < LEVELS; tick++) {
    bids.push({ price: toBig(tickPrice(99_999 - tick)), amount: toBig('1.5') });
    asks.push({ price: toBig(tickPrice(100_000 + tick)), amount: toBig('1.5') });
  }
  const diffs: Diff[] = [];
  for (let i = 0; i < DIFFS; i++) {
    const diff: Diff = { bids: [], asks: [] };
    for (let n = 0; n < PER_DIFF; n++) {
      const bid = next() < 0.5;
      // Updates cluster near the top, as on a live book; one in ten deletes.
      const depth = Math.floor(next() ** 2 * LEVELS * 1.1);
      const price = toBig(tickPrice(bid ? 99_999 - depth : 100_000 + depth));
      const amount = toBig(next() < 0.1 ? '0.00000000' : (next() * 5).toFixed(8));
      (bid ? diff.bids : diff.asks).push({ price, amount });
    }
    diffs.push(diff);
  }
  return { bids, asks, diffs };
}

/** The naive reference book: a Map keyed by canonical price text, sorted on every read. */
class NaiveBook {
  readonly #sides = { bids: new Map<string, OrderBookLevel>(), asks: new Map<string, OrderBookLevel>() };

  constructor(bids: readonly OrderBookLevel[], asks: readonly OrderBookLevel[]) {
    for (const level of bids) this.#sides.bids.set(level.price.toString(), level);
    for (const level of asks) this.#sides.asks.set(level.price.toString(), level);
  }

  apply(side: 'bids' | 'asks', level: OrderBookLevel): void {
    if (level.amount.eq(0)) this.#sides[side].delete(level.price.toString());
    else this.#sides[side].set(level.price.toString(), level);
  }

  top(side: 'bids' | 'asks', depth: number): OrderBookLevel[] {
    const order = side === 'bids' ? -1 : 1;
    return [...this.#sides[side].values()].sort((a, b) => order * a.price.cmp(b.price)).slice(0, depth);
  }
}

/**
 * Level updates per second of the run built by `prepare` over `diffs` (best of three rounds, after a
 * warm-up round). Each round builds its book untimed, then collects the heap before timing, so the book
 * sits in the old generation as a live book does after its first collections: a book built and timed
 * without a collection in between measures the young-generation case, which is about twice as fast for
 * array shifts on a 5,000-level side.
 */
function measure(diffs: readonly Diff[], prepare: () => (diffs: readonly Diff[]) => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 4; round++) {
    const run = prepare();
    collectGarbage();
    const started = performance.now();
    run(diffs);
    const elapsed = performance.now() - started;
    if (round > 0) best = Math.min(best, elapsed);
  }
  return (diffs.length * PER_DIFF) / (best / 1000);
}

/** Prints level updates/s of `OrderBookState` against the naive and Map-only baselines. */
export async function benchOrderBook(): Promise<void> {
  const { bids, asks, diffs } = makeWorkload();
  let sink = 0;

  const stateApply = measure(diffs, () => {
    const book = new OrderBookState({ bids, asks });
    return (all) => {
      for (const diff of all) book.applyLevels(diff.bids, diff.asks);
      sink += book.bidCount;
    };
  });
  const stateTop = measure(diffs, () => {
    const book = new OrderBookState({ bids, asks });
    return (all) => {
      for (const diff of all) {
        book.applyLevels(diff.bids, diff.asks);
        sink += book.bids(TOP).length + book.asks(TOP).length;
      }
    };
  });
  const mapOnly = measure(diffs, () => {
    const sides = { bids: new Map<string, Big>(), asks: new Map<string, Big>() };
    for (const level of bids) sides.bids.set(level.price.toString(), level.amount);
    for (const level of asks) sides.asks.set(level.price.toString(), level.amount);
    return (all) => {
      for (const diff of all) {
        for (const level of diff.bids) {
          if (level.amount.eq(0)) sides.bids.delete(level.price.toString());
          else sides.bids.set(level.price.toString(), level.amount);
        }
        for (const level of diff.asks) {
          if (level.amount.eq(0)) sides.asks.delete(level.price.toString());
          else sides.asks.set(level.price.toString(), level.amount);
        }
      }
      sink += sides.bids.size;
    };
  });
  const naiveTop = measure(diffs.slice(0, NAIVE_DIFFS), () => {
    const book = new NaiveBook(bids, asks);
    return (some) => {
      for (const diff of some) {
        for (const level of diff.bids) book.apply('bids', level);
        for (const level of diff.asks) book.apply('asks', level);
        sink += book.top('bids', TOP).length + book.top('asks', TOP).length;
      }
    };
  });
  const ref = { exchange: 'bench', symbol: 'A/B', market: 'AB', timestamp: 0, receivedAt: 0 };
  const neutral: DepthDiff[] = diffs.map((diff, i) => ({ ...ref, firstUpdateId: BigInt(i + 1), finalUpdateId: BigInt(i + 1), ...diff }));
  const operator = measure(diffs, () => {
    // Synced untimed: the empty diff at id 0 triggers the snapshot load, then only the diffs are timed.
    const source = new Subject<DepthDiff>();
    const snapshot = { lastUpdateId: 0n, bids, asks };
    const subscription = source.pipe(syncOrderBook({ snapshot: () => [snapshot], depth: TOP })).subscribe((book) => {
      sink += book.bids.length;
    });
    source.next({ ...ref, firstUpdateId: 0n, finalUpdateId: 0n, bids: [], asks: [] });
    return () => {
      for (const diff of neutral) source.next(diff);
      subscription.unsubscribe();
    };
  });

  const rate = (value: number): string => `${fmt(value / 1e6, 2)} M level updates/s`;
  report(`Order book: ${LEVELS} levels a side, ${DIFFS * PER_DIFF} updates in diffs of ${PER_DIFF}`, [
    ['OrderBookState, apply only', rate(stateApply)],
    ['Map-only baseline (no order), apply only', rate(mapOnly)],
    ['  ratio OrderBookState / Map-only', `${fmt(stateApply / mapOnly, 2)} x`],
    [`OrderBookState, top ${TOP} read after each diff`, rate(stateTop)],
    [`naive reference (Map + sort per read; first ${NAIVE_DIFFS} diffs)`, rate(naiveTop)],
    ['  ratio OrderBookState / naive', `${fmt(stateTop / naiveTop, 1)} x`],
    [`syncOrderBook operator, depth ${TOP}`, rate(operator)],
    ['  ratio operator / naive', `${fmt(operator / naiveTop, 1)} x`],
  ]);
  if (sink === -1) console.log(sink);
}
