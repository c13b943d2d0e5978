/**
 * `npm run bench -- consolidated`: the consolidated book of three exchanges at 30 levels a side each (Upbit
 * and Coinone in KRW, Binance in USDT converted at 1,400), per update: one venue's book changes and the
 * whole book is merged again, by `mergeBooks` and by the `consolidateBooks` operator (the stream path).
 * Baseline, measured in the same run: one exchange's book sync update, `OrderBookState.applyLevels` of a
 * 6-level diff plus its top 30 a side (what a synced order-book stream does per update).
 * Books and diffs are built untimed; prints µs per update and the ratio to the baseline, median of rounds.
 */
import { Subject } from 'rxjs';
import { consolidateBooks } from '../operators/consolidateBooks.js';
import type { ConsolidatedBookLegs } from '../src/model/consolidated-book.js';
import { mergeBooks } from '../src/model/consolidated-book.js';
import { Big, toBig } from '../src/model/decimal.js';
import type { OrderBook, OrderBookLevel } from '../src/model/order-book.js';
import { OrderBookState } from '../src/model/order-book-state.js';
import { seededRandom as random } from '../test/helpers/random.js';
import { collectGarbage, fmt, ratioRange, report } from './stats.js';

const LEVELS = 30;
const UPDATES = 3_000;
const ROUNDS = 5;
const VENUES = [
  { venue: 'upbit', symbol: 'BTC/KRW', mid: 140_000_000, tick: 1_000, decimals: 0 },
  { venue: 'coinone', symbol: 'BTC/KRW', mid: 139_900_000, tick: 1_000, decimals: 0 },
  { venue: 'binance', symbol: 'BTC/USDT', mid: 98_000, tick: 0.01, decimals: 2 },
] as const;
const FX = { symbol: 'USDT/KRW', rate: toBig('1400'), receivedAt: 0 };

type Venue = (typeof VENUES)[number];

function book(venue: Venue, shift: number, next: () => number, at: number): OrderBook {
  const side = (sign: number): OrderBookLevel[] =>
    Array.from({ length: LEVELS }, (_, i) => ({
      price: toBig((venue.mid + sign * (i + 1 + shift) * venue.tick).toFixed(venue.decimals)),
      amount: toBig((next() * 3).toFixed(8)),
    }));
  return { type: 'orderBook', exchange: venue.venue, symbol: venue.symbol, market: venue.symbol, timestamp: at, receivedAt: at, bids: side(-1), asks: side(1) };
}

/** The updates: which venue's new book, at which virtual time. */
function makeUpdates(): { readonly first: Record<string, OrderBook>; readonly updates: (readonly [string, OrderBook])[] } {
  const next = random(7);
  const first = Object.fromEntries(VENUES.map((v) => [v.venue, book(v, 0, next, 0)]));
  const updates = Array.from({ length: UPDATES }, (_, i) => {
    const venue = VENUES[i % VENUES.length]!;
    return [venue.venue, book(venue, Math.floor(next() * 3), next, i)] as const;
  });
  return { first, updates };
}

/** The baseline's diffs: 6 level updates near the top of one 30-level book. */
function makeDiffs(): { readonly start: OrderBook; readonly diffs: { bids: OrderBookLevel[]; asks: OrderBookLevel[] }[] } {
  const next = random(11);
  const venue = VENUES[0];
  const start = book(venue, 0, next, 0);
  const diffs = Array.from({ length: UPDATES }, () => {
    const level = (sign: number): OrderBookLevel => ({
      price: toBig(String(venue.mid + sign * (1 + Math.floor(next() * LEVELS)) * venue.tick)),
      amount: toBig(next() < 0.1 ? '0' : (next() * 3).toFixed(8)),
    });
    return { bids: [level(-1), level(-1), level(-1)], asks: [level(1), level(1), level(1)] };
  });
  return { start, diffs };
}

/** µs per update of `run` over `UPDATES` updates. */
function time(run: () => number): { readonly us: number; readonly sink: number } {
  collectGarbage();
  const start = performance.now();
  const sink = run();
  return { us: ((performance.now() - start) * 1000) / UPDATES, sink };
}

/** Prints the consolidated merge per update against one book's sync update. */
export async function benchConsolidated(): Promise<void> {
  const { first, updates } = makeUpdates();
  const { start, diffs } = makeDiffs();
  const rows = { baseline: [] as number[], merge: [] as number[], operator: [] as number[] };
  let sink = 0;
  for (let round = 0; round < ROUNDS + 1; round++) {
    const baseline = time(() => {
      const state = new OrderBookState(start);
      let n = 0;
      for (const diff of diffs) {
        state.applyLevels(diff.bids, diff.asks);
        n += state.bids(LEVELS).length + state.asks(LEVELS).length;
      }
      return n;
    });
    const merge = time(() => {
      const books: Record<string, OrderBook> = { ...first };
      let n = 0;
      for (const [venue, next] of updates) {
        books[venue] = next;
        n += mergeBooks({ books: { ...books }, fx: FX }, next.receivedAt, { quote: 'KRW', depth: LEVELS, staleAfterMs: Infinity }).bids.length;
      }
      return n;
    });
    const operator = time(() => {
      const legs$ = new Subject<ConsolidatedBookLegs>();
      let n = 0;
      const subscription = legs$.pipe(consolidateBooks({ quote: 'KRW', depth: LEVELS, staleAfterMs: Infinity })).subscribe((merged) => (n += merged.asks.length));
      const books: Record<string, OrderBook> = { ...first };
      for (const [venue, next] of updates) {
        books[venue] = next;
        legs$.next({ books: { ...books }, fx: FX });
      }
      subscription.unsubscribe();
      return n;
    });
    sink += baseline.sink + merge.sink + operator.sink;
    if (round === 0) continue; // warm-up
    rows.baseline.push(baseline.us);
    rows.merge.push(merge.us);
    rows.operator.push(operator.us);
  }
  const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const ratios = (values: readonly number[]) => values.map((v, i) => v / rows.baseline[i]!);
  report(`consolidated book, 3 exchanges × ${LEVELS} levels a side, ${UPDATES} updates, ${ROUNDS} rounds (sink ${new Big(sink).toFixed()})`, [
    ['baseline: one book sync update (6 levels + top 30)', `${fmt(median(rows.baseline), 2)} µs/update`],
    ['mergeBooks (90 levels a side into 30)', `${fmt(median(rows.merge), 2)} µs/update   x baseline ${ratioRange(ratios(rows.merge))}`],
    ['consolidateBooks operator (stream path)', `${fmt(median(rows.operator), 2)} µs/update   x baseline ${ratioRange(ratios(rows.operator))}`],
  ]);
}
