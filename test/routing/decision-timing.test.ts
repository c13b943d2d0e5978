/**
 * Marble specs of the router's decision timing, in virtual time: when it subscribes ahead (the
 * predicted rate crosses the threshold), when it drops a market whose use faded, and how it backs off
 * a flapping socket (and doubles the back-off on the next episode).
 */
import { describe, expect, it } from 'vitest';
import { ignoreElements, interval, map, merge, tap, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ChannelRouter } from '../../src/routing/channel-router.js';

/**
 * A run-mode marble with `token` at each time (ms, ascending): a token takes as many frames as it has
 * characters (`'a'` one, `'(ab)'` four), which the time progressions between them make up for.
 */
function marbleOf(events: readonly (readonly [number, string])[]): string {
  let cursor = 0;
  const parts: string[] = [];
  for (const [t, token] of events) {
    if (t > cursor) parts.push(`${t - cursor}ms`);
    parts.push(token);
    cursor = t + token.length;
  }
  return parts.join(' ');
}

const marbleAt = (times: readonly number[], c: string): string => marbleOf(times.map((t) => [t, c] as const));

const range = (from: number, to: number, step: number): number[] => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

/** Runs `calls` and `drops` through a router that plans every second; returns the changes as `action:market`. */
function plan(scheduler: TestScheduler, calls: Observable<string>, drops: Observable<string> = new TestScheduler(() => {}).createColdObservable('')) {
  const router = new ChannelRouter({ now: () => scheduler.now() });
  const effects$ = merge(
    calls.pipe(tap(() => router.called('KRW-BTC', 2_000))),
    drops.pipe(tap(() => router.socketDropped())),
    interval(1_000).pipe(tap(() => router.tick())),
    // While held, the stream delivers a value every 500 ms, 20 ms after its exchange time.
    interval(500).pipe(tap(() => router.held.has('KRW-BTC') && router.streamValue('KRW-BTC', scheduler.now() - 20, scheduler.now()))),
  ).pipe(ignoreElements());
  return { router, effects$, changes$: router.changes$.pipe(map((c) => `${c.action}:${c.market}`)) };
}

describe('router decision timing', () => {
  it('should subscribe ahead at the first plan after the predicted rate crosses the threshold, and drop once use fades', () => {
    const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    scheduler.run(({ cold, expectObservable }) => {
      // Polled every 2 s from 0.5 s to 20.5 s, then never again.
      const { changes$, effects$ } = plan(scheduler, cold(marbleAt(range(500, 20_500, 2_000), 'c')));
      expectObservable(effects$, '^ 120s !').toBe('', {});
      // After the 2nd call (2.5 s) the predicted 30 calls/min x 86 % hits (prior gap 1 s) is worth a stream: the
      // 3 s plan subscribes. The stream then shows a 500 ms gap (98 % hits); dropped when
      // 60 000 / (t - 20 500) x 0.982 falls under 1 / 1.5: first at the 109 s plan (108 s still keeps it).
      expectObservable(changes$, '^ 120s !').toBe(marbleOf([[3_000, 's'], [109_000, 'u']]), {
        s: 'subscribe:KRW-BTC',
        u: 'unsubscribe:KRW-BTC',
      });
    });
  });

  it('should wait for the rate to cross the threshold when the caller speeds up gradually', () => {
    const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    scheduler.run(({ cold, expectObservable }) => {
      // Once a minute (0.86 hits/min: REST is cheaper), then every 20 s: the EWMA of the gaps falls
      // 60 000 -> 48 000 -> 39 600 -> 33 720 ms, crossing 1.5 savings/stream-minute with the call at 180.5 s.
      const calls = cold(marbleAt([500, 60_500, 120_500, 140_500, 160_500, 180_500, 200_500], 'c'));
      const { changes$, effects$ } = plan(scheduler, calls);
      expectObservable(effects$, '^ 200s !').toBe('', {});
      expectObservable(changes$, '^ 200s !').toBe(marbleAt([181_000], 's'), { s: 'subscribe:KRW-BTC' });
    });
  });

  it('should back off after flapping, serve REST meanwhile, resume after it, and double the next back-off', () => {
    const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    scheduler.run(({ cold, expectObservable, flush }) => {
      const calls = cold(marbleAt(range(500, 250_500, 2_000), 'c'));
      const drops = cold(marbleAt([10_500, 20_500, 30_500, 40_500, 70_500, 80_500, 90_500, 100_500], 'd'));
      const { router, changes$, effects$ } = plan(scheduler, calls, drops);
      const routes: string[] = [];
      const ask = (): void => {
        const { source, reason } = router.route('KRW-BTC', 2_000, undefined);
        routes.push(`${source}: ${reason}`);
      };
      scheduler.schedule(ask, 45_000);
      scheduler.schedule(ask, 65_000);
      expectObservable(effects$, '^ 250s !').toBe('', {});
      // 4 drops within 60 s: back-off for 20 s at 40.5 s (the 41 s plan drops the market), resume and
      // subscribe at the 61 s plan; 4 more drops at 100.5 s: 40 s back-off, back at the 141 s plan.
      const expected = marbleOf([
        [3_000, 's'],
        [40_500, 'b'],
        [41_000, 'u'],
        [61_000, '(rs)'],
        [100_500, 'b'],
        [101_000, 'u'],
        [141_000, '(rs)'],
      ]);
      expectObservable(changes$, '^ 250s !').toBe(expected, {
        s: 'subscribe:KRW-BTC',
        u: 'unsubscribe:KRW-BTC',
        b: 'backoff:*',
        r: 'resume:*',
      });
      flush();
      // A call without a fresh value: REST during the back-off because of it; after it the market is held
      // again and waits for its next value (the 500 ms gap learned while held: within 250 ms 39 % of the time).
      expect(routes).toEqual(['rest: socket backing off', 'wait: next stream value within 250 ms with 39 % (gap 500 ms)']);
    });
  });

  it('should lean on the stream while REST answers 429: a market too rare to stream alone is subscribed', () => {
    const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    scheduler.run(({ cold, expectObservable }) => {
      // Asked every 40 s (1.3 hits/min: REST is cheaper); from 100 s every REST reply is a 429.
      const { router, changes$, effects$ } = plan(scheduler, cold(marbleAt(range(500, 240_500, 40_000), 'c')));
      const limited$ = cold(marbleAt([100_200, 100_400, 100_600], 'l')).pipe(tap(() => router.restReply(900, 429)));
      expectObservable(merge(effects$, limited$.pipe(ignoreElements())), '^ 200s !').toBe('', {});
      // Three 429s raise the 429 share to 0.66: a request weighs 7.6 and the saving crosses 1.5 at the next plan.
      expectObservable(changes$, '^ 200s !').toBe(marbleAt([101_000], 's'), { s: 'subscribe:KRW-BTC' });
    });
  });
});
