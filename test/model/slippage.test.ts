import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors/index.js';
import { Big } from '../../src/model/decimal.js';
import { computeSlippage, type Slippage, type SlippageOk, type SlippageOrder } from '../../src/model/slippage.js';
import { binanceBook, coinoneBook, makeBook, upbitBook } from './book-fixtures.js';

function ok(slippage: Slippage): SlippageOk {
  expect(slippage.kind).toBe('ok');
  return slippage as SlippageOk;
}

const text = (s: SlippageOk) => ({
  filledSize: s.filledSize.toString(), filledNotional: s.filledNotional.toString(), complete: s.complete, unfilled: s.unfilled.toString(),
  averagePrice: s.averagePrice.toString(), worstPrice: s.worstPrice.toString(), levels: s.levels,
  costVsMidBps: s.costVsMidBps.toString(), costVsBestBps: s.costVsBestBps.toString(),
});

describe('computeSlippage on the published fixtures', () => {
  it('should buy 0.36 BTC on Upbit (rest_orderbook.json) through four ask levels', () => {
    // Asks 0.0134662 @ 148,520,000 + 0.00075646 @ 148,590,000 + 0.34336092 @ 148,610,000 = 0.35758358;
    // the 0.00241642 left come from 148,620,000.
    const notional = new Big(148_520_000).times('0.0134662').plus(new Big(148_590_000).times('0.00075646'))
      .plus(new Big(148_610_000).times('0.34336092')).plus(new Big(148_620_000).times('0.00241642'));
    expect(notional.toString()).toBe('53498397.077');
    expect(text(ok(computeSlippage(upbitBook(), { side: 'buy', size: '0.36' })))).toEqual({
      filledSize: '0.36', filledNotional: '53498397.077', complete: true, unfilled: '0',
      // 53,498,397.077 / 0.36 = 148,606,658.547222...
      averagePrice: '148606658.54722222', worstPrice: '148620000', levels: 4,
      // (148,606,658.54722222 − 148,505,000) / 148,505,000 × 10,000 and (… − 148,520,000) / 148,520,000 × 10,000
      costVsMidBps: '6.84546293', costVsBestBps: '5.83480657',
    });
  });

  it('should sell 100,000,000 KRW worth on Coinone (rest_orderbook.json), the last level in part', () => {
    // Bids 0.5 @ 75,862,000 (37,931,000) and 0.5 @ 75,860,000 (37,930,000): 75,861,000; the 24,139,000 left
    // at 75,859,000 buy 24,139,000 / 75,859,000 = 0.318208781... → 0.31820878 (rounded down), 24,138,999.84202.
    expect(text(ok(computeSlippage(coinoneBook(), { side: 'sell', notional: '100000000' })))).toEqual({
      filledSize: '1.31820878', filledNotional: '99999999.84202', complete: true, unfilled: '0',
      // 99,999,999.84202 / 1.31820878 = 75,860,517.2103466...
      averagePrice: '75860517.2103466', worstPrice: '75859000', levels: 3,
      // (75,862,500 − avg) / 75,862,500 × 10,000 and (75,862,000 − avg) / 75,862,000 × 10,000: a seller gets less
      costVsMidBps: '0.26136624', costVsBestBps: '0.19545881',
    });
  });

  it('should fill what the book has and say it was not enough (Binance rest_depth.json)', () => {
    // One ask: 12 @ 4.000002. Buying 20 fills 12 and leaves 8; by notional, 100 − 48.000024 is left.
    expect(text(ok(computeSlippage(binanceBook(), { side: 'buy', size: '20' })))).toEqual({
      filledSize: '12', filledNotional: '48.000024', complete: false, unfilled: '8',
      // (4.000002 − 4.000001) / 4.000001 × 10,000 = 0.0024999993... → 0.0025
      averagePrice: '4.000002', worstPrice: '4.000002', levels: 1, costVsMidBps: '0.0025', costVsBestBps: '0',
    });
    const byNotional = ok(computeSlippage(binanceBook(), { side: 'buy', notional: '100' }));
    expect([byNotional.filledSize.toString(), byNotional.unfilled.toString(), byNotional.complete]).toEqual(['12', '51.999976', false]);
  });
});

