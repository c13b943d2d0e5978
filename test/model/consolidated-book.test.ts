/**
 * mergeBooks against hand computations: three venues, one in USDT converted at 1,400 KRW, levels joined at
 * equal prices with each venue's size, the NBBO, depth, a crossed book, a venue without a rate, and the
 * other direction (KRW books divided into USDT, rounded once).
 */
import { describe, expect, it } from 'vitest';
import { mergeBooks, type ConsolidatedLevel } from '../../src/model/consolidated-book.js';
import { toBig } from '../../src/model/decimal.js';
import type { OrderBook } from '../../src/model/order-book.js';

type Levels = readonly (readonly [string, string])[];
const T = 1_750_000_000_000;

function book(exchange: string, symbol: string, bids: Levels, asks: Levels, receivedAt = T): OrderBook {
  const levels = (pairs: Levels) => pairs.map(([price, amount]) => ({ price: toBig(price), amount: toBig(amount) }));
  return { type: 'orderBook', exchange, symbol, market: symbol, timestamp: receivedAt, receivedAt, bids: levels(bids), asks: levels(asks) };
}

const upbit = book('upbit', 'BTC/KRW', [['140000000', '0.5'], ['139900000', '1']], [['140100000', '0.3'], ['140200000', '2']]);
const coinone = book('coinone', 'BTC/KRW', [['140000000', '0.25'], ['139950000', '1']], [['140150000', '0.4']]);
// Binance BTC/USDT at 1,400: bids 99,990 × 1,400 = 139,986,000 and 100,000 × 1,400 = 140,000,000 (best);
// asks 100,072 × 1,400 = 140,100,800 and 100,100 × 1,400 = 140,140,000.
const binance = book('binance', 'BTC/USDT', [['100000', '2'], ['99990', '3']], [['100072', '0.1'], ['100100', '1']], T - 1_000);
const fx = { symbol: 'USDT/KRW', rate: toBig('1400'), receivedAt: T - 1_000 };

/** A level as `price amount [venue:size@own price, ...]`. */
const show = (levels: readonly ConsolidatedLevel[]) =>
  levels.map((l) => `${l.price.toFixed()} ${l.amount.toFixed()} [${l.venues.map((v) => `${v.venue}:${v.amount.toFixed()}@${v.price.toFixed()}`).join(', ')}]`);

describe('mergeBooks', () => {
  const merged = mergeBooks({ books: { upbit, coinone, binance }, fx }, T + 500, { quote: 'KRW' });

  it('joins equal prices across venues, bids highest first, each level tagged with the venues and sizes', () => {
    expect(show(merged.bids)).toEqual([
      // 0.5 + 0.25 + 2 = 2.75 at 140,000,000 on all three venues
      '140000000 2.75 [upbit:0.5@140000000, coinone:0.25@140000000, binance:2@100000]',
      '139986000 3 [binance:3@99990]',
      '139950000 1 [coinone:1@139950000]',
      '139900000 1 [upbit:1@139900000]',
    ]);
    expect(show(merged.asks)).toEqual([
      '140100000 0.3 [upbit:0.3@140100000]',
      '140100800 0.1 [binance:0.1@100072]',
      '140140000 1 [binance:1@100100]',
      '140150000 0.4 [coinone:0.4@140150000]',
      '140200000 2 [upbit:2@140200000]',
    ]);
  });

  it('gives the NBBO with its venues, the legs with their rates and ages, and cuts to depth', () => {
    expect(show([merged.bestBid!, merged.bestAsk!])).toEqual([show(merged.bids)[0], show(merged.asks)[0]]);
    expect(merged).toMatchObject({ type: 'consolidatedBook', symbol: 'BTC/KRW', quote: 'KRW', crossed: false, stale: false, nextStaleAt: T - 1_000 + 5_000 });
    expect(merged.legs['binance']).toMatchObject({ symbol: 'BTC/USDT', ageMs: 1_500, fxAgeMs: 1_500, stale: false, fxMissing: false });
    expect(merged.legs['binance']?.fxRate?.toFixed()).toBe('1400');
    const top2 = mergeBooks({ books: { upbit, coinone, binance }, fx }, T, { quote: 'KRW', depth: 2 });
    expect([top2.bids.length, top2.asks.length]).toEqual([2, 2]);
  });

  it('says when venues cross, and leaves out a venue it cannot convert', () => {
    // Coinone's bid 140,150,000 is above Upbit's ask 140,100,000.
    const high = book('coinone', 'BTC/KRW', [['140150000', '1']], [['140300000', '1']]);
    const crossed = mergeBooks({ books: { upbit, coinone: high, binance } }, T, { quote: 'KRW' });
    expect(crossed.crossed).toBe(true);
    expect(crossed.bestBid?.venues.map((v) => v.venue)).toEqual(['coinone']);
    expect(crossed.legs['binance']).toMatchObject({ fxMissing: true, fxRate: undefined });
    expect(crossed.bids.some((l) => l.venues.some((v) => v.venue === 'binance'))).toBe(false);
  });

  it('flags a stale leg, and drops its levels with dropStale', () => {
    const at = T + 4_000; // binance's book and rate (T − 1,000) are 5,000 old: stale; upbit's are not
    expect(mergeBooks({ books: { upbit, binance }, fx }, at, { quote: 'KRW' })).toMatchObject({ stale: true, legs: { binance: { stale: true }, upbit: { stale: false } } });
    const dropped = mergeBooks({ books: { upbit, binance }, fx }, at, { quote: 'KRW', dropStale: true });
    expect(show(dropped.bids)).toEqual(['140000000 0.5 [upbit:0.5@140000000]', '139900000 1 [upbit:1@139900000]']);
    expect(dropped.nextStaleAt).toBe(T + 5_000);
  });

  it('divides KRW books into USDT, rounded once half-up to decimals', () => {
    const inUsdt = mergeBooks({ books: { binance, upbit }, fx }, T, { quote: 'USDT', decimals: 2 });
    // 140,000,000 / 1,400 = 100,000 joins Binance's 100,000; 139,900,000 / 1,400 = 99,928.571… → 99,928.57.
    expect(show(inUsdt.bids)).toEqual(['100000 2.5 [binance:2@100000, upbit:0.5@140000000]', '99990 3 [binance:3@99990]', '99928.57 1 [upbit:1@139900000]']);
    // 140,100,000 / 1,400 = 100,071.428… → 100,071.43, below Binance's 100,072.
    expect(show(inUsdt.asks).slice(0, 2)).toEqual(['100071.43 0.3 [upbit:0.3@140100000]', '100072 0.1 [binance:0.1@100072]']);
  });
});

