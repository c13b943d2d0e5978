/**
 * Properties of the router under random workloads (fast-check): the routed ticker is never older than
 * asked, the plan never exceeds the exchange's limits, and a router started from saved state decides
 * exactly as the one that saved it. Everything runs in virtual time.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { concat, defer, EMPTY, firstValueFrom, map, of, Subject, timer, VirtualTimeScheduler } from 'rxjs';
import type { StatusEvent, Ticker } from 'market-data-backbone';
import { ChannelRouter } from '../../src/routing/channel-router.js';
import { RoutedTickers, type RoutedTickerSource } from '../../src/routing/routed-tickers.js';
import { buildTraces, streamTimes } from '../../bench/routing-traces.js';
import { adaptive, alwaysStream, runPolicy, TraceNetworkModel } from '../../bench/routing-sim.js';

const MARKETS = ['A', 'B', 'C', 'D', 'E', 'F'];

/** A ticker that only carries what routing reads: its market and times. */
const tickerAt = (market: string, receivedAt: number): Ticker => ({ type: 'ticker', market, receivedAt, timestamp: receivedAt - 5 }) as unknown as Ticker;

/** One exchange in virtual time: streams that publish when told, REST that answers after a latency. */
function fakeExchange(scheduler: VirtualTimeScheduler) {
  const feeds = new Map<string, { subject: Subject<Ticker>; last: Ticker | undefined; subscribers: number }>();
  const feed = (market: string) => {
    let f = feeds.get(market);
    if (f === undefined) feeds.set(market, (f = { subject: new Subject<Ticker>(), last: undefined, subscribers: 0 }));
    return f;
  };
  const status$ = new Subject<StatusEvent>();
  let limited = 0;
  let restLatency = 30;
  const source: RoutedTickerSource = {
    latest: (market) => feed(market).last,
    rest: (market) => firstValueFrom(timer(restLatency, scheduler).pipe(map(() => tickerAt(market, scheduler.now())))),
    stream: (market) =>
      defer(() => {
        const f = feed(market);
        f.subscribers += 1;
        return concat(f.last === undefined ? EMPTY : of(f.last), f.subject);
      }),
    status$,
    rateLimitedReplies: () => limited,
  };
  return {
    source,
    /** A frame for `market` (kept as the latest value even with no subscriber: the worst case for freshness). */
    publish: (market: string) => {
      const f = feed(market);
      f.last = tickerAt(market, scheduler.now());
      f.subject.next(f.last);
    },
    drop: () => status$.next({ type: 'status', exchange: 'x', status: 'disconnect', timestamp: scheduler.now() }),
    rateLimit: () => void (limited += 1),
    setLatency: (ms: number) => void (restLatency = ms),
  };
}

const event = fc.oneof(
  fc.record({ kind: fc.constant('call' as const), market: fc.constantFrom('A', 'B'), maxAgeMs: fc.integer({ min: 0, max: 5_000 }), gap: fc.integer({ min: 0, max: 3_000 }) }),
  fc.record({ kind: fc.constant('call' as const), market: fc.constantFrom(...MARKETS), maxAgeMs: fc.integer({ min: 0, max: 5_000 }), gap: fc.integer({ min: 0, max: 3_000 }) }),
  fc.record({ kind: fc.constant('frame' as const), market: fc.constantFrom('A', 'B', 'C'), gap: fc.integer({ min: 0, max: 2_000 }) }),
  fc.record({ kind: fc.constant('drop' as const), gap: fc.integer({ min: 0, max: 5_000 }) }),
  fc.record({ kind: fc.constant('limited' as const), gap: fc.integer({ min: 0, max: 1_000 }) }),
  fc.record({ kind: fc.constant('latency' as const), ms: fc.integer({ min: 1, max: 800 }), gap: fc.integer({ min: 0, max: 1_000 }) }),
);

