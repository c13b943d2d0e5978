import { map, mergeMap, of } from 'rxjs';
import type { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { drawdown } from '../operators/drawdown.js';
import type { DrawdownUpdate } from '../operators/drawdown.js';
import { InvalidArgumentError } from '../src/errors/index.js';
import { toBig } from '../src/model/decimal.js';
import type { Trade } from '../src/model/trade.js';
import { createScheduler } from './helpers.js';

const trade = (timestamp: number, price: string): Trade => ({
  type: 'trade', exchange: 'upbit', symbol: 'BTC/KRW', market: 'KRW-BTC', timestamp, receivedAt: timestamp,
  id: String(timestamp), side: 'buy', price: toBig(price), amount: toBig('1'),
});

/** peak, drawdown, max drawdown. */
const summarize = (d: DrawdownUpdate): string => `${d.peak.toString()} ${d.drawdown.toString()} ${d.maxDrawdown.toString()}`;

const trades = { a: trade(1, '100'), b: trade(2, '80'), c: trade(3, '90'), d: trade(4, '120'), e: trade(5, '108') };

const run = (source: Observable<Trade>): Observable<string> => source.pipe(drawdown(), map(summarize));

/** @test {drawdown} */
describe('drawdown', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createScheduler();
  });

  it('should track the peak, the fall from it and the largest fall so far', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--c--d--e--|', trades);
      const e1subs = '  ^----------------!';
      const expected = '--A--B--C--D--E--|';

      // (100 − 80) / 100 = 0.2; (100 − 90) / 100 = 0.1; 120 a new peak; (120 − 108) / 120 = 0.1
      expectObservable(run(e1)).toBe(expected, { A: '100 0 0', B: '100 0.2 0.2', C: '100 0.1 0.2', D: '120 0 0.2', E: '120 0.1 0.2' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should keep its state per subscription', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const e1 = cold(' a--b--|', trades);
      const result = run(e1);

      expectObservable(result).toBe('A--B--|', { A: '100 0 0', B: '100 0.2 0.2' });
      expectObservable(result).toBe('A--B--|', { A: '100 0 0', B: '100 0.2 0.2' });
    });
  });

  it('should error on a price of 0 and refuse bad options when created', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const e1 = hot('  --a--z--', { a: trade(1, '100'), z: trade(2, '0') });
      expectObservable(run(e1)).toBe('--A--#  ', { A: '100 0 0' }, expect.any(InvalidArgumentError));
    });
    expect(() => drawdown({ decimals: -1 })).toThrow(InvalidArgumentError);
  });

  it('should pass through an error, and complete with an empty source', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--#', trades);
      const empty = cold<Trade>('|');

      expectObservable(run(e1)).toBe('--A--#', { A: '100 0 0' });
      expectObservable(run(empty)).toBe('|');
      expectSubscriptions(e1.subscriptions).toBe('^----!');
    });
  });

  it('should not break unsubscription chains when result is unsubscribed explicitly', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--c--|', trades);
      const unsub = '   -----!      ';
      const e1subs = '  ^----!      ';
      const expected = '--A--       ';

      const result = e1.pipe(mergeMap((x: Trade) => of(x)), drawdown(), map(summarize), mergeMap((x: string) => of(x)));
      expectObservable(result, unsub).toBe(expected, { A: '100 0 0' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });
});
