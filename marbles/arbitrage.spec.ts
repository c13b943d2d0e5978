import { map, mergeMap, of, take } from 'rxjs';
import type { Observable, SchedulerAction, SchedulerLike } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { arbitrage } from '../operators/arbitrage.js';
import type { ArbitrageConfig } from '../operators/arbitrage.js';
import type { ArbitrageLegs, ArbitrageSnapshot } from '../src/model/arbitrage.js';
import { toBig } from '../src/model/decimal.js';
import type { OrderBook } from '../src/model/order-book.js';
import { createScheduler } from './helpers.js';

const book = (exchange: string, symbol: string, receivedAt: number, bid: string, ask: string): OrderBook => ({
  type: 'orderBook', exchange, symbol, market: symbol, timestamp: receivedAt, receivedAt,
  bids: [{ price: toBig(bid), amount: toBig('1') }],
  asks: [{ price: toBig(ask), amount: toBig('1') }],
});

/**
 * Upbit BTC/KRW 125/127 (mid 126) and Binance BTC/USDT 0.074/0.076 (mid 0.075 × 1,400 = 105 KRW): premium of
 * Upbit over Binance (126 − 105) / 105 × 100 = 20 %. Books and the rate received at the given virtual times.
 */
const legs = (upbitAt: number, binanceAt: number, fxAt = binanceAt): ArbitrageLegs => ({
  books: { upbit: book('upbit', 'BTC/KRW', upbitAt, '125', '127'), binance: book('binance', 'BTC/USDT', binanceAt, '0.074', '0.076') },
  fx: { symbol: 'USDT/KRW', rate: toBig('1400'), receivedAt: fxAt },
});

/** What the marbles compare: when the snapshot was priced, which legs were stale, and the pair's premium. */
interface Summary {
  readonly at: number;
  readonly stale: string;
  readonly premium: string | undefined;
}

const summarize = (snapshot: ArbitrageSnapshot): Summary => ({
  at: snapshot.at,
  stale: Object.entries(snapshot.legs).filter(([, leg]) => leg.stale).map(([name]) => name).join(','),
  premium: snapshot.pairs[0]?.premium?.toString(),
});

const summary = (at: number, stale = ''): Summary => ({ at, stale, premium: '20' });

const run = (config: Partial<ArbitrageConfig> = {}) => (source: Observable<ArbitrageLegs>): Observable<Summary> =>
  source.pipe(arbitrage({ quote: 'KRW', staleAfterMs: 5, ...config }), map(summarize));

