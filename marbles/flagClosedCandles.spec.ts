import { EMPTY, mergeMap, NEVER, of } from 'rxjs';
import { describe, it } from 'vitest';
import type { Candle } from '../src/model/candle.js';
import { toBig } from '../src/model/decimal.js';
import { flagClosedCandles } from '../operators/flagClosedCandles.js';
import type { CandleUpdate } from '../operators/candlesFromTrades.js';
import { createScheduler } from './helpers.js';

const MINUTE = 60_000;

/** A 1m candle of `market` in minute `minute` whose close is `close`. */
function candle(minute: number, close: string, market = 'KRW-BTC'): Candle {
  const price = toBig(close);
  return {
    type: 'candle',
    exchange: 'upbit',
    symbol: market === 'KRW-BTC' ? 'BTC/KRW' : 'ETH/KRW',
    market,
    interval: '1m',
    openTime: minute * MINUTE,
    open: price,
    high: price,
    low: price,
    close: price,
    baseVolume: toBig('1'),
    quoteVolume: price,
    timestamp: minute * MINUTE + 1,
    receivedAt: minute * MINUTE + 2,
  };
}

const flag = (value: Candle, closed: boolean): CandleUpdate => ({ ...value, closed });

/** @test {flagClosedCandles} */
describe('flagClosedCandles', () => {
  const a = candle(0, '100');
  const b = candle(0, '101');
  const c = candle(1, '102');
  const d = candle(2, '103');

  it('should pass snapshots as open candles and close a period when the next one starts', () => {
    createScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--c-----d-----|', { a, b, c, d });
      const e1subs = '  ^-------------------!';
      const expected = '--A--B--(XC)--(YD)--|';
      const values = { A: flag(a, false), B: flag(b, false), X: flag(b, true), C: flag(c, false), Y: flag(c, true), D: flag(d, false) };

      expectObservable(e1.pipe(flagClosedCandles())).toBe(expected, values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should drop a snapshot of a period that was already closed', () => {
    createScheduler().run(({ hot, expectObservable }) => {
      const e1 = hot('  --a--c--b--|', { a, b, c });
      const expected = '--A--(XC)--|';

      expectObservable(e1.pipe(flagClosedCandles())).toBe(expected, { A: flag(a, false), X: flag(a, true), C: flag(c, false) });
    });
  });

  it('should keep markets apart in a merged stream', () => {
    createScheduler().run(({ hot, expectObservable }) => {
      const e = candle(0, '5', 'KRW-ETH');
      const f = candle(1, '6', 'KRW-ETH');
      const e1 = hot('  --a--e--c----f----|', { a, c, e, f });
      const expected = '--A--E--(XC)-(YF)-|';

      expectObservable(e1.pipe(flagClosedCandles())).toBe(expected, {
        A: flag(a, false), E: flag(e, false), X: flag(a, true), C: flag(c, false), Y: flag(e, true), F: flag(f, false),
      });
    });
  });

  it('should not close the open candle on completion', () => {
    createScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a--b|', { a, b }).pipe(flagClosedCandles())).toBe('A--B|', { A: flag(a, false), B: flag(b, false) });
    });
  });

  it('should pass errors through', () => {
    createScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--#', { a });
      const e1subs = '  ^----!';
      expectObservable(e1.pipe(flagClosedCandles())).toBe('--A--#', { A: flag(a, false) });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should complete on empty and never emit on never', () => {
    createScheduler().run(({ expectObservable }) => {
      expectObservable(EMPTY.pipe(flagClosedCandles())).toBe('|');
      expectObservable(NEVER.pipe(flagClosedCandles())).toBe('-');
    });
  });

  it('should allow unsubscribing explicitly and early', () => {
    createScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--c--|', { a, b, c });
      const e1subs = '  ^-----!     ';
      const unsub = '   ^-----!     ';
      expectObservable(e1.pipe(flagClosedCandles()), unsub).toBe('--A--B', { A: flag(a, false), B: flag(b, false) });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should not break unsubscription chains when result is unsubscribed explicitly', () => {
    createScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--c--|', { a, b, c });
      const e1subs = '  ^-----!     ';
      const unsub = '   ^-----!     ';
      const result = e1.pipe(
        mergeMap((x) => of(x)),
        flagClosedCandles(),
        mergeMap((x) => of(x)),
      );
      expectObservable(result, unsub).toBe('--A--B', { A: flag(a, false), B: flag(b, false) });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });
});
