import { asyncScheduler } from 'rxjs';
import type { MonoTypeOperatorFunction, Observable, SchedulerLike, Subscriber, Unsubscribable } from 'rxjs';
import { JoinedObservable } from '../src/core/joined-observable.js';
import { Relay } from '../src/core/relay.js';

/**
 * How {@link cacheReplay} keeps its last value: packed into something smaller while it waits to be
 * replayed, given back (an equal value) when it is.
 */
export interface ReplayPacker<T, P> {
  pack(value: T): P;
  unpack(packed: P): T;
}

/** Configuration of {@link cacheReplay}: `P` is how the last value is kept (see `packer`). */
export interface CacheReplayConfig<T = unknown, P = T> {
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
   * Keeps the last value packed (`pack` runs on every value) and replays `unpack` of it: late subscribers
   * get an equal value rather than the same object. For streams held by the hundred whose values are
   * large (a ticker's dozen `Big`s: `DecimalPacker` keeps them in a sixth of the heap). @default kept as is
   */
  readonly packer?: ReplayPacker<T, P>;
}

/**
 * Multicasts the source and replays its last value to late subscribers while it is younger than `ttlMs`.
 *
 * `shareReplay(1)` would hand a subscriber arriving ten minutes after the socket went quiet a ten-minute-old
 * ticker as if it were current. `cacheReplay` behaves as `share()` whose connector keeps only the last
 * value and its arrival time (a `ReplaySubject(1, ttlMs, scheduler)` without its per-value buffer
 * trimming), kept in one small object per stream: the value expires `ttlMs` after it arrived. With `refCount` the source is unsubscribed when the
 * last subscriber leaves, optionally after a grace delay so a quick re-subscribe (a page switch) keeps the
 * connection. An error resets the cache (the next subscriber re-subscribes the source). A completed source
 * keeps serving its cache (fresh value, then completion) for `ttlMs` after completing and then resets, so
 * a one-shot REST request piped through `cacheReplay` is a TTL cache.
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
export function cacheReplay<T, P = T>(config: CacheReplayConfig<T, P>): MonoTypeOperatorFunction<T> {
  const { ttlMs, refCount = true, resetOnRefCountZeroDelayMs = 0, replayAfterComplete = true, scheduler = asyncScheduler, packer } = config;
  const settings: ReplaySettings<T, P> = { ttlMs, refCount, graceMs: resetOnRefCountZeroDelayMs, replayAfterComplete, scheduler, packer };
  return (source) => new ReplayedStream(source, settings);
}

/** The settings of one `cacheReplay(config)`, shared by every stream it is applied to. */
interface ReplaySettings<T, P> {
  readonly ttlMs: number;
  readonly refCount: boolean;
  readonly graceMs: number;
  readonly replayAfterComplete: boolean;
  readonly scheduler: SchedulerLike;
  readonly packer: ReplayPacker<T, P> | undefined;
}

/**
 * What `cacheReplay` returns: `share()` with a connector keeping one value, written as one object per
 * stream (its subscribers, the source subscription, the last value and its time) rather than share's
 * closures and subject, because hot streams are held by the hundred (`npm run bench -- stream-memory`).
 */
class ReplayedStream<T, P> extends JoinedObservable<T> {
  readonly #source: Observable<T>;
  readonly #settings: ReplaySettings<T, P>;
  /**
   * The one subscriber (nearly always: no array at all), or several in an array replaced, never mutated,
   * so a delivery loop can walk it while subscribers leave.
   */
  #subscribers: Subscriber<T> | readonly Subscriber<T>[] | undefined;
  #connection: Unsubscribable | undefined;
  /** Bumped by every reset, so a connection that ended while being made is not kept. */
  #generation = 0;
  #has = false;
  /** The last value: packed when there is a packer, else the value itself. */
  #value: P | T | undefined;
  #at = 0;
  /** The source completed and the cache still serves (`replayAfterComplete`). */
  #completed = false;
  /** The grace delay, or the cache's life after completion. */
  #timer: Unsubscribable | undefined;

  constructor(source: Observable<T>, settings: ReplaySettings<T, P>) {
    super();
    this.#source = source;
    this.#settings = settings;
  }

