import { mergeMap, of } from 'rxjs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TestScheduler } from 'rxjs/testing';
import { candlesFromTrades } from '../operators/candlesFromTrades.js';
import type { CandleUpdate } from '../operators/candlesFromTrades.js';
import type { CandleInterval } from '../src/model/candle.js';
import { Big } from '../src/model/decimal.js';
import type { Trade } from '../src/model/trade.js';
import { createScheduler } from './helpers.js';

/** Monday 2025-07-28 00:00 UTC: every period (minute … year) starts a clean boundary here or before. */
const T0 = Date.UTC(2025, 6, 28);
const MIN = 60_000;

let nextId = 1;

/** A KRW-BTC trade (or of `market`) at `T0 + ms`; `receivedAt` is 7 ms later, to tell the two apart. */
function trade(ms: number, price: string, amount: string, market = 'KRW-BTC'): Trade {
  const [quote = '', base = ''] = market.split('-');
  const timestamp = T0 + ms;
  const side = nextId % 2 === 0 ? 'buy' : 'sell';
  const id = String(nextId++);
  return {
    type: 'trade', exchange: 'upbit', symbol: `${base}/${quote}`, market, timestamp, receivedAt: timestamp + 7, id,
    price: new Big(price), amount: new Big(amount), side,
  };
}

/** The candle expected after `last`, with `openTime` = `T0 + openMs`. */
function candle(
  last: Trade,
  openMs: number,
  [open, high, low, close]: readonly [string, string, string, string],
  [baseVolume, quoteVolume]: readonly [string, string],
  closed: boolean,
  interval: CandleInterval = '1m',
): CandleUpdate {
  const { exchange, symbol, market, timestamp, receivedAt } = last;
  return {
    type: 'candle', exchange, symbol, market, timestamp, receivedAt, interval, openTime: T0 + openMs, closed,
    open: new Big(open), high: new Big(high), low: new Big(low), close: new Big(close),
    baseVolume: new Big(baseVolume), quoteVolume: new Big(quoteVolume),
  };
}

/** A gap candle: flat at `price`, zero volumes, carrying `last`'s times. */
function gap(last: Trade, openMs: number, price: string): CandleUpdate {
  return { ...candle(last, openMs, [price, price, price, price], ['0', '0'], true), filled: true };
}

