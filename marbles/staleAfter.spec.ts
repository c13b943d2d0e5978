import { mergeMap, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { staleAfter } from '../operators/staleAfter.js';
import type { StaleAfterEvent } from '../operators/staleAfter.js';
import { StaleStreamError } from '../src/errors/index.js';

const stale = (lastMessageAt: number | undefined, timeoutMs = 5): StaleStreamError =>
  new StaleStreamError(`Stream stale: no message for ${timeoutMs} ms`, { lastMessageAt });

/** Signal-mode events of values a, b, c and of silences after 5 and after 14. */
const signalValues: Record<string, StaleAfterEvent<string>> = {
  A: { kind: 'value', value: 'a' },
  B: { kind: 'value', value: 'b' },
  C: { kind: 'value', value: 'c' },
  S: { kind: 'stale', error: stale(5) },
  T: { kind: 'stale', error: stale(14) },
};

/** @test {staleAfter} */
describe('staleAfter', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should mirror values and completion while the source is never silent for timeoutMs', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a---b---c---d--|');
      const e1subs = '  ^----------------!';
      const expected = '--a---b---c---d--|';

      expectObservable(e1.pipe(staleAfter({ timeoutMs: 5 }))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should error with StaleStreamError exactly timeoutMs after the last value', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b-------------');
      const e1subs = '  ^---------!        ';
      const expected = '--a--b----#        ';

      expectObservable(e1.pipe(staleAfter({ timeoutMs: 5 }))).toBe(expected, undefined, stale(5));
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should start the timer at subscription, with lastMessageAt undefined when nothing arrived', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--^-------------');
      const e1subs = '       ^----!        ';
      const expected = '     -----#        ';

      expectObservable(e1.pipe(staleAfter({ timeoutMs: 5 }))).toBe(expected, undefined, stale(undefined));
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should error a never source after timeoutMs, using the given scheduler', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold(' -              ');
      const e1subs = '  ^--!           ';
      const expected = '---#           ';

      const result = e1.pipe(staleAfter({ timeoutMs: 3, scheduler: testScheduler }));
      expectObservable(result).toBe(expected, undefined, stale(undefined, 3));
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should pass through an error of the source', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--#   ');
      const e1subs = '  ^----!   ';
      const expected = '--a--#   ';

      expectObservable(e1.pipe(staleAfter({ timeoutMs: 5 }))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should complete with an empty source', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold(' |   ');
      const e1subs = '  (^!)';
      const expected = '|   ';

      expectObservable(e1.pipe(staleAfter({ timeoutMs: 5 }))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should never go stale with timeoutMs Infinity', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold(' ---------a---');
      const e1subs = '  ^------------';
      const expected = '---------a---';

      expectObservable(e1.pipe(staleAfter({ timeoutMs: Infinity }))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should emit one stale event per silent period in signal mode and keep the source', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--------c--------|');
      const e1subs = '  ^----------------------!';
      const expected = '--A--B----S---C----T---|';
      expectObservable(e1.pipe(staleAfter({ timeoutMs: 5, mode: 'signal' }))).toBe(expected, signalValues);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should signal a never source once in signal mode and keep waiting', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold(' -             ');
      const unsub = '   -------------!';
      const e1subs = '  ^------------!';
      const expected = '-----S--------';

      const result = e1.pipe(staleAfter({ timeoutMs: 5, mode: 'signal' }));
      expectObservable(result, unsub).toBe(expected, { S: { kind: 'stale', error: stale(undefined) } });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should pass through an error of the source in signal mode', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--#');
      const e1subs = '  ^----!';
      const expected = '--A--#';

      const result = e1.pipe(staleAfter({ timeoutMs: 5, mode: 'signal' }));
      expectObservable(result).toBe(expected, { A: { kind: 'value', value: 'a' } });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should check the silence on the ticks of a clock instead of a timer of its own', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const clock = hot('---t---t---t---t---t--');
      const clocksubs = '^---------------------!';
      const e1 = hot('  --a--b--------c-------|');
      const e1subs = '  ^---------------------!';
      // b at 5: silent for 5 first at the tick of 11 (7 is too early); after c at 14, at the tick of 19.
      const expected = '--A--B-----S--C----T--|';
      expectObservable(e1.pipe(staleAfter({ timeoutMs: 5, mode: 'signal', clock }))).toBe(expected, signalValues);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
      expectSubscriptions(clock.subscriptions).toBe(clocksubs);
    });
  });

  it('should report a silence once per silent period on a clock, however many ticks pass', () => {
    testScheduler.run(({ hot, cold, expectObservable }) => {
      const clock = hot('-t-t-t-t-t-t-t-t-t-t');
      const e1 = cold(' -                   ');
      const unsub = '   -------------------!';
      const expected = '-----S--------------';

      const result = e1.pipe(staleAfter({ timeoutMs: 5, mode: 'signal', clock }));
      expectObservable(result, unsub).toBe(expected, { S: { kind: 'stale', error: stale(undefined) } });
    });
  });

  it('should error at the first clock tick after timeoutMs of silence in error mode, leaving the clock', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const clock = hot('----t----t----t----');
      const clocksubs = '^--------!         ';
      const e1 = hot('  --a----------------');
      const e1subs = '  ^--------!         ';
      const expected = '--a------#         ';

      expectObservable(e1.pipe(staleAfter({ timeoutMs: 5, clock }))).toBe(expected, undefined, stale(2));
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
      expectSubscriptions(clock.subscriptions).toBe(clocksubs);
    });
  });

  it('should schedule no timer of its own with a clock', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const clock = hot<number>('-');
      const e1 = hot('  --a-----------|');
      const expected = '--a-----------|';

      // Silent far longer than timeoutMs, but no tick ever comes: nothing is reported.
      expectObservable(e1.pipe(staleAfter({ timeoutMs: 3, clock }))).toBe(expected);
    });
  });

  it('should allow unsubscribing explicitly and early, cancelling the timer', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b-----------');
      const unsub = '   -------!         ';
      const e1subs = '  ^------!         ';
      const expected = '--a--b-          ';

      expectObservable(e1.pipe(staleAfter({ timeoutMs: 5 })), unsub).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should not break unsubscription chains when result is unsubscribed explicitly', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b-----------');
      const unsub = '   -------!         ';
      const e1subs = '  ^------!         ';
      const expected = '--a--b-          ';

      const result = e1.pipe(
        mergeMap((x: string) => of(x)),
        staleAfter({ timeoutMs: 5 }),
        mergeMap((x: string) => of(x)),
      );
      expectObservable(result, unsub).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should not break unsubscription chains when applied to an inner observable', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b-----------');
      const unsub = '   -------!         ';
      const e1subs = '  ^------!         ';
      const expected = '--a--b-          ';

      const result = e1.pipe(mergeMap((x: string) => of(x).pipe(staleAfter({ timeoutMs: 5 }))));
      expectObservable(result, unsub).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });
});
