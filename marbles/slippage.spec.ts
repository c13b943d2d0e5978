import { map, mergeMap, of } from 'rxjs';
import type { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { slippage } from '../operators/slippage.js';
import { InvalidArgumentError } from '../src/errors/index.js';
import { toBig } from '../src/model/decimal.js';
import type { OrderBook } from '../src/model/order-book.js';
import type { Slippage } from '../src/model/slippage.js';
import { createScheduler } from './helpers.js';

const book = (asks: readonly [string, string][], bid = '99'): OrderBook => ({
  type: 'orderBook', exchange: 'upbit', symbol: 'BTC/KRW', market: 'KRW-BTC', timestamp: 1, receivedAt: 1,
  bids: [{ price: toBig(bid), amount: toBig('1') }],
  asks: asks.map(([price, amount]) => ({ price: toBig(price), amount: toBig(amount) })),
});

/** kind, and for a costed order its average price and whether the book had enough. */
const summarize = (s: Slippage): string => (s.kind === 'ok' ? `${s.averagePrice.toString()} ${s.complete ? 'full' : 'short'}` : s.kind);

// Buying 2: a fills 1 @ 101 + 1 @ 103 (average 102); b has only 1.5 (average of 1 @ 101 and 0.5 @ 104 = 102).
const books = { a: book([['101', '1'], ['103', '5']]), b: book([['101', '1'], ['104', '0.5']]), x: book([]), c: book([['98', '1']]) };
const summaries = { A: '102 full', B: '102 short', X: 'one-sided', C: 'crossed' };

const run = (source: Observable<OrderBook>): Observable<string> => source.pipe(slippage({ side: 'buy', size: '2' }), map(summarize));

/** @test {slippage} */
describe('slippage', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createScheduler();
  });

  it('should cost the order on every book and complete with the source', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--x--c--|', books);
      const e1subs = '  ^-------------!';
      const expected = '--A--B--X--C--|';

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

  it('should refuse a bad order when created', () => {
    expect(() => slippage({ side: 'buy', size: '0' })).toThrow(InvalidArgumentError);
  });

  it('should not break unsubscription chains when result is unsubscribed explicitly', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--x--|', books);
      const unsub = '   -----!      ';
      const e1subs = '  ^----!      ';
      const expected = '--A--       ';

      const result = e1.pipe(
        mergeMap((x: OrderBook) => of(x)),
        slippage({ side: 'buy', size: '2' }),
        map(summarize),
        mergeMap((x: string) => of(x)),
      );
      expectObservable(result, unsub).toBe(expected, summaries);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });
});
