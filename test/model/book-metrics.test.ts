import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors/index.js';
import { computeBookMetrics, type BookMetrics, type BookMetricsOk } from '../../src/model/book-metrics.js';
import { Big } from '../../src/model/decimal.js';
import { binanceBook, coinoneBook, makeBook, upbitBook } from './book-fixtures.js';

/** The metrics of a two-sided book, or a failed expectation. */
function ok(metrics: BookMetrics): BookMetricsOk {
  expect(metrics.kind).toBe('ok');
  return metrics as BookMetricsOk;
}

const sum = (values: readonly string[]): string => values.reduce((total, value) => total.plus(value), new Big(0)).toString();
const dot = (levels: readonly (readonly [string, string])[]): string =>
  levels.reduce((total, [price, amount]) => total.plus(new Big(price).times(amount)), new Big(0)).toString();

describe('computeBookMetrics on the published fixtures', () => {
  it('should measure Upbit KRW-BTC (rest_orderbook.json) by hand', () => {
    const m = ok(computeBookMetrics(upbitBook(), { bands: [10, 100], levels: 10 }));
    // mid = (148,490,000 + 148,520,000) / 2; spread = 30,000; 30,000 / 148,505,000 × 10,000 = 2.020133998...
    expect(m.mid.toString()).toBe('148505000');
    expect(m.spread.toString()).toBe('30000');
    expect(m.spreadBps.toString()).toBe('2.020134');
    // (148,490,000 × 0.0134662 + 148,520,000 × 0.04296774) / (0.04296774 + 0.0134662) = 148,512,841.4354907656...
    expect(m.microprice.toString()).toBe('148512841.43549077');
    const [ten, hundred] = m.bands;
    // 10 bps: bids >= 148,505,000 × 0.999 = 148,356,495 (148,490,000 down to 148,360,000: 14 levels),
    // asks <= 148,505,000 × 1.001 = 148,653,505 (148,520,000 up to 148,640,000: 6 levels).
    expect([ten?.bidFloor.toString(), ten?.askCeiling.toString()]).toEqual(['148356495', '148653505']);
    expect([ten?.bidLevels, ten?.askLevels]).toEqual([14, 6]);
    const bids: [string, string][] = [
      ['148490000', '0.04296774'], ['148480000', '0.00336561'], ['148470000', '0.05256162'], ['148460000', '0.24641946'],
      ['148450000', '0.04871907'], ['148440000', '0.02047981'], ['148430000', '0.01414705'], ['148420000', '0.09912504'],
      ['148410000', '0.07080781'], ['148400000', '0.17449241'], ['148390000', '0.08526862'], ['148380000', '0.20565151'],
      ['148370000', '0.63581042'], ['148360000', '0.0000674'],
    ];
    const asks: [string, string][] = [
      ['148520000', '0.0134662'], ['148590000', '0.00075646'], ['148610000', '0.34336092'], ['148620000', '0.32169944'],
      ['148630000', '0.00092837'], ['148640000', '0.10529204'],
    ];
    expect(ten?.bidSize.toString()).toBe(sum(bids.map(([, a]) => a))); // 1.69988357
    expect(ten?.bidSize.toString()).toBe('1.69988357');
    expect(ten?.askSize.toString()).toBe('0.78550343');
    expect(ten?.bidNotional.toString()).toBe(dot(bids));
    expect(ten?.askNotional.toString()).toBe(dot(asks));
    // (1.69988357 − 0.78550343) / (1.69988357 + 0.78550343) = 0.91438014 / 2.485387 = 0.367902519...
    expect(ten?.imbalance?.toString()).toBe('0.36790252');
    // 100 bps: 148,505,000 × 0.99 = 147,019,950 and × 1.01 = 149,990,050 take all 30 levels of each side.
    expect([hundred?.bidLevels, hundred?.askLevels]).toEqual([30, 30]);
    expect(hundred?.bidSize.toString()).toBe('9.49577219'); // the fixture's total_bid_size
    expect(hundred?.askSize.toString()).toBe('10.37591054'); // and total_ask_size
    // Top 10 levels: bids 0.77308562, asks 2.44047877; (0.77308562 − 2.44047877) / 3.21356439 = −0.518860967...
    expect([m.top.bidSize.toString(), m.top.askSize.toString(), m.top.imbalance?.toString()]).toEqual(['0.77308562', '2.44047877', '-0.51886097']);
  });

  it('should measure Coinone BTC/KRW (rest_orderbook.json) by hand', () => {
    const m = ok(computeBookMetrics(coinoneBook(), { bands: [10] }));
    // mid = (75,862,000 + 75,863,000) / 2 = 75,862,500; 1,000 / 75,862,500 × 10,000 = 0.131817432...
    expect([m.mid.toString(), m.spread.toString(), m.spreadBps.toString()]).toEqual(['75862500', '1000', '0.13181743']);
    // (75,862,000 × 22.5 + 75,863,000 × 0.5) / 23 = 1,744,826,500 / 23 = 75,862,021.7391304347...
    expect(m.microprice.toString()).toBe('75862021.73913043');
    // 10 bps: floor 75,786,637.5 and ceiling 75,938,362.5 hold all five levels of each side.
    const band = m.bands[0]!;
    expect([band.bidLevels, band.askLevels, band.bidSize.toString(), band.askSize.toString()]).toEqual([5, 5, '2.5', '102.5']);
    // 0.5 × (75,862,000 + 75,860,000 + 75,859,000 + 75,857,000 + 75,855,000) = 0.5 × 379,293,000
    expect(band.bidNotional.toString()).toBe('189646500');
    // 75,863,000 × 22.5 + 75,865,000 × 22 + 75,867,000 × 11 + 75,869,000 × 23 + 75,871,000 × 24
    expect(band.askNotional.toString()).toBe(String(75_863_000 * 22.5 + 75_865_000 * 22 + 75_867_000 * 11 + 75_869_000 * 23 + 75_871_000 * 24));
    // (2.5 − 102.5) / 105 = −0.952380952...
    expect(band.imbalance?.toString()).toBe('-0.95238095');
  });

  it('should measure Binance (rest_depth.json) by hand', () => {
    const m = ok(computeBookMetrics(binanceBook(), { bands: [1], levels: 5 }));
    // mid = (4 + 4.000002) / 2 = 4.000001; 0.000002 / 4.000001 × 10,000 = 0.0049999987... → 0.00500000
    expect([m.mid.toString(), m.spread.toString(), m.spreadBps.toString()]).toEqual(['4.000001', '0.000002', '0.005']);
    // (4 × 12 + 4.000002 × 431) / 443 = 1,772.000862 / 443 = 4.0000019458...
    expect(m.microprice.toString()).toBe('4.00000195');
    // 1 bp: floor 4.000001 × 0.9999 = 3.9996009999, ceiling 4.000001 × 1.0001 = 4.0004010001: both levels in.
    const band = m.bands[0]!;
    expect([band.bidFloor.toString(), band.askCeiling.toString()]).toEqual(['3.9996009999', '4.0004010001']);
    expect([band.bidNotional.toString(), band.askNotional.toString()]).toEqual(['1724', '48.000024']);
    // (431 − 12) / 443 = 0.945823927...; the top 5 levels are the same single level per side.
    expect([band.imbalance?.toString(), m.top.imbalance?.toString()]).toEqual(['0.94582393', '0.94582393']);
  });
});

