import { map, mergeMap, of } from 'rxjs';
import type { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { consolidateBooks } from '../operators/consolidateBooks.js';
import type { ConsolidateBooksConfig } from '../operators/consolidateBooks.js';
import type { ConsolidatedBook, ConsolidatedBookLegs, ConsolidatedLevel } from '../src/model/consolidated-book.js';
import { toBig } from '../src/model/decimal.js';
import type { OrderBook } from '../src/model/order-book.js';
import { createScheduler } from './helpers.js';

const book = (exchange: string, symbol: string, receivedAt: number, bid: string, ask: string): OrderBook => ({
  type: 'orderBook', exchange, symbol, market: symbol, timestamp: receivedAt, receivedAt,
  bids: [{ price: toBig(bid), amount: toBig('1') }],
  asks: [{ price: toBig(ask), amount: toBig('1') }],
});

/**
 * Upbit BTC/KRW 140/142 and Binance BTC/USDT 0.1/0.102 at 1,400 KRW per USDT (140/142.8): the bids join at
 * 140 (size 2, both venues), the best ask is Upbit's 142. Books and the rate received at the given times.
 */
const legs = (upbitAt: number, binanceAt: number): ConsolidatedBookLegs => ({
  books: { upbit: book('upbit', 'BTC/KRW', upbitAt, '140', '142'), binance: book('binance', 'BTC/USDT', binanceAt, '0.1', '0.102') },
  fx: { symbol: 'USDT/KRW', rate: toBig('1400'), receivedAt: binanceAt },
});

/** What the marbles compare: when, which legs were stale, and the NBBO as `price:venue+venue`. */
interface Summary {
  readonly at: number;
  readonly stale: string;
  readonly bid: string;
  readonly ask: string;
}

const level = (l: ConsolidatedLevel | undefined): string => (l === undefined ? '-' : `${l.price.toFixed()}:${l.venues.map((v) => v.venue).join('+')}`);

const summarize = (merged: ConsolidatedBook): Summary => ({
  at: merged.at,
  stale: Object.entries(merged.legs).filter(([, leg]) => leg.stale).map(([name]) => name).join(','),
  bid: level(merged.bestBid),
  ask: level(merged.bestAsk),
});

const both = (at: number, stale = ''): Summary => ({ at, stale, bid: '140:upbit+binance', ask: '142:upbit' });

const run = (config: Partial<ConsolidateBooksConfig> = {}) => (source: Observable<ConsolidatedBookLegs>): Observable<Summary> =>
  source.pipe(consolidateBooks({ quote: 'KRW', staleAfterMs: 5, ...config }), map(summarize));

/** @test {consolidateBooks} */
describe('consolidateBooks', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createScheduler();
  });

  it('should merge every snapshot when it arrives and complete with the source', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--|', { a: legs(2, 2), b: legs(5, 4) });
      const e1subs = '  ^-------!';
      const expected = '--A--B--|';

      expectObservable(e1.pipe(run())).toBe(expected, { A: both(2), B: both(5) });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should flag each stale leg exactly when it turns stale, without a new snapshot', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      // upbit's book is stale from 2 + 5 = 7, binance's book and rate (received at 4) from 9.
      const e1 = hot('  --a------------', { a: legs(2, 4) });
      const e1subs = '  ^--------------';
      const expected = '--A----S-T-----';

      const values = { A: both(2), S: both(7, 'upbit'), T: both(9, 'upbit,binance') };
      expectObservable(e1.pipe(run())).toBe(expected, values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should leave a stale leg out of the book with dropStale, moving the NBBO to the fresh venue', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a------------', { a: legs(2, 4) });
      const e1subs = '  ^--------------';
      const expected = '--A----S-T-----';

      const values = {
        A: both(2),
        S: { at: 7, stale: 'upbit', bid: '140:binance', ask: '142.8:binance' },
        T: { at: 9, stale: 'upbit,binance', bid: '-', ask: '-' },
      };
      expectObservable(e1.pipe(run({ dropStale: true }))).toBe(expected, values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should restart the stale timer on every snapshot', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b-----------', { a: legs(2, 2), b: legs(5, 5) });
      const e1subs = '  ^----------------';
      const expected = '--A--B----S------';

      expectObservable(e1.pipe(run())).toBe(expected, { A: both(2), B: both(5), S: both(10, 'upbit,binance') });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should pass through an error of the source and cancel the stale timer', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--#      ', { a: legs(2, 2) });
      const e1subs = '  ^----!      ';
      const expected = '--A--#      ';

      expectObservable(e1.pipe(run())).toBe(expected, { A: both(2) });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should complete with an empty source', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold<ConsolidatedBookLegs>(' |   ');
      const e1subs = '  (^!)';
      const expected = '|   ';

      expectObservable(e1.pipe(run())).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should not emit with a never source', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold<ConsolidatedBookLegs>(' -      ');
      const e1subs = '  ^      ';
      const expected = '-      ';

      expectObservable(e1.pipe(run())).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should allow unsubscribing explicitly and early, cancelling the stale timer', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a----------', { a: legs(2, 2) });
      const unsub = '   ------!      ';
      const e1subs = '  ^-----!      ';
      const expected = '--A---       ';

      expectObservable(e1.pipe(run()), unsub).toBe(expected, { A: both(2) });
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
        mergeMap((x: ConsolidatedBookLegs) => of(x)),
        run(),
        mergeMap((x: Summary) => of(x)),
      );
      expectObservable(result, unsub).toBe(expected, { A: both(2), S: both(7, 'upbit,binance') });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });
});
