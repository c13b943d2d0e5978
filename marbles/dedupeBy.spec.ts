import { from, identity, mergeMap, of, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { compareDecimalIds, dedupeBy } from '../operators/dedupeBy.js';

interface Tick {
  readonly id: string;
  readonly n: number;
}

const idOf = (tick: Tick): string => tick.id;

/** @test {dedupeBy} */
describe('dedupeBy', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should drop values whose key was already seen', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const values: Record<string, Tick> = {
        a: { id: '1', n: 1 },
        b: { id: '2', n: 2 },
        c: { id: '3', n: 3 },
        A: { id: '1', n: 9 },
      };
      const e1 = hot('  --a--b--A--c--b--|', values);
      const e1subs = '  ^----------------!';
      const expected = '--a--b-----c-----|';

      expectObservable(e1.pipe(dedupeBy(idOf))).toBe(expected, values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should forget the oldest key once more than window keys were seen', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --1--2--1--3--1--2--|');
      const e1subs = '  ^-------------------!';
      const expected = '--1--2-----3--1--2--|';

      expectObservable(e1.pipe(dedupeBy(identity, { window: 2 }))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should remember 1000 keys by default', () => {
    testScheduler.run(({ expectObservable }) => {
      const first = Array.from({ length: 1001 }, (_, i) => String(i + 1));
      const source = from([...first, '1', '2', '1001']);

      // '1' was evicted by key 1001, re-adding '1' evicts '2', and '1001' is still remembered.
      expectObservable(source.pipe(dedupeBy(identity), toArray())).toBe('(x|)', { x: [...first, '1', '2'] });
    });
  });

  it('should drop anything not newer than the newest key when order is given (reconnect snapshot)', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const values: Record<string, Tick> = {
        a: { id: '9', n: 1 },
        b: { id: '10', n: 2 },
        c: { id: '17103275719220001', n: 3 },
        d: { id: '17103275719220002', n: 4 },
      };
      const e1 = hot('  --a--b--c--a--b--c--d--|', values);
      const e1subs = '  ^----------------------!';
      const expected = '--a--b--c-----------d--|';

      expectObservable(e1.pipe(dedupeBy(idOf, { order: compareDecimalIds }))).toBe(expected, values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should keep the output in key order when a straggler arrives', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const e1 = hot('  --1--3--2--4--4--|');
      const expected = '--1--3-----4-----|';

      expectObservable(e1.pipe(dedupeBy(identity, { order: compareDecimalIds }))).toBe(expected);
    });
  });

  it('should be a no-op with window 0 and no order', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const e1 = hot('  --1--1--1--|');
      const expected = '--1--1--1--|';

      expectObservable(e1.pipe(dedupeBy(identity, { window: 0 }))).toBe(expected);
    });
  });

  it('should keep state per subscription', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('   --1--1--2--|');
      const e1subs = [' ^----------!', ' ---^----------!'];
      const expected1 = ' --1-----2--|';
      const expected2 = ' -----1-----2--|';

      const result = e1.pipe(dedupeBy(identity));
      expectObservable(result).toBe(expected1);
      expectObservable(result, '---^').toBe(expected2);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should pass through an error of the source', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --1--1--#');
      const e1subs = '  ^-------!';
      const expected = '--1-----#';

      expectObservable(e1.pipe(dedupeBy(identity))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should error when keyOf throws', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --1--2--|');
      const e1subs = '  ^----!   ';
      const expected = '--1--#   ';
      const keyOf = (value: string): string => {
        if (value === '2') throw new Error('bad key');
        return value;
      };

      expectObservable(e1.pipe(dedupeBy(keyOf))).toBe(expected, undefined, new Error('bad key'));
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should complete with an empty source and stay silent with a never source', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const empty = cold('|   ');
      const never = cold('-   ');
      expectObservable(empty.pipe(dedupeBy(identity))).toBe('|');
      expectObservable(never.pipe(dedupeBy(identity, { order: compareDecimalIds }))).toBe('-');
      expectSubscriptions(empty.subscriptions).toBe('(^!)');
      expectSubscriptions(never.subscriptions).toBe('^');
    });
  });

  it('should not break unsubscription chains when result is unsubscribed explicitly', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --1--2--1--3--|');
      const unsub = '   ----------!    ';
      const e1subs = '  ^---------!    ';
      const expected = '--1--2-----    ';

      const result = e1.pipe(
        mergeMap((x: string) => of(x)),
        dedupeBy(identity),
        mergeMap((x: string) => of(x)),
      );
      expectObservable(result, unsub).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });
});

describe('compareDecimalIds', () => {
  it('should compare decimal id strings numerically, beyond 2^53', () => {
    expect(compareDecimalIds('9', '10')).toBeLessThan(0);
    expect(compareDecimalIds('10', '9')).toBeGreaterThan(0);
    expect(compareDecimalIds('17103275719220001', '17103275719220001')).toBe(0);
    expect(compareDecimalIds('17103275719220002', '17103275719220001')).toBeGreaterThan(0);
    expect(compareDecimalIds('9007199254740993', '9007199254740992')).toBeGreaterThan(0);
    const sorted = ['100', '9', '10', '17103275719220001'].sort(compareDecimalIds);
    expect(sorted).toEqual(['9', '10', '100', '17103275719220001']);
  });
});