describe('computeBookMetrics on books without a mid', () => {
  it('should say a book is crossed instead of measuring it', () => {
    const metrics = computeBookMetrics(makeBook([['101', '1']], [['100', '1']]));
    expect(metrics).toMatchObject({ kind: 'crossed', exchange: 'test', symbol: 'BTC/KRW' });
    expect(metrics).not.toHaveProperty('mid');
  });

  it('should measure a locked book (bid = ask) with a zero spread', () => {
    const m = ok(computeBookMetrics(makeBook([['100', '1']], [['100', '3']])));
    expect([m.spread.toString(), m.spreadBps.toString(), m.microprice.toString()]).toEqual(['0', '0', '100']);
  });

  it('should say which side a one-sided book has, and when it has none', () => {
    expect(computeBookMetrics(makeBook([['100', '1']], []))).toMatchObject({ kind: 'one-sided', side: 'bid' });
    const asks = computeBookMetrics(makeBook([], [['101', '2']]));
    expect(asks.kind === 'one-sided' && [asks.side, asks.best.price.toString()]).toEqual(['ask', '101']);
    expect(computeBookMetrics(makeBook([], [])).kind).toBe('empty');
  });

  it('should leave the imbalance of a band narrower than half the spread undefined, with empty sides', () => {
    // mid 100.5, 10 bps: bids >= 100.3995 and asks <= 100.6005 hold nothing.
    const band = ok(computeBookMetrics(makeBook([['100', '1']], [['101', '2']]), { bands: [10] })).bands[0]!;
    expect([band.bidLevels, band.askLevels, band.bidSize.toString(), band.imbalance]).toEqual([0, 0, '0', undefined]);
  });
});

