import { identity, interval, map, Observable, type OperatorFunction, type Subscription as RxSubscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { ConnectionError, UnknownSymbolError } from '../../src/errors/index.js';
import { HotStream, type HotSource } from '../../src/streams/hot-stream.js';
import type { StatusEvent } from '../../src/model/market-event.js';
import type { Ticker } from '../../src/model/ticker.js';
import type { StreamEvent } from '../../src/transport/ws/ws-router.js';

/** A ticker reduced to what the stream looks at: type, market and exchange time (the marble letter is its name). */
const ticker = (name: string, timestamp: number): Ticker => ({ type: 'ticker', market: 'KRW-BTC', name, timestamp, receivedAt: timestamp }) as unknown as Ticker;
const drop: StatusEvent = { type: 'status', exchange: 'upbit', status: 'disconnect', reason: 'test', timestamp: 0 };
const nameOf = (value: Ticker): string => (value as unknown as { name: string }).name;

interface Harness {
  readonly stream: HotStream<Ticker, Ticker, Ticker>;
  readonly sources: HotSource[];
  readonly stops: number[];
  /** Subscribes at frame `at` and unsubscribes at `until` (default 200: virtual time must end somewhere). */
  subscribe(at: number, until?: number): string[];
}

/**
 * A HotStream on virtual time: `socket` is the socket's events (hot), `rest` what each poll returns
 * (cold, per poll), the hub's sweep every 10 frames. Returns what subscribers saw, as value names.
 */
function harness(
  scheduler: TestScheduler,
  socket: Observable<StreamEvent>,
  rest: () => Observable<Ticker>,
  timings: { staleAfterMs?: number; pollIntervalMs?: number; gracePeriodMs?: number; replayTtlMs?: number; recoverAfterMs?: number } = {},
  primary: OperatorFunction<Ticker, Ticker> = identity,
  open?: () => Observable<StreamEvent>,
  bridge?: () => Observable<Ticker>,
): Harness {
  const sources: HotSource[] = [];
  const stops: number[] = [];
  let sweep: RxSubscription | undefined;
  let attached: RxSubscription | undefined;
  const stream: HotStream<Ticker, Ticker, Ticker> = new HotStream<Ticker, Ticker, Ticker>(
    {
      key: 'ticker|KRW-BTC',
      subscription: { channel: 'ticker', market: 'KRW-BTC' },
      socket: { channel: 'ticker', market: 'KRW-BTC' },
      socketKey: 'ticker|KRW-BTC',
      kind: {
        primary: primary === identity ? undefined : () => primary,
        bridge: bridge === undefined ? undefined : () => bridge(),
        isWire: (e): e is Ticker => e.type === 'ticker',
        poll: () => rest(),
        follows: (value, last) => value.timestamp >= last.timestamp,
      },
      owner: {
        counted: (source) => sources.push(source),
        stopped: () => {
          stops.push(scheduler.now());
          sweep?.unsubscribe();
        },
        open: (_socket, _key, sink) => {
          sweep = interval(10, scheduler).subscribe(() => stream.sweep(scheduler.now()));
          attached = (open === undefined ? socket : open()).subscribe(sink);
        },
        close: () => attached?.unsubscribe(),
      },
    },
    { staleAfterMs: 50, pollIntervalMs: 20, gracePeriodMs: 0, replayTtlMs: 1_000, recoverAfterMs: 30, scheduler, ...timings },
  );
  return {
    stream,
    sources,
    stops,
    subscribe(at, until = 200) {
      const seen: string[] = [];
      scheduler.schedule(() => {
        const subscription = new Observable<Ticker>((subscriber) => stream.attach(subscriber)).subscribe({
          next: (value) => seen.push(`${scheduler.now()}:${nameOf(value)}`),
          error: (error: unknown) => seen.push(`${scheduler.now()}:error ${(error as Error).name}`),
          complete: () => seen.push(`${scheduler.now()}:complete`),
        });
        scheduler.schedule(() => subscription.unsubscribe(), until - at);
      }, at);
      return seen;
    },
  };
}

const newScheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('HotStream', () => {
  it('should poll REST after a drop and switch back on the next socket value, never emitting an older value', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, cold, flush }) => {
      const socket = hot<StreamEvent>('a----d--------------------c-----', { a: ticker('a', 1), d: drop, c: ticker('c', 30) });
      // Each poll answers r (time 10) once; the poll after the socket is back would answer nothing new.
      const h = harness(scheduler, socket, () => cold('r|', { r: ticker('r', 10) }));
      const seen = h.subscribe(0);
      flush();
      // a from the socket; the drop at 5 starts polling at once (r), later polls repeat r (same time: passes,
      // as equal exchange times do); c from the socket at 26 ends polling.
      expect(seen.slice(0, 2)).toEqual(['0:a', '5:r']);
      expect(seen.at(-1)).toBe('26:c');
      expect(seen.filter((s) => s.endsWith(':r')).map((s) => Number(s.split(':')[0]))).toEqual([5, 25]);
      expect(h.sources.at(-1)).toBe('ws');
    });
  });

  it('should switch to REST after staleAfterMs of silence, found by the sweep', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, cold, flush }) => {
      const socket = hot<StreamEvent>('a', { a: ticker('a', 1) });
      const h = harness(scheduler, socket, () => cold('r|', { r: ticker('r', 2) }));
      const seen = h.subscribe(0, 100);
      flush();
      // Silent since 0: the sweep at 50 sees 50 >= staleAfterMs and polls at once, then every 20.
      expect(seen).toEqual(['0:a', '50:r', '70:r', '90:r']);
      expect(h.stops).toEqual([100]);
    });
  });

  it('should replay the latest value to a late subscriber only while it is younger than the TTL', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, cold, flush }) => {
      const socket = hot<StreamEvent>('a', { a: ticker('a', 1) });
      const h = harness(scheduler, socket, () => cold('|'), { replayTtlMs: 30, staleAfterMs: 1_000 });
      h.subscribe(0, 40);
      const early = h.subscribe(29, 40);
      const late = h.subscribe(30, 40);
      flush();
      expect(early).toEqual(['29:a']);
      expect(late).toEqual([]);
    });
  });

  it('should keep the socket subscription through the grace period and stop after it', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, cold, flush, expectSubscriptions }) => {
      const socket = hot<StreamEvent>('a-----------------------------------', { a: ticker('a', 1) });
      const h = harness(scheduler, socket, () => cold('|'), { gracePeriodMs: 10, staleAfterMs: 1_000 });
      h.subscribe(0, 5);
      const back = h.subscribe(12, 20); // within the grace period: same socket subscription, replayed a
      flush();
      expect(back).toEqual(['12:a']);
      expectSubscriptions(socket.subscriptions).toBe('^-----------------------------!');
      expect(h.stops).toEqual([30]);
    });
  });

  it('should error every subscriber on a non-retryable poll error and ignore retryable ones', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, cold, flush }) => {
      const socket = hot<StreamEvent>('d', { d: drop });
      let polls = 0;
      const h = harness(scheduler, socket, () => {
        polls += 1;
        return polls === 1
          ? cold('#', undefined, new ConnectionError('timeout', { exchange: 'upbit' }))
          : cold('#', undefined, new UnknownSymbolError('no market', { exchange: 'upbit', symbol: 'KRW-BTC' }));
      });
      const seen = h.subscribe(0);
      flush();
      expect(seen).toEqual(['20:error UnknownSymbolError']);
      expect(h.stops).toEqual([20]);
    });
  });

  it('should complete subscribers when the socket stream completes', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, cold, flush }) => {
      const socket = hot<StreamEvent>('a--|', { a: ticker('a', 1) });
      const h = harness(scheduler, socket, () => cold('|'));
      const seen = h.subscribe(0);
      flush();
      expect(seen).toEqual(['0:a', '3:complete']);
    });
  });

  it('should not poll REST for a stream in its grace period, and poll at once for a subscriber arriving while the socket is down', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, cold, flush }) => {
      const socket = hot<StreamEvent>('a---------d---------------------------------', { a: ticker('a', 1), d: drop });
      let polls = 0;
      const h = harness(scheduler, socket, () => {
        polls += 1;
        return cold('r|', { r: ticker('r', 5) });
      }, { gracePeriodMs: 100, staleAfterMs: 1_000 });
      h.subscribe(0, 5);
      flush();
      expect(polls).toBe(0); // the drop at 10 came with no subscriber: nothing to poll for
    });
    const again = newScheduler();
    again.run(({ hot, cold, flush }) => {
      const socket = hot<StreamEvent>('a---------d---------------------------------', { a: ticker('a', 1), d: drop });
      const h = harness(again, socket, () => cold('r|', { r: ticker('r', 5) }), { gracePeriodMs: 100, staleAfterMs: 1_000 });
      h.subscribe(0, 5);
      const late = h.subscribe(30, 45); // within the grace period, socket down since 10
      flush();
      expect(late).toEqual(['30:a', '30:r']);
    });
  });

  it('should serve REST after a failed sync and sync again only after recoverAfterMs', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, cold, flush }) => {
      const socket = hot<StreamEvent>('a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s-t-u-v-w-x-y-z', Object.fromEntries(
        [...'abcdefghijklmnopqrstuvwxyz'].map((name, i) => [name, ticker(name, 100 + i)]),
      ));
      let syncs = 0;
      // The first sync fails with a retryable error on its first wire event; later ones pass values on.
      const primary: OperatorFunction<Ticker, Ticker> = (wire$) => {
        syncs += 1;
        const attempt = syncs;
        return wire$.pipe(map((value) => {
          if (attempt === 1) throw new ConnectionError('snapshot unreachable', { exchange: 'upbit' });
          return value;
        }));
      };
      const h = harness(scheduler, socket, () => cold('R|', { R: ticker('REST', 50) }), { recoverAfterMs: 30, staleAfterMs: 1_000 }, primary);
      const seen = h.subscribe(0, 60);
      flush();
      // a fails the first sync at 0: REST at once (polled again at 20), wire events ignored until 30,
      // the sync restarts with p (30) and the socket serves from then on (polling stops).
      expect(seen.slice(0, 5)).toEqual(['0:REST', '20:REST', '30:p', '32:q', '34:r']);
      expect(seen.filter((entry) => entry.endsWith(':REST'))).toHaveLength(2);
      expect(syncs).toBe(2);
    });
  });

  it('should error its subscribers when the socket cannot be opened at all', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, cold, flush }) => {
      const h = harness(scheduler, hot<StreamEvent>('-'), () => cold('|'), {}, identity, () => {
        throw new Error('no public streams');
      });
      const seen = h.subscribe(0);
      flush();
      expect(seen).toEqual(['0:error Error']);
      expect(h.stops).toEqual([0]);
    });
  });

  it('should hold the socket values after an outage until the bridge request filled the gap, in order', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, cold, flush }) => {
      const socket = hot<StreamEvent>('a----D------------------------cd---', { a: ticker('a', 1), D: drop, c: ticker('c', 10), d: ticker('d', 11) });
      let bridges = 0;
      const h = harness(scheduler, socket, () => cold('|'), { staleAfterMs: 1_000 }, identity, undefined, () => {
        bridges += 1;
        return cold('--b|', { b: ticker('b', 8) });
      });
      const seen = h.subscribe(0, 60);
      flush();
      // c at 30 ends the outage: held while the bridge runs (30-33); b fills the gap at 32, then c and d
      // (which came at 31) go out when the bridge completes at 33.
      expect(seen).toEqual(['0:a', '32:b', '33:c', '33:d']);
      expect(bridges).toBe(1);
    });
  });
});
