import { defer, EMPTY, mergeMap, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { fallbackSwitch } from '../operators/fallbackSwitch.js';
import type { FallbackSource, FallbackSwitchReason, FallbackValue } from '../operators/fallbackSwitch.js';
import { ConnectionError, StaleStreamError, UnknownSymbolError } from '../src/errors/index.js';

const P = <T>(value: T): FallbackValue<T> => ({ source: 'primary', value });
const F = <T>(value: T): FallbackValue<T> => ({ source: 'fallback', value });
const values = { A: P('a'), B: P('b'), C: P('c'), D: P('d'), X: F('x'), Y: F('y'), Z: F('z') };
const closed = new ConnectionError('WebSocket closed: 1006', { reason: 'closed' });

interface Quote {
  readonly timestamp: number;
}
const q = (timestamp: number): Quote => ({ timestamp });

/** @test {fallbackSwitch} */
describe('fallbackSwitch', () => {
  let testScheduler: TestScheduler;
  let switches: [FallbackSource, FallbackSwitchReason, number][];
  const onSwitch = (source: FallbackSource, reason: FallbackSwitchReason): void => {
    switches.push([source, reason, testScheduler.now()]);
  };

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    switches = [];
  });

  it('should mirror a healthy primary, tagged primary, without subscribing the fallback', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b--c--|');
      const e1subs = '  ^----------!';
      const fb = cold(' -x--y--z--  ');
      const expected = '--A--B--C--|';

      const result = e1.pipe(fallbackSwitch({ fallback: () => fb, staleAfterMs: 5, onSwitch }));
      expectObservable(result).toBe(expected, values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
      expectSubscriptions(fb.subscriptions).toBe([]);
    });
    expect(switches).toEqual([]);
  });

  it('should switch to the fallback staleAfterMs after the last primary value and back on the next one', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--b------------c---|');
      const e1subs = '  ^---------------------!';
      const fb = cold('           -x--y--z--    ');
      const fbsubs = '  ----------^-------!     ';
      const expected = '--A--B-----X--Y--ZC---|';

      const result = e1.pipe(fallbackSwitch({ fallback: () => fb, staleAfterMs: 5, onSwitch }));
      expectObservable(result).toBe(expected, values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
      expectSubscriptions(fb.subscriptions).toBe(fbsubs);
    });
    const stale = new StaleStreamError('Stream stale: no message for 5 ms', { lastMessageAt: 5 });
    expect(switches).toEqual([
      ['fallback', { kind: 'stale', error: stale }, 10],
      ['primary', { kind: 'recovered' }, 18],
    ]);
  });

  it('should switch staleAfterMs after subscription when the primary never emits', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold(' -            ');
      const e1subs = '  ^------------';
      const fb = cold('      -x--y--z');
      const fbsubs = '  -----^-------';
      const expected = '------X--Y--Z';

      expectObservable(e1.pipe(fallbackSwitch({ fallback: () => fb, staleAfterMs: 5 }))).toBe(expected, values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
      expectSubscriptions(fb.subscriptions).toBe(fbsubs);
    });
  });

  it('should switch on a retryable error, re-subscribe the primary after recoverAfter and switch back', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold(' --a--#               ', undefined, closed);
      const e1subs = ['  ^----!               ', ' --------^----!       ', ' ----------------^---!'];
      const fb = cold('      -x-----         ');
      const fbsubs = ['  -----^----!          ', ' -------------^----!  '];
      const unsub = '   --------------------!';
      const expected = '--a---x---a---x---a- ';

      const result = e1.pipe(fallbackSwitch({ fallback: () => fb, staleAfterMs: 5, recoverAfter: 3, onSwitch }));
      expectObservable(result, unsub).toBe(expected, { a: P('a'), x: F('x') });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
      expectSubscriptions(fb.subscriptions).toBe(fbsubs);
    });
    expect(switches.map(([source, reason, frame]) => [source, reason.kind, frame])).toEqual([
      ['fallback', 'error', 5],
      ['primary', 'recovered', 10],
      ['fallback', 'error', 13],
      ['primary', 'recovered', 18],
    ]);
    expect(switches[0]?.[1]).toEqual({ kind: 'error', error: closed });
  });

  it('should keep the fallback through repeated primary errors until the primary delivers', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const attempts = [
        cold('          --a--#                     ', undefined, closed),
        cold('                  --#                ', undefined, closed),
        cold('                       --#           ', undefined, closed),
        cold('                            -----b--|', undefined, closed),
      ];
      const subs = [
        '               ^----!                     ',
        '               --------^-!                ',
        '               -------------^-!           ',
        '               ------------------^-------!',
      ];
      const fb = cold('      -x--y--z---------      ');
      const fbsubs = '  -----^-----------------!   ';
      const expected = '--A---X--Y--Z----------B--|';

      let attempt = 0;
      const e1 = defer(() => attempts[attempt++] ?? EMPTY);
      const result = e1.pipe(fallbackSwitch({ fallback: () => fb, staleAfterMs: 10, recoverAfter: 3 }));
      expectObservable(result).toBe(expected, values);
      attempts.forEach((attemptObservable, i) => {
        expectSubscriptions(attemptObservable.subscriptions).toBe(subs[i] ?? '');
      });
      expectSubscriptions(fb.subscriptions).toBe(fbsubs);
    });
  });

  it('should pass a non-retryable primary error through without switching', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--#');
      const e1subs = '  ^----!';
      const fb = cold(' -x--  ');
      const expected = '--A--#';

      expectObservable(e1.pipe(fallbackSwitch({ fallback: () => fb, staleAfterMs: 5 }))).toBe(expected, values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
      expectSubscriptions(fb.subscriptions).toBe([]);
    });
  });

  it('should pass a non-retryable primary error through while on the fallback, unsubscribing it', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const fatal = new UnknownSymbolError('Unknown symbol: KRW-NOPE', { symbol: 'KRW-NOPE' });
      const e1 = hot('  --a--------#', undefined, fatal);
      const e1subs = '  ^----------!';
      const fb = cold('        -x-----');
      const fbsubs = '  -------^---!';
      const expected = '--A-----X--#';

      const result = e1.pipe(fallbackSwitch({ fallback: () => fb, staleAfterMs: 5 }));
      expectObservable(result).toBe(expected, values, fatal);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
      expectSubscriptions(fb.subscriptions).toBe(fbsubs);
    });
  });

  it('should treat every error as retryable with isRetryable: () => true', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('  --a--#        ');
      const second = cold('        ---b--|');
      const fb = cold('          -x-------');
      const fbsubs = '      -----^----!   ';
      const expected = '    --A---X---B--|';

      let attempt = 0;
      const e1 = defer(() => (attempt++ === 0 ? first : second));
      const config = { fallback: () => fb, staleAfterMs: 10, recoverAfter: 2, isRetryable: () => true };
      const result = e1.pipe(fallbackSwitch(config));
      expectObservable(result).toBe(expected, values);
      expectSubscriptions(second.subscriptions).toBe('-------^-----!');
      expectSubscriptions(fb.subscriptions).toBe(fbsubs);
    });
  });

  it('should pass through an error of the fallback', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a-----------');
      const e1subs = '  ^---------!   ';
      const fb = cold('        -x-#   ');
      const fbsubs = '  -------^--!   ';
      const expected = '--A-----X-#   ';

      expectObservable(e1.pipe(fallbackSwitch({ fallback: () => fb, staleAfterMs: 5 }))).toBe(expected, values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
      expectSubscriptions(fb.subscriptions).toBe(fbsubs);
    });
  });

  it('should complete when the primary completes, unsubscribing the fallback', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--------|');
      const e1subs = '  ^----------!';
      const fb = cold('        -x----');
      const fbsubs = '  -------^---!';
      const expected = '--A-----X--|';

      expectObservable(e1.pipe(fallbackSwitch({ fallback: () => fb, staleAfterMs: 5 }))).toBe(expected, values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
      expectSubscriptions(fb.subscriptions).toBe(fbsubs);
    });
  });

  it('should wait for the primary after a one-shot fallback completes', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a-------------b--|');
      const fb = cold('        -x|          ');
      const fbsubs = '  -------^-!          ';
      const expected = '--A-----X-------B--|';

      expectObservable(e1.pipe(fallbackSwitch({ fallback: () => fb, staleAfterMs: 5 }))).toBe(expected, values);
      expectSubscriptions(fb.subscriptions).toBe(fbsubs);
    });
  });

  it('should never emit a value older than the last one emitted, by timestamp by default', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const quotes = { a: q(10), b: q(8), c: q(10), d: q(12), e: q(11), f: q(13) };
      const e1 = hot('  --a-------------e--f--|', quotes);
      const fb = cold('        -b-c-d--       ', quotes);
      const fbsubs = '  -------^--------!     ';
      const expected = '--A-------C-D------F--|';

      const result = e1.pipe(fallbackSwitch({ fallback: () => fb, staleAfterMs: 5 }));
      expectObservable(result).toBe(expected, { A: P(q(10)), C: F(q(10)), D: F(q(12)), F: P(q(13)) });
      expectSubscriptions(fb.subscriptions).toBe(fbsubs);
    });
  });

  it('should let equal timestamps pass and honour a custom isNewer', () => {
    testScheduler.run(({ hot, cold, expectObservable }) => {
      const quotes = { a: q(10), b: q(10), c: q(11) };
      const e1 = hot('  --a--b--------|', quotes);
      const fb = cold('           -c--', quotes);
      const strict = (a: Quote, b: Quote): boolean => a.timestamp > b.timestamp;

      const byDefault = e1.pipe(fallbackSwitch({ fallback: () => fb, staleAfterMs: 5 }));
      const byStrict = e1.pipe(fallbackSwitch({ fallback: () => fb, staleAfterMs: 5, isNewer: strict }));
      expectObservable(byDefault).toBe('--A--B-----C--|', { A: P(q(10)), B: P(q(10)), C: F(q(11)) });
      expectObservable(byStrict).toBe(' --A--------C--|', { A: P(q(10)), C: F(q(11)) });
    });
  });

  it('should hand isNewer what keep kept of the last emitted value, not the value', () => {
    testScheduler.run(({ hot, cold, expectObservable }) => {
      const quotes = { a: q(10), b: q(9), c: q(11), d: q(10) };
      const e1 = hot('  --a--b--------d--|', quotes);
      const fb = cold('           -c--     ', quotes);
      const kept: unknown[] = [];
      const isNewer = (candidate: Quote, lastTimestamp: number): boolean => {
        kept.push(lastTimestamp);
        return candidate.timestamp >= lastTimestamp;
      };

      const result = e1.pipe(fallbackSwitch({ fallback: () => fb, staleAfterMs: 5, keep: (quote: Quote) => quote.timestamp, isNewer }));
      expectObservable(result).toBe('--A--------C-----|', { A: P(q(10)), C: F(q(11)) });
      testScheduler.flush();
      expect(kept).toEqual([10, 10, 11]);
    });
  });

  it('should error when onSwitch throws, without subscribing the fallback', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const boom = new Error('onSwitch failed');
      const e1 = hot('  --a-----');
      const e1subs = '  ^------!';
      const fb = cold(' -x----  ');
      const expected = '--A----#';
      const throwing = (): void => {
        throw boom;
      };

      const result = e1.pipe(fallbackSwitch({ fallback: () => fb, staleAfterMs: 5, onSwitch: throwing }));
      expectObservable(result).toBe(expected, values, boom);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
      expectSubscriptions(fb.subscriptions).toBe([]);
    });
  });

  it('should complete with an empty primary and stay on a never fallback with a never primary', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const empty = cold('|');
      const never = cold('-');
      const fb = cold('   -');
      expectObservable(empty.pipe(fallbackSwitch({ fallback: () => fb, staleAfterMs: 5 }))).toBe('|');
      expectObservable(never.pipe(fallbackSwitch({ fallback: () => fb, staleAfterMs: 5 }))).toBe('-');
      expectSubscriptions(empty.subscriptions).toBe('(^!)');
      expectSubscriptions(never.subscriptions).toBe('^');
      expectSubscriptions(fb.subscriptions).toBe('-----^');
    });
  });

  it('should switch at once on an outage marker, keep the primary subscribed and switch back on its next value', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--D-------c--|');
      const e1subs = '  ^---------------!';
      const fb = cold('      -x-y-z-------');
      const fbsubs = '  -----^-------!    ';
      const expected = '--A---X-Y-Z--C--|';

      const isOutage = (value: string): value is 'D' => value === 'D';
      const result = e1.pipe(fallbackSwitch({ fallback: () => fb, staleAfterMs: 100, isOutage, onSwitch }));
      expectObservable(result).toBe(expected, values);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
      expectSubscriptions(fb.subscriptions).toBe(fbsubs);
    });
    expect(switches).toEqual([
      ['fallback', { kind: 'outage' }, 5],
      ['primary', { kind: 'recovered' }, 13],
    ]);
  });

  it('should check silence on the ticks of a shared clock instead of a timer of its own', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const clock = hot('---t---t---t---t---');
      const e1 = hot('  --a-----------b--|');
      const fb = cold('        -x---------');
      const fbsubs = '  -------^------!   ';
      // a at 2: the tick at 7 is the first to see 5 ms of silence.
      const expected = '--A-----X-----B--|';

      const result = e1.pipe(fallbackSwitch({ fallback: () => fb, staleAfterMs: 5, clock }));
      expectObservable(result).toBe(expected, values);
      expectSubscriptions(fb.subscriptions).toBe(fbsubs);
    });
  });

  it('should hold the primary after an outage until the bridge completes, emitting the bridge first', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a--D-------c-e--------|');
      const fb = cold('      -x|                 ');
      const gap = cold('             --b|        ');
      const gapsubs = ' -------------^--!        ';
      const expected = '--A---X--------B(CE)----|';

      const isOutage = (value: string): value is 'D' => value === 'D';
      const result = e1.pipe(fallbackSwitch({ fallback: () => fb, staleAfterMs: 100, isOutage, bridge: () => gap }));
      expectObservable(result).toBe(expected, { ...values, B: F('b'), E: P('e') });
      expectSubscriptions(gap.subscriptions).toBe(gapsubs);
    });
  });

  it('should release the held primary values when the bridge fails, and bridge nothing before a first value', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  -------a--D--c-e----|');
      const fb = cold('    -                 ');
      const gap = cold('             --#     ');
      const gapsubs = ' -------------^-!     ';
      // Stale at 3 with nothing emitted yet: a at 7 goes out at once (no bridge); after the outage at 10,
      // c waits for the bridge, which fails at 15, releasing c and e.
      const expected = '-------A-------(CE)-|';

      const isOutage = (value: string): value is 'D' => value === 'D';
      const result = e1.pipe(fallbackSwitch({ fallback: () => fb, staleAfterMs: 3, isOutage, bridge: () => gap }));
      expectObservable(result).toBe(expected, { ...values, E: P('e') });
      expectSubscriptions(gap.subscriptions).toBe(gapsubs);
    });
  });

  it('should hand the fallback and bridge factories the primary they serve', () => {
    testScheduler.run(({ hot, cold, expectObservable }) => {
      const e1 = hot('  --a--D--c--|');
      const seen: unknown[] = [];
      const isOutage = (value: string): value is 'D' => value === 'D';
      const result = e1.pipe(
        fallbackSwitch({
          fallback: (primary$) => (seen.push(primary$), cold('|')),
          bridge: (primary$) => (seen.push(primary$), cold('|')),
          staleAfterMs: 100,
          isOutage,
        }),
      );
      expectObservable(result).toBe('--A-----C--|', values);
      testScheduler.flush();
      expect(seen).toEqual([e1, e1]);
    });
  });

  it('should not break unsubscription chains when result is unsubscribed explicitly', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const e1 = hot('  --a---------------');
      const e1subs = '  ^-----------!     ';
      const fb = cold('        -x--y--    ');
      const fbsubs = '  -------^----!     ';
      const unsub = '   ------------!     ';
      const expected = '--a-----x--y       ';

      const result = e1.pipe(
        mergeMap((x: string) => of(x)),
        fallbackSwitch({ fallback: () => fb, staleAfterMs: 5 }),
        mergeMap((x) => of(x.value)),
      );
      expectObservable(result, unsub).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
      expectSubscriptions(fb.subscriptions).toBe(fbsubs);
    });
  });
});