describe('computeBookMetrics options', () => {
  const book = makeBook([['100', '1']], [['101', '2']]);

  it.each([
    ['options.bands', { bands: [] }],
    ['options.bands', { bands: [0] }],
    ['options.bands', { bands: [10, -5] }],
    ['options.bands', { bands: [Number.NaN] }],
    ['options.bands', { bands: [10_001] }],
    ['options.levels', { levels: 0 }],
    ['options.levels', { levels: 1.5 }],
    ['options.decimals', { decimals: -1 }],
  ])('should refuse %s = %j', (argument, options) => {
    const attempt = () => computeBookMetrics(book, options);
    expect(attempt).toThrow(InvalidArgumentError);
    expect(attempt).toThrow(expect.objectContaining({ argument }) as Error);
  });

  it('should sort and deduplicate the bands, and round to the decimals asked for', () => {
    const m = ok(computeBookMetrics(book, { bands: [100, 50, 100], decimals: 2 }));
    expect(m.bands.map((band) => band.bps)).toEqual([50, 100]);
    // 1 / 100.5 × 10,000 = 99.50248...; (100 × 2 + 101 × 1) / 3 = 100.333...
    expect([m.spreadBps.toString(), m.microprice.toString()]).toEqual(['99.5', '100.33']);
  });
});

/** A random two-sided, uncrossed book: integer ticks of 0.01, amounts of up to 8 decimals. */
const bookArbitrary = fc
  .record({
    mid: fc.integer({ min: 10_000, max: 100_000_000 }),
    half: fc.integer({ min: 0, max: 200 }),
    bids: fc.array(fc.record({ gap: fc.integer({ min: 1, max: 500 }), units: fc.integer({ min: 1, max: 10 ** 12 }) }), { minLength: 1, maxLength: 60 }),
    asks: fc.array(fc.record({ gap: fc.integer({ min: 1, max: 500 }), units: fc.integer({ min: 1, max: 10 ** 12 }) }), { minLength: 1, maxLength: 60 }),
  })
  .map(({ mid, half, bids, asks }) => {
    const ladder = (levels: { gap: number; units: number }[], start: number, direction: number): [string, string][] => {
      let tick = start;
      return levels.map(({ gap, units }, i) => {
        if (i > 0) tick += direction * gap;
        return [new Big(tick).div(100).toString(), new Big(units).div(1e8).toString()];
      });
    };
    return makeBook(ladder(bids, mid - half, -1), ladder(asks, mid + half, 1));
  });

describe('computeBookMetrics properties', () => {
  it('should find at least as much depth in a wider band, with imbalances in [-1, 1]', () => {
    const bands = fc.uniqueArray(fc.integer({ min: 1, max: 2_000 }), { minLength: 2, maxLength: 5 });
    fc.assert(
      fc.property(bookArbitrary, bands, (book, bps) => {
        const m = ok(computeBookMetrics(book, { bands: bps, levels: 7 }));
        for (let i = 1; i < m.bands.length; i++) {
          const [narrow, wide] = [m.bands[i - 1]!, m.bands[i]!];
          expect(wide.bidSize.gte(narrow.bidSize) && wide.askSize.gte(narrow.askSize)).toBe(true);
          expect(wide.bidNotional.gte(narrow.bidNotional) && wide.askNotional.gte(narrow.askNotional)).toBe(true);
          expect(wide.bidLevels >= narrow.bidLevels && wide.askLevels >= narrow.askLevels).toBe(true);
        }
        for (const imbalance of [...m.bands.map((band) => band.imbalance), m.top.imbalance]) {
          if (imbalance !== undefined) expect(imbalance.gte(-1) && imbalance.lte(1)).toBe(true);
        }
        expect(m.microprice.gte(m.bestBid.price) && m.microprice.lte(m.bestAsk.price)).toBe(true);
      }),
    );
  });

  it('should equal the same sums done with Big, level by level', () => {
    fc.assert(
      fc.property(bookArbitrary, fc.integer({ min: 1, max: 3_000 }), (book, bps) => {
        const m = ok(computeBookMetrics(book, { bands: [bps] }));
        const band = m.bands[0]!;
        const floor = m.mid.times(new Big(1).minus(new Big(bps).div(10_000)));
        const inside = book.bids.filter((level) => level.price.gte(floor));
        expect(band.bidSize.toString()).toBe(inside.reduce((total, level) => total.plus(level.amount), new Big(0)).toString());
        expect(band.bidNotional.toString()).toBe(inside.reduce((total, level) => total.plus(level.price.times(level.amount)), new Big(0)).toString());
      }),
    );
  });
});