/** @test {candlesFromTrades} */
describe('candlesFromTrades', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createScheduler();
  });

  // Two trades in minute 0, one at its last millisecond, one in minute 1.
  const a = trade(5_000, '0.1', '3');
  const b = trade(30_000, '0.15', '0.2');
  const c = trade(MIN - 1, '0.07', '3');
  const d = trade(MIN, '0.11', '2');
  const trades = { a, b, c, d };

  it('should update the open candle on every trade and close it when a later period starts', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--c--d-----|', trades);
      const e1subs = '  ^----------------!';
      const expected = '--A--B--C--(XD)--(Y|)';
      const values = {
        A: candle(a, 0, ['0.1', '0.1', '0.1', '0.1'], ['3', '0.3'], false),
        B: candle(b, 0, ['0.1', '0.15', '0.1', '0.15'], ['3.2', '0.33'], false),
        C: candle(c, 0, ['0.1', '0.15', '0.07', '0.07'], ['6.2', '0.54'], false),
        X: candle(c, 0, ['0.1', '0.15', '0.07', '0.07'], ['6.2', '0.54'], true),
        D: candle(d, MIN, ['0.11', '0.11', '0.11', '0.11'], ['2', '0.22'], false),
        Y: candle(d, MIN, ['0.11', '0.11', '0.11', '0.11'], ['2', '0.22'], true),
      };

      expectObservable(e1.pipe(candlesFromTrades('1m'))).toBe(expected, values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should sum quote volume exactly, without float error', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      // As doubles 0.07 * 3 = 0.21000000000000002; the sum must be exactly 0.3 + 0.03 + 0.21.
      const result = cold('abc|', trades).pipe(candlesFromTrades('1m', { emit: 'closed' }));
      expectObservable(result).toBe('---(X|)', { X: candle(c, 0, ['0.1', '0.15', '0.07', '0.07'], ['6.2', '0.54'], true) });
    });
  });

  it('should emit only closed candles with emit: closed', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--c--d-----|', trades);
      const e1subs = '  ^----------------!';
      const expected = '-----------X-----(Y|)';
      const values = {
        X: candle(c, 0, ['0.1', '0.15', '0.07', '0.07'], ['6.2', '0.54'], true),
        Y: candle(d, MIN, ['0.11', '0.11', '0.11', '0.11'], ['2', '0.22'], true),
      };

      expectObservable(e1.pipe(candlesFromTrades('1m', { emit: 'closed' }))).toBe(expected, values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should align periods to UTC boundaries of the interval (weeks start on Monday)', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const sunday = trade(-1, '10', '1'); // 2025-07-27 23:59:59.999, last instant of the previous week
      const monday = trade(0, '20', '1');
      const wednesday = trade(2 * 86_400_000, '30', '1');
      const result = cold('smw|', { s: sunday, m: monday, w: wednesday }).pipe(candlesFromTrades('1w', { emit: 'closed' }));
      const values = {
        S: candle(sunday, -7 * 86_400_000, ['10', '10', '10', '10'], ['1', '10'], true, '1w'),
        W: candle(wednesday, 0, ['20', '30', '20', '30'], ['2', '50'], true, '1w'),
      };
      expectObservable(result).toBe('-S-(W|)', values);
    });
  });

  it('should emit no candle for periods without trades', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const e = trade(3 * MIN + 1, '0.2', '1');
      const e1 = hot('  --a--e------|', { a, e });
      const expected = '--A--(XE)---(Y|)';
      const values = {
        A: candle(a, 0, ['0.1', '0.1', '0.1', '0.1'], ['3', '0.3'], false),
        X: candle(a, 0, ['0.1', '0.1', '0.1', '0.1'], ['3', '0.3'], true),
        E: candle(e, 3 * MIN, ['0.2', '0.2', '0.2', '0.2'], ['1', '0.2'], false),
        Y: candle(e, 3 * MIN, ['0.2', '0.2', '0.2', '0.2'], ['1', '0.2'], true),
      };

      expectObservable(e1.pipe(candlesFromTrades('1m'))).toBe(expected, values);
    });
  });

  it('should fill periods without trades with flat, flagged candles when fillGaps is set', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const e = trade(3 * MIN + 1, '0.2', '1');
      const e1 = hot('  --a--e------|', { a, e });
      const expected = '-----(XPQ)--(Y|)';
      const values = {
        X: candle(a, 0, ['0.1', '0.1', '0.1', '0.1'], ['3', '0.3'], true),
        P: gap(a, MIN, '0.1'),
        Q: gap(a, 2 * MIN, '0.1'),
        Y: candle(e, 3 * MIN, ['0.2', '0.2', '0.2', '0.2'], ['1', '0.2'], true),
      };

      expectObservable(e1.pipe(candlesFromTrades('1m', { emit: 'closed', fillGaps: true }))).toBe(expected, values);
    });
  });

  it('should ignore a trade older than the open period and report it to onLateTrade', () => {
    const late: Trade[] = [];
    testScheduler.run(({ hot, expectObservable }) => {
      const e1 = hot('  --a--d--c--|', trades);
      const expected = '-----X-----(Y|)';
      const values = {
        X: candle(a, 0, ['0.1', '0.1', '0.1', '0.1'], ['3', '0.3'], true),
        Y: candle(d, MIN, ['0.11', '0.11', '0.11', '0.11'], ['2', '0.22'], true),
      };

      expectObservable(e1.pipe(candlesFromTrades('1m', { emit: 'closed', onLateTrade: (t) => late.push(t) }))).toBe(expected, values);
    });
    expect(late).toEqual([c]);
  });

  it('should build candles per market when markets are interleaved', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const eth1 = trade(1_000, '5', '2', 'KRW-ETH');
      const eth2 = trade(MIN + 1_000, '6', '1', 'KRW-ETH');
      const result = cold('aEbF|', { a, b, E: eth1, F: eth2 }).pipe(candlesFromTrades('1m', { emit: 'closed' }));
      const values = {
        X: candle(eth1, 0, ['5', '5', '5', '5'], ['2', '10'], true),
        Y: candle(b, 0, ['0.1', '0.15', '0.1', '0.15'], ['3.2', '0.33'], true),
        Z: candle(eth2, MIN, ['6', '6', '6', '6'], ['1', '6'], true),
      };
      // KRW-BTC was seen first, so its open candle closes first on completion.
      expectObservable(result).toBe('---X(YZ|)', values);
    });
  });

  it('should keep state per subscription', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('   --a--d--|', trades);
      const e1subs = [' ^-------!', ' ---^-------!'];
      const values = {
        X: candle(a, 0, ['0.1', '0.1', '0.1', '0.1'], ['3', '0.3'], true),
        Y: candle(d, MIN, ['0.11', '0.11', '0.11', '0.11'], ['2', '0.22'], true),
      };

      const result = e1.pipe(candlesFromTrades('1m', { emit: 'closed' }));
      expectObservable(result).toBe('     -----X--(Y|)', values);
      expectObservable(result, '---^').toBe('--------X--(Y|)', values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should pass through an error of the source and drop the open candle', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--#', trades);
      const e1subs = '  ^-------!';
      const expected = '--A--B--#';
      const values = {
        A: candle(a, 0, ['0.1', '0.1', '0.1', '0.1'], ['3', '0.3'], false),
        B: candle(b, 0, ['0.1', '0.15', '0.1', '0.15'], ['3.2', '0.33'], false),
      };

      expectObservable(e1.pipe(candlesFromTrades('1m'))).toBe(expected, values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should error when onLateTrade throws', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --d--a--b--|', trades);
      const e1subs = '  ^----!      ';
      const expected = '-----#      ';
      const onLateTrade = (): void => {
        throw new Error('late');
      };

      expectObservable(e1.pipe(candlesFromTrades('1m', { emit: 'closed', onLateTrade }))).toBe(expected, undefined, new Error('late'));
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should complete with an empty source and stay silent with a never source', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const empty = cold<Trade>('|   ');
      const never = cold<Trade>('-   ');
      expectObservable(empty.pipe(candlesFromTrades('1m'))).toBe('|');
      expectObservable(never.pipe(candlesFromTrades('1m'))).toBe('-');
      expectSubscriptions(empty.subscriptions).toBe('(^!)');
      expectSubscriptions(never.subscriptions).toBe('^');
    });
  });

  it('should not break unsubscription chains when result is unsubscribed explicitly', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--c--d--|', trades);
      const unsub = '   ----------!    ';
      const e1subs = '  ^---------!    ';
      const expected = '--A--B--C--    ';
      const values = {
        A: candle(a, 0, ['0.1', '0.1', '0.1', '0.1'], ['3', '0.3'], false),
        B: candle(b, 0, ['0.1', '0.15', '0.1', '0.15'], ['3.2', '0.33'], false),
        C: candle(c, 0, ['0.1', '0.15', '0.07', '0.07'], ['6.2', '0.54'], false),
      };

      const result = e1.pipe(
        mergeMap((x: Trade) => of(x)),
        candlesFromTrades('1m'),
        mergeMap((x: CandleUpdate) => of(x)),
      );
      expectObservable(result, unsub).toBe(expected, values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });
});