describe('computeSlippage on books without a mid, and its options', () => {
  it('should say a book is one-sided or crossed instead of costing an order', () => {
    const order = { side: 'buy', size: '1' } as const;
    expect(computeSlippage(makeBook([], [['101', '1']]), order)).toMatchObject({ kind: 'one-sided', side: 'ask' });
    expect(computeSlippage(makeBook([['100', '1']], []), order)).toMatchObject({ kind: 'one-sided', side: 'bid' });
    expect(computeSlippage(makeBook([], []), order)).toMatchObject({ kind: 'one-sided', side: 'none' });
    expect(computeSlippage(makeBook([['102', '1']], [['101', '1']]), order).kind).toBe('crossed');
  });

  it('should skip empty levels and stop when the notional left buys less than the smallest size', () => {
    const book = makeBook([['99', '1']], [['100', '0'], ['101', '1']]);
    const dust = ok(computeSlippage(book, { side: 'buy', notional: '0.000001' }, { decimals: 4 }));
    expect([dust.filledSize.toString(), dust.levels, dust.complete]).toEqual(['0', 0, true]);
    const some = ok(computeSlippage(book, { side: 'buy', size: '0.5' }));
    expect([some.worstPrice.toString(), some.filledNotional.toString()]).toEqual(['101', '50.5']);
  });

  it.each([
    ['order.side', { side: 'hold', size: '1' }],
    ['order.size', { side: 'buy', size: '0' }],
    ['order.size', { side: 'buy', size: '-1' }],
    ['order.notional', { side: 'sell', notional: 'lots' }],
    ['order', { side: 'buy', size: '1', notional: '1' }],
    ['order', { side: 'buy' }],
  ])('should refuse %s in %j', (argument, order) => {
    const attempt = () => computeSlippage(makeBook([['99', '1']], [['101', '1']]), order as SlippageOrder);
    expect(attempt).toThrow(InvalidArgumentError);
    expect(attempt).toThrow(expect.objectContaining({ argument }) as Error);
  });
});

describe('computeSlippage properties', () => {
  const levels = fc.array(fc.record({ gap: fc.integer({ min: 1, max: 300 }), units: fc.integer({ min: 1, max: 10 ** 10 }) }), { minLength: 1, maxLength: 40 });
  const book = fc.record({ mid: fc.integer({ min: 10_000, max: 10_000_000 }), bids: levels, asks: levels }).map(({ mid, bids, asks }) => {
    const ladder = (side: { gap: number; units: number }[], direction: number): [string, string][] => {
      let tick = mid;
      return side.map(({ gap, units }) => {
        tick += direction * gap;
        return [String(tick), new Big(units).div(1e6).toString()];
      });
    };
    return makeBook(ladder(bids, -1), ladder(asks, 1));
  });

  it('should cost more (never less) for a larger order, on either side and either target', () => {
    fc.assert(
      fc.property(book, fc.constantFrom('buy', 'sell' as const), fc.boolean(), fc.integer({ min: 1, max: 10 ** 6 }), fc.integer({ min: 1, max: 10 ** 6 }), (b, side, bySize, x, y) => {
        const [small, large] = [Math.min(x, y), Math.max(x, y)].map((n) => new Big(n).div(bySize ? 1e3 : 1e-2).toString());
        const order = (amount: string): SlippageOrder => (bySize ? { side, size: amount } : { side, notional: amount });
        const [s, l] = [ok(computeSlippage(b, order(small!))), ok(computeSlippage(b, order(large!)))];
        expect(l.costVsBestBps.gte(s.costVsBestBps)).toBe(true);
        expect(l.costVsMidBps.gte(s.costVsMidBps)).toBe(true);
        expect(l.filledSize.gte(s.filledSize) && l.levels >= s.levels).toBe(true);
        expect(s.costVsBestBps.gte(0)).toBe(true);
      }),
    );
  });
});