/** @test {arbitrage} */
describe('arbitrage', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createScheduler();
  });

  it('should price every snapshot when it arrives and complete with the source', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--|', { a: legs(2, 2), b: legs(5, 4) });
      const e1subs = '  ^-------!';
      const expected = '--A--B--|';

      expectObservable(e1.pipe(run())).toBe(expected, { A: summary(2), B: summary(5) });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should re-emit exactly when each leg turns stale, without a new snapshot', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      // upbit's book is stale from 2 + 5 = 7; binance's rate (received at 3) from 8, before its book (at 4) at 9.
      const e1 = hot('  --a------------', { a: legs(2, 4, 3) });
      const e1subs = '  ^--------------';
      const expected = '--A----ST------';

      const values = { A: summary(2), S: summary(7, 'upbit'), T: summary(8, 'upbit,binance') };
      expectObservable(e1.pipe(run())).toBe(expected, values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should time an official rate by its own staleAfterMs, not by the age of its quote', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      // The bank quoted at -1000 (closed market): only its arrival (2) + its staleAfterMs (3) makes binance stale at 5.
      const official = { symbol: 'USD/KRW', rate: toBig('1400'), receivedAt: 2, quotedAt: -1_000, staleAfterMs: 3 };
      const e1 = hot('  --a------', { a: { ...legs(2, 2), fx: undefined, official } });
      const e1subs = '  ^--------';
      const expected = '--A--S-T-';

      const values = { A: summary(2), S: summary(5, 'binance'), T: summary(7, 'upbit,binance') };
      expectObservable(e1.pipe(run({ bases: 'official' }))).toBe(expected, values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should wait out a timer that fires early instead of re-emitting too soon', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--------', { a: legs(2, 2) });
      const e1subs = '  ^----------';
      const expected = '--A----S---';

      // Timers longer than 2 ms fire 2 ms early, as a coarse wall-clock timer can: the one due at 7 fires at 5.
      const scheduler: SchedulerLike = {
        now: () => testScheduler.now(),
        schedule: <T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T) =>
          testScheduler.schedule(work, delay > 2 ? delay - 2 : delay, state),
      };
      expectObservable(e1.pipe(run({ scheduler }))).toBe(expected, { A: summary(2), S: summary(7, 'upbit,binance') });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should restart the stale timer on every snapshot', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b-----------', { a: legs(2, 2), b: legs(5, 5) });
      const e1subs = '  ^----------------';
      const expected = '--A--B----S------';

      const values = { A: summary(2), B: summary(5), S: summary(10, 'upbit,binance') };
      expectObservable(e1.pipe(run())).toBe(expected, values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should flag a leg that arrives already stale at once and time only the fresh ones', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      // At 6 upbit's book is 6 ms old (>= 5): stale now; binance (received at 4) turns stale at 9.
      const e1 = hot('  ------a-------', { a: legs(0, 4) });
      const e1subs = '  ^-------------';
      const expected = '------A--S----';

      const values = { A: summary(6, 'upbit'), S: summary(9, 'upbit,binance') };
      expectObservable(e1.pipe(run())).toBe(expected, values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should never re-emit with staleAfterMs Infinity, using the given scheduler', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold(' --a--------------', { a: legs(2, 2) });
      const e1subs = '  ^----------------';
      const expected = '--A--------------';

      const result = e1.pipe(run({ staleAfterMs: Infinity, scheduler: testScheduler }));
      expectObservable(result).toBe(expected, { A: summary(2) });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should drop a pending re-emission when the source completes', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--|   ', { a: legs(2, 2) });
      const e1subs = '  ^----!   ';
      const expected = '--A--|   ';

      expectObservable(e1.pipe(run())).toBe(expected, { A: summary(2) });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should pass through an error of the source and cancel the stale timer', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--#      ', { a: legs(2, 2) });
      const e1subs = '  ^----!      ';
      const expected = '--A--#      ';

      expectObservable(e1.pipe(run())).toBe(expected, { A: summary(2) });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should error when the math throws (a fee that is not a decimal)', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--', { a: legs(2, 2), b: legs(5, 5) });
      const e1subs = '  ^-!     ';
      const expected = '--#     ';

      const result = e1.pipe(run({ fees: { upbit: 'one percent' } }));
      expectObservable(result).toBe(expected, undefined, new Error('[big.js] Invalid number'));
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should complete with an empty source', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold<ArbitrageLegs>(' |   ');
      const e1subs = '  (^!)';
      const expected = '|   ';

      expectObservable(e1.pipe(run())).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should not emit with a never source', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold<ArbitrageLegs>(' -      ');
      const e1subs = '  ^      ';
      const expected = '-      ';

      expectObservable(e1.pipe(run())).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should arm no timer when the consumer unsubscribes from inside next', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a------', { a: legs(2, 2) });
      const e1subs = '  ^-!      ';
      const expected = '--(A|)   ';

      let timers = 0;
      const scheduler: SchedulerLike = {
        now: () => testScheduler.now(),
        schedule: (...args: Parameters<SchedulerLike['schedule']>) => {
          timers++;
          return testScheduler.schedule(...args);
        },
      };
      expectObservable(e1.pipe(run({ scheduler }), take(1))).toBe(expected, { A: summary(2) });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
      testScheduler.flush();
      expect(timers).toBe(0);
    });
  });

  it('should allow unsubscribing explicitly and early, cancelling the stale timer', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a----------', { a: legs(2, 2) });
      const unsub = '   ------!      ';
      const e1subs = '  ^-----!      ';
      const expected = '--A---       ';

      expectObservable(e1.pipe(run()), unsub).toBe(expected, { A: summary(2) });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should not break unsubscription chains when result is unsubscribed explicitly', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a----------', { a: legs(2, 2) });
      const unsub = '   --------!    ';
      const e1subs = '  ^-------!    ';
      const expected = '--A----S-    ';

      const result = e1.pipe(
        mergeMap((x: ArbitrageLegs) => of(x)),
        run(),
        mergeMap((x: Summary) => of(x)),
      );
      expectObservable(result, unsub).toBe(expected, { A: summary(2), S: summary(7, 'upbit,binance') });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should not break unsubscription chains when applied to an inner observable', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a----------', { a: legs(2, 2) });
      const unsub = '   --------!    ';
      const e1subs = '  ^-------!    ';
      const expected = '--A------    ';

      // `of` completes at once, and completion drops the pending re-emission: no S at 7.
      const result = e1.pipe(mergeMap((x: ArbitrageLegs) => of(x).pipe(run())));
      expectObservable(result, unsub).toBe(expected, { A: summary(2) });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });
});
