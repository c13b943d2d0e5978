import { asyncScheduler, Observable, share, Subject, timer } from 'rxjs';
import type { MonoTypeOperatorFunction, Observer, SchedulerLike, SubjectLike, Unsubscribable } from 'rxjs';

/** Configuration of {@link cacheReplay}. */
export interface CacheReplayConfig {
  /**
   * How long the last value stays replayable, in ms of scheduler time. A late subscriber gets it only
   * while it is younger than `ttlMs` (a value of age exactly `ttlMs` is expired). `Infinity` = forever.
   */
  readonly ttlMs: number;
  /** Unsubscribe from the source when the last subscriber leaves (after the grace delay). @default true */
  readonly refCount?: boolean;
  /**
   * Grace delay, in ms, between the last subscriber leaving and the source being unsubscribed; a
   * subscriber arriving within it reuses the live connection and the cache. Only with `refCount`.
   * @default 0
   */
  readonly resetOnRefCountZeroDelayMs?: number;
  /**
   * Keep serving the cache for `ttlMs` after the source completes (a one-shot REST request becomes a TTL
   * cache). `false` resets at once on completion: right for streams that complete only when closed,
   * and it leaves no timer behind that would keep a process alive. @default true
   */
  readonly replayAfterComplete?: boolean;
  /** Scheduler that stamps values for the TTL and runs the grace timer. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /**
   * Told the number of subscribers each time it changes, after a new subscriber got its replay: lets work
   * upstream pause while nobody listens during the grace delay (`fallbackSwitch`'s `active$`). @default undefined
   */
  readonly onRefCount?: (count: number) => void;
}

/**
 * Multicasts the source and replays its last value to late subscribers while it is younger than `ttlMs`.
 *
 * `shareReplay(1)` would hand a subscriber arriving ten minutes after the socket went quiet a ten-minute-old
 * ticker as if it were current. `cacheReplay` is `share()` whose connector keeps only the last value and
 * its arrival time (the behaviour of a `ReplaySubject(1, ttlMs, scheduler)`, without its per-value buffer
 * trimming): the value expires `ttlMs` after it arrived. With `refCount` the source is unsubscribed when the
 * last subscriber leaves, optionally after a grace delay so a quick re-subscribe (a page switch) keeps the
 * connection. An error resets the cache (the next subscriber re-subscribes the source). A completed source
 * keeps serving its cache (fresh value, then completion) for `ttlMs` after completing and then resets, so
 * a one-shot REST request piped through `cacheReplay` is a TTL cache. `onRefCount` tells upstream work
 * whether anyone listens (a source kept through the grace delay need not poll for nobody).
 *
 * ```
 * source:                      --a---------------
 * cacheReplay({ ttlMs: 5 }):   --a---------------
 * subscriber at frame 4:           a-------------   (age 2 < 5: replayed)
 * subscriber at frame 8:               ----------   (age 6: expired)
 * ```
 *
 * @example
 * ```ts
 * import { cacheReplay } from 'market-data-backbone/operators';
 * const ticker$ = wsTicker$.pipe(cacheReplay({ ttlMs: 5_000, resetOnRefCountZeroDelayMs: 10_000 }));
 * ticker$.subscribe(render); // later subscribers get the last ticker at once if it is < 5 s old
 * ```
 * @param config TTL, ref-counting, grace delay and scheduler.
 * @returns An operator that shares one subscription of the source with a TTL-bounded replay of one value.
 * @see {@link staleAfter} to detect a source that went quiet.
 */
export function cacheReplay<T>(config: CacheReplayConfig): MonoTypeOperatorFunction<T> {
  const { ttlMs, refCount = true, resetOnRefCountZeroDelayMs = 0, replayAfterComplete = true, scheduler = asyncScheduler, onRefCount } = config;
  // A timer of Infinity would fire at once (setTimeout clamps it), so "keep forever" means "never reset".
  const after = (ms: number): (() => Observable<0>) | false => (ms === Infinity ? false : () => timer(ms, scheduler));

  const shared = share<T>({
    connector: () => latestValueSubject<T>(ttlMs, scheduler),
    resetOnError: true,
    resetOnComplete: replayAfterComplete ? after(ttlMs) : true,
    resetOnRefCountZero: refCount && (resetOnRefCountZeroDelayMs > 0 ? after(resetOnRefCountZeroDelayMs) : true),
  });
  if (onRefCount === undefined) return shared;
  return (source) => {
    const shared$ = shared(source);
    let count = 0;
    return new Observable<T>((subscriber) => {
      const subscription = shared$.subscribe(subscriber);
      onRefCount(++count);
      return () => {
        subscription.unsubscribe();
        onRefCount(--count);
      };
    });
  };
}

/**
 * A subject that replays its last value while it is younger than `ttlMs` (age exactly `ttlMs` is
 * expired), then, once stopped, its error or completion. Stores one value and one time stamp; the clock
 * is read only when a value arrives (and only for a finite TTL) and when someone subscribes.
 */
function latestValueSubject<T>(ttlMs: number, scheduler: SchedulerLike): SubjectLike<T> {
  const subject = new Subject<T>();
  let has = false;
  let last: T | undefined;
  let at = 0;
  let stopped = false;
  const fresh = (): boolean => has && (ttlMs === Infinity || scheduler.now() - at < ttlMs);
  return {
    next: (value: T): void => {
      if (stopped) return;
      has = true;
      last = value;
      if (ttlMs !== Infinity) at = scheduler.now();
      subject.next(value);
    },
    error: (error: unknown): void => {
      stopped = true;
      subject.error(error);
    },
    complete: (): void => {
      stopped = true;
      subject.complete();
    },
    subscribe: (observer: Partial<Observer<T>>): Unsubscribable =>
      new Observable<T>((subscriber) => {
        // Like ReplaySubject: a live subject adds the subscriber first, a stopped one replays before it ends.
        const replay = fresh();
        if (stopped) {
          if (replay) subscriber.next(last as T);
          return subject.subscribe(subscriber);
        }
        const subscription = subject.subscribe(subscriber);
        if (replay) subscriber.next(last as T);
        return subscription;
      }).subscribe(observer),
  };
}
