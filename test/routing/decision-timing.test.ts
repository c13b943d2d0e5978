/**
 * Marble specs of the router's decision timing, in virtual time: when it subscribes ahead (the
 * predicted rate crosses the threshold), when it drops a market whose use faded, how it backs off
 * a flapping socket (and doubles the back-off on the next episode), a lagging socket, and a silent stream.
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
  it('should leave a lagging socket for REST, try it again backoffMs after its last lagged frame, and answer from it only once a frame shows it caught up', () => {
    let now = 0;
    const router = new ChannelRouter({ now: () => now });
    const changes: string[] = [];
    router.changes$.subscribe((c) => changes.push(`${c.action}@${c.at}`));
    const routes: string[] = [];
    const ask = (age: number): void => void routes.push(`${router.route('KRW-BTC', 2_000, age).source}@${now}`);
    // Frames with 1.5 s of delivery lag at 3.0, 3.5 and 4.0 s, 20 ms at 2.5 and 26 s (delivered while held).
    const frames = new Map([[2_500, 20], [3_000, 1_500], [3_500, 1_500], [4_000, 1_500], [26_000, 20]]);
    for (now = 0; now <= 27_000; now += 500) {
      if (now % 1_000 === 0) router.called('KRW-BTC', 2_000);
      const lag = frames.get(now);
      if (lag !== undefined && router.held.has('KRW-BTC')) router.streamValue('KRW-BTC', now - lag, now);
      if (now === 3_000 || now === 25_500 || now === 26_000) ask(10);
      if (now % 1_000 === 0) router.tick();
    }
    // Subscribed at the 1 s plan; the first lagged frame (3 s, EWMA 464 ms > 50 ms REST + 200 ms) sends calls
    // to REST and the 3 s plan lets the market go (the 3.5 and 4 s frames never come); more than 20 s after
    // that frame the 24 s plan takes it up again, but calls stay on REST until the 26 s frame measures the
    // socket afresh.
    expect(changes).toEqual(['subscribe@1000', 'unsubscribe@3000', 'subscribe@24000']);
    expect(routes).toEqual(['rest@3000', 'rest@25500', 'stream@26000']);
  });

  it('should drop a held market whose stream stays silent, and not take it up again at once', () => {
    let now = 0;
    const router = new ChannelRouter({ now: () => now });
    const changes: string[] = [];
    router.changes$.subscribe((c) => changes.push(`${c.action}@${c.at}`));
    // Asked every 10 s (6 calls/min); the stream never sends a value.
    for (now = 0; now <= 60_000; now += 500) {
      if (now % 10_000 === 500) router.called('KRW-BTC', 2_000);
      if (now % 1_000 === 0) router.tick();
    }
    // With the prior 1 s gap, 6 x 86 % hits is worth a stream: the 11 s plan subscribes. Silence is then the
    // least gap: the saving 6 x (1 - exp(-2 000 / silence)) falls under 1 / 1.5 once the silence passes
    // 16 978 ms (the 28 s plan); the 17 s it learned keeps the market off (saving 0.67 < 1.5).
    expect(changes).toEqual(['subscribe@11000', 'unsubscribe@28000']);
  });
});
