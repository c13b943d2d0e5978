import { mergeMap, of } from 'rxjs';
import type { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { syncOrderBook } from '../operators/syncOrderBook.js';
import type { DepthDiff, DepthSnapshot, OrderBookSnapshotEvent } from '../operators/syncOrderBook.js';
import { MarketDataError, SequenceGapError } from '../src/errors/index.js';
import { toBig } from '../src/model/decimal.js';
import type { OrderBookLevel } from '../src/model/order-book.js';
import { createScheduler } from './helpers.js';

type Levels = readonly (readonly [string, string])[];

const levels = (pairs: Levels): OrderBookLevel[] => pairs.map(([price, amount]) => ({ price: toBig(price), amount: toBig(amount) }));

/** A neutral diff covering updates `first..final` (ids given as strings and bigints alike). */
const diff = (first: number, final: number, bids: Levels = [], asks: Levels = []): DepthDiff => ({
  exchange: 'test',
  symbol: 'BTC/USDT',
  market: 'BTCUSDT',
  timestamp: 1000 + final,
  receivedAt: 2000 + final,
  firstUpdateId: String(first),
  finalUpdateId: BigInt(final),
  bids: levels(bids),
  asks: levels(asks),
});

const snap = (lastUpdateId: number, bids: Levels, asks: Levels): DepthSnapshot => ({
  lastUpdateId: String(lastUpdateId),
  bids: levels(bids),
  asks: levels(asks),
});

/** The book the operator should emit after applying `last`. */
const book = (last: DepthDiff, bids: Levels, asks: Levels): OrderBookSnapshotEvent => ({
  type: 'orderBook',
  exchange: last.exchange,
  symbol: last.symbol,
  market: last.market,
  timestamp: last.timestamp,
  receivedAt: last.receivedAt,
  bids: levels(bids),
  asks: levels(asks),
  updateId: String(last.finalUpdateId),
});

/** A snapshot factory handing out `sources` in turn, so a marble can show every (re)subscription. */
const inTurn = (sources: readonly Observable<DepthSnapshot>[]): (() => Observable<DepthSnapshot>) => {
  let calls = 0;
  return () => sources[Math.min(calls++, sources.length - 1)]!;
};

const S10 = snap(10, [['100', '1']], [['101', '1']]);

/** @test {syncOrderBook} */
describe('syncOrderBook', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createScheduler();
  });

  it('should buffer diffs until the snapshot arrives, drop stale ones and apply the first bridging diff', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const a = diff(8, 9, [['100', '5']]); // u <= lastUpdateId: dropped
      const b = diff(10, 12, [['99', '2']]); // U <= lastUpdateId + 1 <= u: first applied
      const c = diff(13, 13, [], [['101', '0'], ['102', '3']]);
      const e1 = hot('  -a--b------c--|', { a, b, c });
      const s1 = cold('  ----S|', { S: S10 });
      const s1subs = '  -^---!         ';
      const expected = '-----B-----C--|';

      const result = e1.pipe(syncOrderBook({ snapshot: () => s1 }));
      expectObservable(result).toBe(expected, {
        B: book(b, [['100', '1'], ['99', '2']], [['101', '1']]),
        C: book(c, [['100', '1'], ['99', '2']], [['102', '3']]),
      });
      expectSubscriptions(s1.subscriptions).toBe(s1subs);
    });
  });

  it('should fetch the snapshot again after snapshotRetryDelay when it is older than the first buffered diff', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const a = diff(11, 12, [['98', '1']]);
      const b = diff(13, 14, [['97', '1']]);
      const e1 = hot('  -ab-----------|', { a, b });
      // lastUpdateId 10 < first U 11: too old, although it would bridge (the spot rule is strict).
      const s1 = cold('  --S|', { S: S10 });
      const s2 = cold('        --T|', { T: snap(12, [['100', '1']], []) });
      const s1subs = '  -^-!           ';
      const s2subs = '  ------^-!      ';
      const expected = '--------B-----|';

      const result = e1.pipe(syncOrderBook({ snapshot: inTurn([s1, s2]), snapshotRetryDelay: 3 }));
      expectObservable(result).toBe(expected, { B: book(b, [['100', '1'], ['97', '1']], []) });
      expectSubscriptions(s1.subscriptions).toBe(s1subs);
      expectSubscriptions(s2.subscriptions).toBe(s2subs);
    });
  });

  it('should resync when the first diff after the snapshot leaves a gap (U > lastUpdateId + 1)', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions, flush }) => {
      const gaps: string[] = [];
      const a = diff(9, 10);
      const b = diff(12, 13, [['50', '1']]); // update 11 is missing
      const c = diff(14, 14, [['99', '4']]);
      const e1 = hot('  -ab-------c--|', { a, b, c });
      const s1 = cold('  --S|', { S: S10 });
      const s2 = cold('    --T|', { T: snap(13, [['90', '1']], [['110', '1']]) });
      const s1subs = '  -^-!           ';
      const s2subs = '  ---^-!         ';
      const expected = '----------C--|';

      const onGap = (error: SequenceGapError): void => {
        gaps.push(`${testScheduler.now()}:${error.expected}->${error.received}`);
      };
      const result = e1.pipe(syncOrderBook({ snapshot: inTurn([s1, s2]), onGap }));
      expectObservable(result).toBe(expected, { C: book(c, [['99', '4'], ['90', '1']], [['110', '1']]) });
      expectSubscriptions(s1.subscriptions).toBe(s1subs);
      expectSubscriptions(s2.subscriptions).toBe(s2subs);
      flush();
      expect(gaps).toEqual(['3:11->12']);
    });
  });

  it('should discard the book on a live gap, emit nothing until resynced, and fetch a new snapshot', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions, flush }) => {
      const errors: SequenceGapError[] = [];
      const a = diff(10, 11, [['99', '1']]);
      const b = diff(12, 12, [['98', '1']]);
      const c = diff(15, 16, [['97', '1']]); // updates 13 and 14 missed
      const d = diff(17, 17, [], [['120', '2']]);
      const e = diff(18, 18, [['96', '1']]);
      const e1 = hot('  -a--b--c-d----e--|', { a, b, c, d, e });
      const s1 = cold('  -S|', { S: S10 });
      const s2 = cold('         ----T|', { T: snap(15, [['95', '7']], [['130', '1']]) });
      const s1subs = '  -^!               ';
      const s2subs = '  -------^---!      ';
      const expected = '--A-B------D--E--|';

      const result = e1.pipe(syncOrderBook({ snapshot: inTurn([s1, s2]), onGap: (error) => errors.push(error) }));
      expectObservable(result).toBe(expected, {
        A: book(a, [['100', '1'], ['99', '1']], [['101', '1']]),
        B: book(b, [['100', '1'], ['99', '1'], ['98', '1']], [['101', '1']]),
        D: book(d, [['97', '1'], ['95', '7']], [['120', '2'], ['130', '1']]),
        E: book(e, [['97', '1'], ['96', '1'], ['95', '7']], [['120', '2'], ['130', '1']]),
      });
      expectSubscriptions(s1.subscriptions).toBe(s1subs);
      expectSubscriptions(s2.subscriptions).toBe(s2subs);
      flush();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(SequenceGapError);
      expect(errors[0]).toMatchObject({ expected: '13', received: '15', exchange: 'test' });
    });
  });

  it('should accept overlapping diffs (U <= local) and skip stale ones (u <= local)', () => {
    testScheduler.run(({ hot, cold, expectObservable }) => {
      const a = diff(10, 12, [['99', '1']]);
      const b = diff(11, 14, [['99', '3']]); // overlaps a: legal under the current rule
      const c = diff(13, 14, [['99', '9']]); // u == local: stale
      const d = diff(5, 6, [['99', '0']]); // ids going backwards: stale
      const f = diff(15, 15, [], [['101', '0']]);
      const e1 = hot('  -a-b-c-d-f-|', { a, b, c, d, f });
      const s1 = cold('  -S|', { S: S10 });
      const expected = '--AB-----F-|';

      expectObservable(e1.pipe(syncOrderBook({ snapshot: () => s1 }))).toBe(expected, {
        A: book(a, [['100', '1'], ['99', '1']], [['101', '1']]),
        B: book(b, [['100', '1'], ['99', '3']], [['101', '1']]),
        F: book(f, [['100', '1'], ['99', '3']], []),
      });
    });
  });

  it('should emit only the top depth levels per side', () => {
    testScheduler.run(({ hot, cold, expectObservable }) => {
      const a = diff(10, 11, [['99', '1']], [['102', '1']]);
      const e1 = hot('  -a--|', { a });
      const s1 = cold('  -S|', { S: S10 });
      const expected = '--A-|';

      expectObservable(e1.pipe(syncOrderBook({ snapshot: () => s1, depth: 1 }))).toBe(expected, {
        A: book(a, [['100', '1']], [['101', '1']]),
      });
    });
  });

  it('should discard the book when reset$ emits and start over with the next diff', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const a = diff(10, 11, [['99', '1']]);
      const b = diff(12, 12, [['98', '1']]); // arrives after the reset: buffered, no book
      const c = diff(13, 13, [['97', '1']]);
      const e1 = hot('  -a----b-c-d--|', { a, b, c, d: diff(14, 14) });
      const reset = hot('----r--------', { r: 'disconnect' });
      const s1 = cold('  -S|', { S: S10 });
      const s2 = cold('       ---T|', { T: snap(12, [['90', '1']], []) });
      const s1subs = '  -^!            ';
      const s2subs = '  ------^--!     ';
      const expected = '--A------CD--|';

      const result = e1.pipe(syncOrderBook({ snapshot: inTurn([s1, s2]), reset$: reset }));
      expectObservable(result).toBe(expected, {
        A: book(a, [['100', '1'], ['99', '1']], [['101', '1']]),
        C: book(c, [['97', '1'], ['90', '1']], []),
        D: book(diff(14, 14), [['97', '1'], ['90', '1']], []),
      });
      expectSubscriptions(s1.subscriptions).toBe(s1subs);
      expectSubscriptions(s2.subscriptions).toBe(s2subs);
    });
  });

  it('should cancel a pending snapshot when reset$ emits', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  -a-------|', { a: diff(11, 11) });
      const reset = hot('---r-----');
      const s1 = cold('  -----S|', { S: S10 });
      const s1subs = '  -^-!      ';
      const expected = '---------|';

      expectObservable(e1.pipe(syncOrderBook({ snapshot: () => s1, reset$: reset }))).toBe(expected);
      expectSubscriptions(s1.subscriptions).toBe(s1subs);
    });
  });

  it('should complete with the source and cancel a pending snapshot', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  -a--|', { a: diff(11, 11) });
      const e1subs = '  ^---!';
      const s1 = cold('  -----S|', { S: S10 });
      const s1subs = '  -^--!';
      const expected = '----|';

      expectObservable(e1.pipe(syncOrderBook({ snapshot: () => s1 }))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
      expectSubscriptions(s1.subscriptions).toBe(s1subs);
    });
  });

  it('should pass through an error of the source', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const a = diff(10, 11, [['99', '1']]);
      const e1 = hot('  -a---#', { a });
      const e1subs = '  ^----!';
      const s1 = cold('  -S|', { S: S10 });
      const expected = '--A--#';

      expectObservable(e1.pipe(syncOrderBook({ snapshot: () => s1 }))).toBe(expected, {
        A: book(a, [['100', '1'], ['99', '1']], [['101', '1']]),
      });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should pass through an error of the snapshot and unsubscribe the source', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  -a-----|', { a: diff(11, 11) });
      const e1subs = '  ^--!    ';
      const s1 = cold<DepthSnapshot>('  --#', undefined, new Error('HTTP 503'));
      const expected = '---#    ';

      expectObservable(e1.pipe(syncOrderBook({ snapshot: () => s1 }))).toBe(expected, undefined, new Error('HTTP 503'));
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should error with a MarketDataError when the snapshot completes without a value', () => {
    testScheduler.run(({ hot, cold, expectObservable }) => {
      const e1 = hot('  -a-----|', { a: diff(11, 11) });
      const s1 = cold<DepthSnapshot>('  --|');
      const expected = '---#    ';
      const error = new MarketDataError('Order-book snapshot: the source completed without a value');

      expectObservable(e1.pipe(syncOrderBook({ snapshot: () => s1 }))).toBe(expected, undefined, error);
    });
  });

  it('should complete with an empty source and stay silent with a never source', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const empty = cold<DepthDiff>('|');
      const never = cold<DepthDiff>('-');
      const s1 = cold('-S|', { S: S10 });
      expectObservable(empty.pipe(syncOrderBook({ snapshot: () => s1 }))).toBe('|');
      expectObservable(never.pipe(syncOrderBook({ snapshot: () => s1 }))).toBe('-');
      expectSubscriptions(empty.subscriptions).toBe('(^!)');
      expectSubscriptions(never.subscriptions).toBe('^');
      expectSubscriptions(s1.subscriptions).toBe([]);
    });
  });

  it('should not break unsubscription chains when result is unsubscribed explicitly', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const a = diff(11, 11, [['99', '1']]);
      const e1 = hot('  -a--b--c--|', { a, b: diff(12, 12), c: diff(13, 13) });
      const e1subs = '  ^--!       ';
      const s1 = cold('  ---S|', { S: S10 });
      const s1subs = '  -^-!       ';
      const unsub = '   ---!       ';
      const expected = '---        ';

      const result = e1.pipe(
        mergeMap((x: DepthDiff) => of(x)),
        syncOrderBook({ snapshot: () => s1 }),
        mergeMap((x: OrderBookSnapshotEvent) => of(x)),
      );
      expectObservable(result, unsub).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
      expectSubscriptions(s1.subscriptions).toBe(s1subs);
    });
  });
});