describe('mergeBooks properties', () => {
  it('keeps every unit of size, sorts each side strictly, and never puts a venue level on a wrong price', async () => {
    const fc = (await import('fast-check')).default;
    const level = fc.tuple(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 10_000 }));
    const side = fc.uniqueArray(level, { selector: ([tick]) => tick, maxLength: 12 });
    const venueBook = fc.record({ bids: side, asks: side, usdt: fc.boolean() });
    fc.assert(
      fc.property(fc.array(venueBook, { minLength: 1, maxLength: 4 }), (venues) => {
        const books = Object.fromEntries(
          venues.map(({ bids, asks, usdt }, i) => {
            // KRW books on a 1,000 tick, USDT books on a 1-USDT tick (× 1,400 at the rate below).
            const price = (tick: number) => (usdt ? String(100_000 - tick) : String(140_000_000 - tick * 1_000));
            const ask = (tick: number) => (usdt ? String(100_000 + tick) : String(140_000_000 + tick * 1_000));
            const sorted = (pairs: [number, number][]) => [...pairs].sort((x, y) => x[0] - y[0]);
            const toLevels = (pairs: [number, number][], at: (tick: number) => string): [string, string][] => sorted(pairs).map(([tick, size]) => [at(tick), `0.${size}`]);
            return [`v${i}`, book(`v${i}`, usdt ? 'BTC/USDT' : 'BTC/KRW', toLevels(bids, price), toLevels(asks, ask))];
          }),
        );
        const merged = mergeBooks({ books, fx }, T, { quote: 'KRW' });
        const total = (levels: readonly { amount: { toFixed(): string } }[]) => levels.reduce((sum, l) => sum.plus(l.amount.toFixed()), toBig('0'));
        for (const key of ['bids', 'asks'] as const) {
          const input = Object.values(books).flatMap((b) => b[key]);
          if (!total(merged[key]).eq(total(input))) return false;
          for (let i = 1; i < merged[key].length; i++) {
            const [before, after] = [merged[key][i - 1]!.price, merged[key][i]!.price];
            if (key === 'bids' ? !before.gt(after) : !before.lt(after)) return false;
          }
          for (const l of merged[key]) for (const v of l.venues) if (!v.price.times(merged.legs[v.venue]!.fxRate!).eq(l.price)) return false;
        }
        return true;
      }),
      { numRuns: 200 },
    );
  });
});
