import { map, mergeMap, of } from 'rxjs';
import type { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { realizedVolatility } from '../operators/realizedVolatility.js';
import type { RealizedVolatilityUpdate } from '../operators/realizedVolatility.js';
import { InvalidArgumentError } from '../src/errors/index.js';
import type { Candle } from '../src/model/candle.js';
import { toBig } from '../src/model/decimal.js';
import { createScheduler } from './helpers.js';

const DAY = 86_400_000;
const candle = (day: number, close: string): Candle => ({
  type: 'candle', exchange: 'upbit', symbol: 'BTC/KRW', market: 'KRW-BTC', interval: '1d', timestamp: day * DAY, receivedAt: day * DAY,
  openTime: day * DAY, open: toBig(close), high: toBig(close), low: toBig(close), close: toBig(close), baseVolume: toBig('1'), quoteVolume: toBig(close),
});

/** Samples and annualized volatility to 6 places. */
const summarize = (v: RealizedVolatilityUpdate): string => `${v.samples} ${v.volatility?.toFixed(6) ?? '-'}`;

// Returns ln 1.1 and ln 0.9 (either order): sample sd = |ln 1.1 − ln 0.9| / √2, × √365 on daily candles.
const annualized = ((Math.abs(Math.log(1.1) - Math.log(0.9)) / Math.SQRT2) * Math.sqrt(365)).toFixed(6);
const candles = { a: candle(0, '100'), b: candle(1, '110'), c: candle(2, '99'), d: candle(3, '108.9'), o: candle(1, '50') };

const run = (source: Observable<Candle>): Observable<string> => source.pipe(realizedVolatility({ window: 2, interval: '1d' }), map(summarize));

/** @test {realizedVolatility} */
describe('realizedVolatility', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createScheduler();
  });

  it('should slide the window by whole periods: the (window + 2)th close drops the first', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--c--d--|', candles);
      const e1subs = '  ^-------------!';
      const expected = '--A--B--C--D--|';

      // C: 100, 110, 99 (returns ln 1.1, ln 0.9); D: 110, 99, 108.9 (ln 0.9, ln 1.1): 100 has left.
      expectObservable(run(e1)).toBe(expected, { A: '0 -', B: '1 -', C: `2 ${annualized}`, D: `2 ${annualized}` });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should replace the close of a period it holds and ignore an older period', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      // o is day 1 again (close 50), replaced by b; then a (day 0) arrives late and is dropped.
      const e1 = hot('  --a--o--b--c--a--|', candles);
      const expected = '--A--O--B--C-----|';

      expectObservable(run(e1)).toBe(expected, { A: '0 -', O: '1 -', B: '1 -', C: `2 ${annualized}` });
    });
  });

  it('should error on a close that has no logarithm, and refuse bad options when created', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const e1 = hot('  --a--z--', { a: candle(0, '100'), z: candle(1, '0') });
      const expected = '--A--#  ';

      expectObservable(run(e1)).toBe(expected, { A: '0 -' }, expect.any(InvalidArgumentError));
    });
    expect(() => realizedVolatility({ window: 1, interval: '1d' })).toThrow(InvalidArgumentError);
    expect(() => realizedVolatility({ window: 10, interval: '2d' as '1d' })).toThrow(InvalidArgumentError);
  });

  it('should pass through an error, and complete with an empty source', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--#', candles);
      const empty = cold<Candle>('|');

      expectObservable(run(e1)).toBe('--A--#', { A: '0 -' });
      expectObservable(run(empty)).toBe('|');
      expectSubscriptions(e1.subscriptions).toBe('^----!');
    });
  });

  it('should not break unsubscription chains when result is unsubscribed explicitly', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--c--|', candles);
      const unsub = '   -----!      ';
      const e1subs = '  ^----!      ';
      const expected = '--A--       ';

      const result = e1.pipe(
        mergeMap((x: Candle) => of(x)),
        realizedVolatility({ window: 2, interval: '1d' }),
        map(summarize),
        mergeMap((x: string) => of(x)),
      );
      expectObservable(result, unsub).toBe(expected, { A: '0 -' });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });
});
