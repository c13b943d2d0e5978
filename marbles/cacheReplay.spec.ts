import { mergeMap, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { cacheReplay } from '../operators/cacheReplay.js';

/** @test {cacheReplay} */
describe('cacheReplay', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should multicast values and completion with a single source subscription, replaying to late subscribers', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--|');
      const e1subs = '   ^-------!';
      const expected1 = '--a--b--|';
      const sub2 = '     ---^     ';
      const expected2 = '---a-b--|';

      const result = e1.pipe(cacheReplay({ ttlMs: 10 }));
      expectObservable(result).toBe(expected1);
      expectObservable(result, sub2).toBe(expected2);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should replay the last value to a late subscriber only while it is younger than ttlMs', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --a---------b-----');
      const e1subs = '   ^-----------------';
      const expected1 = '--a---------b-----';
      const sub2 = '     ------^           ';
      const expected2 = '------a-----b-----';
      const sub3 = '     -------^          ';
      const expected3 = '------------b-----';
      const sub4 = '     ----------------^ ';
      const expected4 = '----------------b-';

      const result = e1.pipe(cacheReplay({ ttlMs: 5, scheduler: testScheduler }));
      expectObservable(result).toBe(expected1);
      expectObservable(result, sub2).toBe(expected2);
      expectObservable(result, sub3).toBe(expected3);
      expectObservable(result, sub4).toBe(expected4);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should unsubscribe the source when the last subscriber leaves and start afresh after that', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--c--d--');
      const e1subs = ['  ^-----!        ', ' --------^-----!'];
      const sub1 = '     ^-----!        ';
      const expected1 = '--a--b-        ';
      const sub2 = '     --------^-----!';
      const expected2 = '----------a--b-';

      const result = e1.pipe(cacheReplay({ ttlMs: 100 }));
      expectObservable(result, sub1).toBe(expected1);
      expectObservable(result, sub2).toBe(expected2);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should keep the source for the grace delay after the last subscriber leaves', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --a--b---------');
      const e1subs = '   ^--------!     ';
      const sub1 = '     ^-----!        ';
      const expected1 = '--a--b-        ';

      const result = e1.pipe(cacheReplay({ ttlMs: 100, resetOnRefCountZeroDelayMs: 3 }));
      expectObservable(result, sub1).toBe(expected1);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should reuse the connection and the cache when a subscriber returns within the grace delay', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--b--c--d--e-----');
      const e1subs = '   ^------------------!';
      const sub1 = '     ^-----!             ';
      const expected1 = '--a--b-             ';
      const sub2 = '     -------^--------!   ';
      const expected2 = '-------bc--d--e--   ';

      const result = e1.pipe(cacheReplay({ ttlMs: 100, resetOnRefCountZeroDelayMs: 3 }));
      expectObservable(result, sub1).toBe(expected1);
      expectObservable(result, sub2).toBe(expected2);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should keep the source subscribed with refCount false', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('   --a--b--c--');
      const e1subs = '   ^----------';
      const sub1 = '     ^-----!    ';
      const expected1 = '--a--b-    ';
      const sub2 = '     ---------^ ';
      const expected2 = '---------c-';

      const result = e1.pipe(cacheReplay({ ttlMs: 2, refCount: false }));
      expectObservable(result, sub1).toBe(expected1);
      expectObservable(result, sub2).toBe(expected2);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should pass through an error and re-subscribe the source for the next subscriber', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a--#         ');
      const e1subs = ['  ^----!         ', ' -------^----!  '];
      const expected1 = '--a--#         ';
      const sub2 = '     -------^       ';
      const expected2 = '---------a--#  ';

      const result = e1.pipe(cacheReplay({ ttlMs: 100 }));
      expectObservable(result).toBe(expected1);
      expectObservable(result, sub2).toBe(expected2);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should serve a completed source from the cache for ttlMs after completion, then re-subscribe', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a|           ');
      const e1subs = ['  ^--!           ', ' ---------^--!  '];
      const expected1 = '--a|           ';
      const sub2 = '     -----^         ';
      const expected2 = '-----(a|)      ';
      const sub3 = '     -------^       ';
      const expected3 = '-------|       ';
      const sub4 = '     ---------^     ';
      const expected4 = '-----------a|  ';

      const result = e1.pipe(cacheReplay({ ttlMs: 5 }));
      expectObservable(result).toBe(expected1);
      expectObservable(result, sub2).toBe(expected2);
      expectObservable(result, sub3).toBe(expected3);
      expectObservable(result, sub4).toBe(expected4);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should reset at once on completion with replayAfterComplete: false', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('  --a|           ');
      const e1subs = ['  ^--!           ', ' -----^--!      '];
      const expected1 = '--a|           ';
      const sub2 = '     -----^         ';
      const expected2 = '-------a|      ';

      const result = e1.pipe(cacheReplay({ ttlMs: 5, replayAfterComplete: false }));
      expectObservable(result).toBe(expected1);
      expectObservable(result, sub2).toBe(expected2);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should keep the last value packed and replay it unpacked', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const packed: string[] = [];
      const packer = {
        pack: (value: { readonly n: number }): string => {
          packed.push(String(value.n));
          return String(value.n);
        },
        unpack: (text: string): { readonly n: number } => ({ n: Number(text) }),
      };
      const a = { n: 1 };
      const b = { n: 2 };
      const e1 = hot('   --a---b-----', { a, b });
      const expected1 = '--a---b-----';
      const sub2 = '     ----^       ';
      const expected2 = '----a-b-----';
      const sub3 = '     --------^   ';
      const expected3 = '--------b---';

      const result = e1.pipe(cacheReplay({ ttlMs: 100, scheduler: testScheduler, packer }));
      const late: unknown[] = [];
      testScheduler.schedule(() => result.subscribe((value) => late.push(value)).unsubscribe(), 8);
      expectObservable(result).toBe(expected1, { a, b });
      expectObservable(result, sub2).toBe(expected2, { a, b });
      expectObservable(result, sub3).toBe(expected3, { b });
      testScheduler.flush();
      expect(packed).toEqual(['1', '2']);
      expect(late).toEqual([b]);
      expect(late[0]).not.toBe(b); // an equal copy, built by unpack
    });
  });

  it('should complete with an empty source and stay silent with a never source', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const empty = cold('|');
      const never = cold('-');
      expectObservable(empty.pipe(cacheReplay({ ttlMs: 5 }))).toBe('|');
      expectObservable(never.pipe(cacheReplay({ ttlMs: 5 }))).toBe('-');
      expectSubscriptions(empty.subscriptions).toBe('(^!)');
      expectSubscriptions(never.subscriptions).toBe('^');
    });
  });

  it('should not break unsubscription chains when result is unsubscribed explicitly', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--c--|');
      const unsub = '   -------!    ';
      const e1subs = '  ^------!    ';
      const expected = '--a--b--    ';

      const result = e1.pipe(
        mergeMap((x: string) => of(x)),
        cacheReplay({ ttlMs: 5 }),
        mergeMap((x: string) => of(x)),
      );
      expectObservable(result, unsub).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });
});
