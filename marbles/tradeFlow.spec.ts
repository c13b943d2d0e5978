import { map, mergeMap, of, take } from 'rxjs';
import type { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { tradeFlow } from '../operators/tradeFlow.js';
import { InvalidArgumentError } from '../src/errors/index.js';
import { toBig } from '../src/model/decimal.js';
import type { Trade } from '../src/model/trade.js';
import type { TradeFlow } from '../src/model/trade-flow.js';
import { createScheduler } from './helpers.js';

/** A trade received at virtual time `receivedAt`. */
const trade = (receivedAt: number, side: 'buy' | 'sell', price: string, amount: string): Trade => ({
  type: 'trade', exchange: 'upbit', symbol: 'BTC/KRW', market: 'KRW-BTC', timestamp: receivedAt, receivedAt,
  id: String(receivedAt), side, price: toBig(price), amount: toBig(amount),
});

/** When, how many trades, buy / sell volume, imbalance and VWAP. */
const summarize = (f: TradeFlow): string =>
  `${f.at}: ${f.count} ${f.buyVolume.toString()}/${f.sellVolume.toString()} ${f.imbalance?.toString() ?? '-'} ${f.vwap?.toString() ?? '-'}`;

const run = (windowMs = 5) => (source: Observable<Trade>): Observable<string> => source.pipe(tradeFlow({ windowMs }), map(summarize));

/** @test {tradeFlow} */
describe('tradeFlow', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createScheduler();
  });

  it('should count a trade from its arrival until just before arrival + windowMs, and re-emit as it leaves', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      // a: buy 1 @ 100 at 2; b: sell 3 @ 104 at 4. Window 5: a counts at 2..6 and leaves at 7, b leaves at 9.
      const e1 = hot('  --a-b---------', { a: trade(2, 'buy', '100', '1'), b: trade(4, 'sell', '104', '3') });
      const e1subs = '  ^-------------';
      const expected = '--A-B--C-D----';

      expectObservable(e1.pipe(run())).toBe(expected, {
        A: '2: 1 1/0 1 100',
        // (1 − 3) / 4 = −0.5; (100 × 1 + 104 × 3) / 4 = 103
        B: '4: 2 1/3 -0.5 103',
        C: '7: 1 0/3 -1 104',
        D: '9: 0 0/0 - -',
      });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should leave a trade out at exactly arrival + windowMs when another arrives at that moment', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const e1 = hot('  --a----b------', { a: trade(2, 'buy', '100', '1'), b: trade(7, 'buy', '102', '2') });
      const expected = '--A----B----C-';

      expectObservable(e1.pipe(run())).toBe(expected, { A: '2: 1 1/0 1 100', B: '7: 1 2/0 1 102', C: '12: 0 0/0 - -' });
    });
  });

  it('should not count a trade that arrives already outside the window', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      // At 6, `o` (received at 1) is older than the window (1, 6]; `l` (received at 5) is in it and leaves at 10.
      const e1 = hot('  ------(ol)----', { o: trade(1, 'sell', '90', '1'), l: trade(5, 'sell', '90', '1') });
      const expected = '------(OL)C---';

      expectObservable(e1.pipe(run())).toBe(expected, { O: '6: 0 0/0 - -', L: '6: 1 0/1 -1 90', C: '10: 0 0/0 - -' });
    });
  });

  it('should let trades leave in the order they were received, whatever order they arrive in', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      // `b` arrives after `a` but was received before it: it leaves first, at 3 + 5.
      const e1 = hot('  ----a-b------', { a: trade(4, 'buy', '100', '1'), b: trade(3, 'sell', '100', '2') });
      const expected = '----A-B-CD---';

      expectObservable(e1.pipe(run())).toBe(expected, { A: '4: 1 1/0 1 100', B: '6: 2 1/2 -0.33333333 100', C: '8: 1 1/0 1 100', D: '9: 0 0/0 - -' });
    });
  });

  it('should refuse a window that is not above 0 when created', () => {
    expect(() => tradeFlow({ windowMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => tradeFlow({ windowMs: Number.NaN })).toThrow(InvalidArgumentError);
  });

  it('should drop pending departures when the source completes', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--|   ', { a: trade(2, 'buy', '100', '1') });
      const e1subs = '  ^----!   ';
      const expected = '--A--|   ';

      expectObservable(e1.pipe(run())).toBe(expected, { A: '2: 1 1/0 1 100' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should pass through an error of the source', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a-#   ', { a: trade(2, 'buy', '100', '1') });
      const e1subs = '  ^---!   ';
      const expected = '--A-#   ';

      expectObservable(e1.pipe(run())).toBe(expected, { A: '2: 1 1/0 1 100' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should complete with an empty source and stay silent with a never source', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const empty = cold<Trade>('|');
      const never = cold<Trade>('-');

      expectObservable(empty.pipe(run())).toBe('|');
      expectObservable(never.pipe(run())).toBe('-');
      expectSubscriptions(empty.subscriptions).toBe('(^!)');
      expectSubscriptions(never.subscriptions).toBe('^');
    });
  });

  it('should arm no timer when the consumer unsubscribes from inside next', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a------', { a: trade(2, 'buy', '100', '1') });
      const e1subs = '  ^-!      ';
      const expected = '--(A|)   ';

      expectObservable(e1.pipe(run(), take(1))).toBe(expected, { A: '2: 1 1/0 1 100' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should not break unsubscription chains when result is unsubscribed explicitly', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--------', { a: trade(2, 'buy', '100', '1') });
      const unsub = '   --------!  ';
      const e1subs = '  ^-------!  ';
      const expected = '--A----B-  ';

      const result = e1.pipe(
        mergeMap((x: Trade) => of(x)),
        run(),
        mergeMap((x: string) => of(x)),
      );
      expectObservable(result, unsub).toBe(expected, { A: '2: 1 1/0 1 100', B: '7: 0 0/0 - -' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });
});