  /** Adds a subscriber: replays a fresh value, connects the source on the first one. */
  join(subscriber: Subscriber<T>): Unsubscribable | undefined {
    const fresh = this.#has && (this.#settings.ttlMs === Infinity || this.#settings.scheduler.now() - this.#at < this.#settings.ttlMs);
    if (this.#completed) {
      if (fresh) subscriber.next(this.#cached());
      subscriber.complete();
      return undefined;
    }
    if (this.#timer !== undefined) this.#cancelTimer();
    const subscribers = this.#subscribers;
    this.#subscribers = subscribers === undefined ? subscriber : isSeveral(subscribers) ? [...subscribers, subscriber] : [subscribers, subscriber];
    if (fresh) subscriber.next(this.#cached());
    if (this.#connection === undefined) this.#connect();
    return new Leave(this, subscriber);
  }

  leave(subscriber: Subscriber<T>): void {
    const subscribers = this.#subscribers;
    if (subscribers === undefined) return;
    if (isSeveral(subscribers)) {
      if (!subscribers.includes(subscriber)) return;
      const left = subscribers.filter((s) => s !== subscriber);
      this.#subscribers = left.length === 0 ? undefined : left.length === 1 ? left[0] : left;
    } else if (subscribers === subscriber) this.#subscribers = undefined;
    else return;
    const { refCount, graceMs, scheduler } = this.#settings;
    if (this.#subscribers !== undefined || !refCount || graceMs === Infinity) return;
    if (graceMs > 0) this.#timer = scheduler.schedule(() => this.#reset(), graceMs);
    else this.#reset();
  }

  next(value: T): void {
    const packer = this.#settings.packer;
    this.#has = true;
    this.#value = packer === undefined ? value : packer.pack(value);
    if (this.#settings.ttlMs !== Infinity) this.#at = this.#settings.scheduler.now();
    const subscribers = this.#subscribers;
    if (subscribers === undefined) return;
    if (!isSeveral(subscribers)) subscribers.next(value);
    else for (let i = 0; i < subscribers.length; i++) subscribers[i]!.next(value);
  }

  error(error: unknown): void {
    const subscribers = this.#end();
    this.#reset();
    for (const subscriber of subscribers) subscriber.error(error);
  }

  complete(): void {
    const subscribers = this.#end();
    const { replayAfterComplete, ttlMs, scheduler } = this.#settings;
    if (!replayAfterComplete) this.#reset();
    else {
      this.#completed = true;
      this.#connection = undefined;
      this.#generation++;
      if (ttlMs !== Infinity) this.#timer = scheduler.schedule(() => this.#reset(), ttlMs);
    }
    for (const subscriber of subscribers) subscriber.complete();
  }

  /** The cached value as it came (unpacked). */
  #cached(): T {
    const packer = this.#settings.packer;
    // Set by next(): packed by this packer, or the value itself without one.
    return packer === undefined ? (this.#value as T) : packer.unpack(this.#value as P);
  }

  #connect(): void {
    const generation = this.#generation;
    const connection = this.#source.subscribe(new Relay(this));
    if (generation === this.#generation) this.#connection = connection;
  }

  /** Takes the subscribers away for a final notification. */
  #end(): readonly Subscriber<T>[] {
    const subscribers = this.#subscribers;
    this.#subscribers = undefined;
    return subscribers === undefined ? [] : isSeveral(subscribers) ? subscribers : [subscribers];
  }

  #cancelTimer(): void {
    this.#timer?.unsubscribe();
    this.#timer = undefined;
  }

  /** Forgets the source and the cache: the next subscriber starts afresh. */
  #reset(): void {
    this.#cancelTimer();
    this.#generation++;
    const connection = this.#connection;
    this.#connection = undefined;
    this.#has = false;
    this.#value = undefined;
    this.#completed = false;
    connection?.unsubscribe();
  }
}

function isSeveral<T>(subscribers: Subscriber<T> | readonly Subscriber<T>[]): subscribers is readonly Subscriber<T>[] {
  return Array.isArray(subscribers);
}

/** A subscriber's teardown as one small object (a closure and its context cost twice the heap). */
class Leave<T> implements Unsubscribable {
  readonly #stream: { leave(subscriber: Subscriber<T>): void };
  readonly #subscriber: Subscriber<T>;

  constructor(stream: { leave(subscriber: Subscriber<T>): void }, subscriber: Subscriber<T>) {
    this.#stream = stream;
    this.#subscriber = subscriber;
  }

  unsubscribe(): void {
    this.#stream.leave(this.#subscriber);
  }
}