describe('routing properties', () => {
  it('should never answer older than the maxAgeMs asked, whatever the workload', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 150 }), async (events) => {
        const scheduler = new VirtualTimeScheduler();
        const advanceTo = (t: number): void => {
          scheduler.maxFrames = t;
          scheduler.flush();
          scheduler.frame = t;
        };
        const exchange = fakeExchange(scheduler);
        const routed = new RoutedTickers(exchange.source, { scheduler, planIntervalMs: 500 });
        let now = 0;
        for (const e of events) {
          advanceTo((now += e.gap));
          if (e.kind === 'frame') exchange.publish(e.market);
          else if (e.kind === 'drop') exchange.drop();
          else if (e.kind === 'limited') exchange.rateLimit();
          else if (e.kind === 'latency') exchange.setLatency(e.ms);
          else {
            const calledAt = now;
            let settled = false;
            const answer = routed.getTicker(e.market, e.maxAgeMs).finally(() => (settled = true));
            // Let a wait and then a REST reply run out in virtual time; the clock goes on from there.
            for (let step = 0; step < 100 && !settled; step++) {
              advanceTo((now += 50));
              await new Promise((resolve) => setImmediate(resolve));
            }
            const ticker = await answer;
            expect(ticker.receivedAt).toBeGreaterThanOrEqual(calledAt - e.maxAgeMs);
          }
        }
        routed.close();
      }),
      { numRuns: 150 },
    );
  });

  it('should hold at most maxSubscriptions and send no more plan frames than every window allows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 2, max: 8 }),
        fc.array(fc.record({ market: fc.constantFrom(...MARKETS), gap: fc.integer({ min: 0, max: 4_000 }) }), { minLength: 1, maxLength: 300 }),
        (maxSubscriptions, perSecond, perMinute, calls) => {
          let now = 0;
          const messages = [{ limit: perSecond, windowMs: 1_000 }, { limit: perMinute, windowMs: 60_000 }];
          const router = new ChannelRouter({ now: () => now, limits: { maxSubscriptions, messages } });
          const frames: number[] = [];
          let nextTick = 1_000;
          for (const call of calls) {
            for (now += call.gap; nextTick <= now; nextTick += 250) {
              const at = now;
              now = nextTick;
              const { subscribe, unsubscribe } = router.tick();
              for (let i = 0; i < (subscribe.length > 0 ? 1 : 0) + (unsubscribe.length > 0 ? 1 : 0); i++) frames.push(now);
              expect(router.held.size).toBeLessThanOrEqual(maxSubscriptions);
              now = at;
            }
            router.called(call.market, 2_000);
          }
          for (const { limit, windowMs } of messages) for (const t of frames) expect(frames.filter((f) => f > t - windowMs && f <= t).length).toBeLessThanOrEqual(limit);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('should keep the simulated exchange limits on every benchmark trace (subscriptions, frames, requests)', () => {
    for (const trace of buildTraces()) {
      const markets = new Set([...trace.calls.flatMap((c) => c.markets), ...trace.userStreams]);
      const run = runPolicy(trace, new TraceNetworkModel(trace, streamTimes(markets, trace.durationMs + 60_000)), adaptive);
      // Upbit: no cap on subscriptions per connection (the router's own bound is the markets asked for),
      // 5 frames/s and 100/min (the router keeps to half), 10 ticker requests/s.
      // And it never answers older than asked, nor from a value a lagging socket delivered.
      expect({ trace: trace.name, held: run.peaks.held <= markets.size, frames1s: run.peaks.frames1s <= 2, frames60s: run.peaks.frames60s <= 50, requests1s: run.peaks.requests1s <= 10, violations: run.violations, lagged: run.lagged }).toEqual({
        trace: trace.name,
        held: true,
        frames1s: true,
        frames60s: true,
        requests1s: true,
        violations: 0,
        lagged: 0,
      });
    }
  });

  it('should model what a degraded socket delivers: lagged values counted, snapshots only at subscription and reconnect', () => {
    const trace = buildTraces().find((t) => t.name === 'socket-lag-dev')!;
    const markets = new Set(trace.calls.flatMap((c) => c.markets));
    const net = new TraceNetworkModel(trace, streamTimes(markets, trace.durationMs + 60_000));
    // Always-stream answers from the socket through the 1.2 s lag episode: those answers are counted.
    expect(runPolicy(trace, net, alwaysStream).lagged).toBeGreaterThan(0);
    // A subscription made at 100 s holds its snapshot 20 ms later; one older than the window holds none there.
    const quiet = [...markets].find((m) => net.nextValue(m, 100_000, 1_000) === undefined)!;
    expect(net.lastValue(quiet, 100_000, 100_500)).toEqual({ at: 100_020, lag: 20 });
    expect(net.lastValue(quiet, 100_000, 100_500, -Infinity)).toBeUndefined();
    // During the episode a subscription's snapshot is as late as the frames.
    expect(net.lastValue(quiet, 300_000, 302_000)?.lag).toBe(1_220);
  });

  it('should decide the same after save and load as the router that saved', () => {
    const step = fc.record({
      kind: fc.constantFrom('call', 'frame', 'drop', 'rest429', 'rest200', 'tick'),
      market: fc.constantFrom(...MARKETS),
      maxAgeMs: fc.integer({ min: 0, max: 5_000 }),
      gap: fc.integer({ min: 0, max: 3_000 }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 120 }), fc.array(step, { minLength: 1, maxLength: 120 }), (before, after) => {
        let now = 0;
        const apply = (router: ChannelRouter, s: { kind: string; market: string; maxAgeMs: number; gap: number }): unknown => {
          if (s.kind === 'call') router.called(s.market, s.maxAgeMs);
          else if (s.kind === 'frame') router.streamValue(s.market, now - 20, now);
          else if (s.kind === 'drop') router.socketDropped();
          else if (s.kind === 'rest429') router.restReply(s.gap / 10, 429);
          else if (s.kind === 'rest200') router.restReply(s.gap / 10, 200);
          else return router.tick();
          return router.route(s.market, s.maxAgeMs, s.gap % 2 === 0 ? undefined : s.gap);
        };
        const original = new ChannelRouter({ now: () => now });
        for (const s of before) {
          now += s.gap;
          apply(original, s);
        }
        const restored = new ChannelRouter({ now: () => now, state: JSON.parse(JSON.stringify(original.save())) });
        // The restored router holds nothing yet: its first plan takes up what the original holds.
        original.tick();
        restored.tick();
        expect([...restored.held].sort()).toEqual([...original.held].sort());
        for (const s of after) {
          now += s.gap;
          expect(apply(restored, s)).toEqual(apply(original, s));
          expect(restored.explain(s.market)).toEqual(original.explain(s.market));
        }
      }),
      { numRuns: 200 },
    );
  });
});
