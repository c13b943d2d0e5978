import { map, mergeMap, of } from 'rxjs';
import type { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { bookMetrics } from '../operators/bookMetrics.js';
import { InvalidArgumentError } from '../src/errors/index.js';
import type { BookMetrics } from '../src/model/book-metrics.js';
import { toBig } from '../src/model/decimal.js';
import type { OrderBook } from '../src/model/order-book.js';
import { createScheduler } from './helpers.js';

const book = (bid: string | undefined, ask: string | undefined): OrderBook => ({
  type: 'orderBook', exchange: 'upbit', symbol: 'BTC/KRW', market: 'KRW-BTC', timestamp: 1, receivedAt: 1,
  bids: bid === undefined ? [] : [{ price: toBig(bid), amount: toBig('1') }],
  asks: ask === undefined ? [] : [{ price: toBig(ask), amount: toBig('3') }],
});

/** kind, and for a two-sided book its spread in bps and the 50 bps imbalance. */
const summarize = (m: BookMetrics): string => (m.kind === 'ok' ? `${m.spreadBps.toString()} ${m.bands[0]?.imbalance?.toString()}` : m.kind);

const books = { a: book('99', '101'), b: book('100', '100'), x: book('101', '99'), o: book('100', undefined) };
// a: spread 2 / mid 100 × 10,000 = 200 bps; the 50 bps band (99.5 to 100.5) holds nothing. b: locked, 0 bps, (1 − 3) / 4.
const summaries = { A: '200 undefined', B: '0 -0.5', X: 'crossed', O: 'one-sided' };

const run = (source: Observable<OrderBook>): Observable<string> => source.pipe(bookMetrics({ bands: [50] }), map(summarize));

/** @test {bookMetrics} */
describe('bookMetrics', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createScheduler();
  });

  it('should measure every book and complete with the source', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--x--o--|', books);
      const e1subs = '  ^-------------!';
      const expected = '--A--B--X--O--|';

      expectObservable(run(e1)).toBe(expected, summaries);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should pass through an error of the source', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--#', books);
      const e1subs = '  ^----!';
      const expected = '--A--#';

      expectObservable(run(e1)).toBe(expected, summaries);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should complete with an empty source and stay silent with a never source', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const empty = cold<OrderBook>('|');
      const never = cold<OrderBook>('-');

      expectObservable(run(empty)).toBe('|');
      expectObservable(run(never)).toBe('-');
      expectSubscriptions(empty.subscriptions).toBe('(^!)');
      expectSubscriptions(never.subscriptions).toBe('^');
    });
  });

  it('should refuse bad options when created, before any subscription', () => {
    expect(() => bookMetrics({ bands: [0] })).toThrow(InvalidArgumentError);
    expect(() => bookMetrics({ levels: -1 })).toThrow(InvalidArgumentError);
  });

  it('should allow unsubscribing explicitly and early', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--x--|', books);
      const unsub = '   -----!      ';
      const e1subs = '  ^----!      ';
      const expected = '--A--       ';

      expectObservable(run(e1), unsub).toBe(expected, summaries);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should not break unsubscription chains when result is unsubscribed explicitly', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--x--|', books);
      const unsub = '   -----!      ';
      const e1subs = '  ^----!      ';
      const expected = '--A--       ';

      const result = e1.pipe(
        mergeMap((x: OrderBook) => of(x)),
        bookMetrics({ bands: [50] }),
        map(summarize),
        mergeMap((x: string) => of(x)),
      );
      expectObservable(result, unsub).toBe(expected, summaries);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });
});
