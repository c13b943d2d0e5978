/**
 * One hot market-data stream without a per-stream operator chain: the state of what `fallbackSwitch`,
 * `cacheReplay` and `dedupeBy` do for a single stream, kept in one small object.
 *
 * Why not compose those operators per stream: the composed chain (subject, keeper, tap, filter,
 * fallbackSwitch with its staleAfter timer, map, tap, share with its replay subject) measured about
 * 16 KB of heap per subscribed market (`npm run bench -- stream-memory`), several times the ticker it
 * carries. The operators stay the public building blocks (each with its marble spec); the hub keeps
 * their contracts in this class: a value older than the last one emitted is never emitted, REST polling
 * serves the stream while the socket is down or the stream is silent, the latest value is replayed to
 * late subscribers while younger than a TTL, and the socket subscription lives from the first subscriber
 * to `gracePeriodMs` after the last one. Diff order books and candle close flags, which need real
 * state, still run through their operators (`syncOrderBook`, `flagClosedCandles`), only for the streams
 * that need them.
 *
 * Differences from the operators, on purpose: silence is found by the hub's single sweep timer, so the
 * switch to REST comes up to one sweep period (`staleAfterMs / 4`, at most 1 s) after `staleAfterMs`
 * rather than exactly at it; the socket subscription stays open through outages, so the stream takes the
 * first socket value after a reconnect at once (no `recoverAfter` wait), except after a failed diff-book
 * sync, which waits `recoverAfterMs` before syncing again; a stream in its grace period (no subscriber)
 * does not poll REST.
 */
import { catchError, EMPTY, exhaustMap, Subject, throwError, timer } from 'rxjs';
import type { Observable, OperatorFunction, SchedulerLike, Subscriber, Subscription as RxSubscription, Unsubscribable } from 'rxjs';
import { isRetryableError } from '../errors/index.js';
import type { Subscription } from '../core/exchange-adapter.js';
import type { MarketEvent } from '../model/market-event.js';
import type { EventSink, StreamEvent } from '../transport/ws/ws-router.js';

/** Where a stream's value came from. */
export type HotSource = 'ws' | 'rest';

/**
 * What a kind of stream does (ticker, trades, order books, candles), shared by every stream of that kind
 * in a hub: the functions take the stream's subscription, so a stream holds no closures of its own.
 */
export interface HotStreamKind<W extends MarketEvent, T extends MarketEvent, R> {
  /** `true` for the socket events a stream of `subscription` reads. */
  isWire(event: StreamEvent, subscription: Subscription): event is W;
  /**
   * Turns wire events into values (diff books are synced here); a new operator after every drop.
   * Leave it out when wire events are the values (`W` is `T`): that costs nothing per stream.
   */
  readonly primary?: ((subscription: Subscription) => OperatorFunction<W, T>) | undefined;
  /** One REST round of the fallback (emits zero or more values, then completes). */
  poll(subscription: Subscription): Observable<T>;
  /**
   * What the socket may have missed during an outage (trades: the recent REST trades). When the socket
   * delivers again after a drop or silence, its values are held back until this completes, so values
   * between the last REST poll and the first socket value are emitted, in order, before it. @default none
   */
  readonly bridge?: ((subscription: Subscription) => Observable<T>) | undefined;
  /** `true` when `value` may follow `last` (never older; trades: a newer id). */
  follows(value: T, last: T): boolean;
  /** A new operator turning emitted values into what subscribers get (candle close flags); leave it out when `R` is `T`. */
  readonly post?: (() => OperatorFunction<T, R>) | undefined;
}

/** What a {@link HotStream} needs from its hub, fixed for the life of the stream. */
export interface HotStreamSpec<W extends MarketEvent, T extends MarketEvent, R> {
  /** The stream's key in its hub. */
  readonly key: string;
  /** The stream's own subscription (with its depth or interval), handed to the kind's functions. */
  readonly subscription: Subscription;
  /** The subscription the socket carries for this stream (diff books: one per market, whatever the depth). */
  readonly socket: Subscription;
  /** `subscriptionKey(socket)`: the same string as `key` when `socket` is the stream's subscription. */
  readonly socketKey: string;
  readonly kind: HotStreamKind<W, T, R>;
  /** Told of each value emitted and of the stream stopping; one object for all of a hub's streams. */
  readonly owner: HotStreamOwner;
}

/** The hub side of a {@link HotStream}: shared by every stream, so a stream holds no callbacks of its own. */
export interface HotStreamOwner {
  /** A value was emitted from `source` (counters). */
  counted(source: HotSource): void;
  /** The stream of `key` stopped (last subscriber gone after the grace period, error, completion). */
  stopped(key: string, stream: object): void;
  /**
   * Attaches `sink` to the `socket` subscription of the hub's connection: events of `socket` plus status
   * events. Throws when the exchange has no public socket.
   */
  open(socket: Subscription, socketKey: string, sink: EventSink): void;
  /** Undoes {@link HotStreamOwner.open}; a no-op when `sink` is not attached. */
  close(socket: Subscription, socketKey: string, sink: EventSink): void;
}

/** Timings of a {@link HotStream}. */
export interface HotStreamTimings {
  readonly staleAfterMs: number;
  readonly pollIntervalMs: number;
  readonly gracePeriodMs: number;
  readonly replayTtlMs: number;
  /** After a failed diff-book sync, how long REST serves before syncing from the socket again. */
  readonly recoverAfterMs: number;
  readonly scheduler: SchedulerLike;
}

/**
 * A hot stream: ref-counted, replaying, switching between the socket and REST polling.
 *
 * @example
 * ```ts
 * const stream = new HotStream(spec, timings);
 * const values$ = new Observable((subscriber) => stream.attach(subscriber));
 * ```
 */
export class HotStream<W extends MarketEvent, T extends MarketEvent, R = T> implements EventSink {
  readonly #spec: HotStreamSpec<W, T, R>;
  readonly #timings: HotStreamTimings;
  #subscribers: Subscriber<R>[] = [];
  #running = false;
  #wire$: Subject<W> | undefined;
  #wireSubscription: RxSubscription | undefined;
  #post$: Subject<T> | undefined;
  #postSubscription: RxSubscription | undefined;
  #poller: RxSubscription | undefined;
  #grace: RxSubscription | undefined;
  #last: T | undefined;
  #hasOutput = false;
  #output: R | undefined;
  #outputAt = 0;
  /** Time of the value being passed through `post`. */
  #postAt = 0;
  /** Wire events are ignored until then (after a failed sync), so the snapshot endpoint is not hammered. */
  #wireBlockedUntil = 0;
  /** The socket dropped and has not delivered since: a subscriber arriving now needs REST at once. */
  #down = false;
  /** Socket values held back while the bridge request after an outage runs. */
  #held: T[] | undefined;
  #bridge: RxSubscription | undefined;
  /** Scheduler time of the last socket value (or of the start): the sweep compares it with `staleAfterMs`. */
  #primaryAt = 0;

  constructor(spec: HotStreamSpec<W, T, R>, timings: HotStreamTimings) {
    this.#spec = spec;
    this.#timings = timings;
  }

  /** The last value emitted, for channel selection. */
  get last(): T | undefined {
    return this.#last;
  }

  /** Adds a subscriber (replaying the latest value if fresh); returns its teardown. */
  attach(subscriber: Subscriber<R>): Unsubscribable {
    this.#grace?.unsubscribe();
    this.#grace = undefined;
    // Copy on write: #publish iterates the current array while subscribers come and go.
    this.#subscribers = [...this.#subscribers, subscriber];
    if (this.#hasOutput && this.#timings.scheduler.now() - this.#outputAt < this.#timings.replayTtlMs) subscriber.next(this.#output as R);
    if (!this.#running) this.#start();
    else if (this.#down) this.#fallback();
    return new Detach(this, subscriber);
  }

  /** Switches to REST polling when the socket has been silent for `staleAfterMs`; called by the hub's sweep. */
  sweep(now: number): void {
    if (this.#poller === undefined && this.#subscribers.length > 0 && now - this.#primaryAt >= this.#timings.staleAfterMs) this.#fallback();
  }

  #start(): void {
    this.#primaryAt = this.#timings.scheduler.now();
    // Set before attaching, so events delivered synchronously find the stream running.
    this.#running = true;
    try {
      this.#spec.owner.open(this.#spec.socket, this.#spec.socketKey, this);
    } catch (error: unknown) {
      this.fail(error); // e.g. an exchange without public streams
    }
  }

  /** One socket event (the connection calls it: the stream is its own sink). */
  next(event: StreamEvent): void {
    if (!this.#running) return; // detached while the connection was routing this event
    if (event.type === 'status') {
      if (event.status !== 'disconnect') return;
      this.#down = true;
      this.#resetWire();
      this.#fallback();
      return;
    }
    const { kind, subscription } = this.#spec;
    if (!kind.isWire(event, subscription)) return;
    const primary = kind.primary;
    if (primary === undefined) {
      this.#onPrimary(event as unknown as T); // no primary: W is T (the kind's types say so)
      return;
    }
    if (this.#wire$ === undefined) {
      if (this.#timings.scheduler.now() < this.#wireBlockedUntil) return;
      const wire$ = new Subject<W>();
      this.#wire$ = wire$;
      this.#wireSubscription = wire$.pipe(primary(subscription)).subscribe({
        next: (value) => this.#onPrimary(value),
        error: (error: unknown) => {
          if (!isRetryableError(error)) return this.fail(error);
          // The sync failed (snapshot unreachable, rate limited): REST serves, syncing waits a while.
          this.#resetWire();
          this.#wireBlockedUntil = this.#timings.scheduler.now() + this.#timings.recoverAfterMs;
          this.#fallback();
        },
      });
    }
    this.#wire$.next(event);
  }

  #onPrimary(value: T): void {
    const now = this.#timings.scheduler.now();
    this.#primaryAt = now;
    if (this.#held !== undefined) {
      this.#held.push(value);
      return;
    }
    const recovering = this.#down || this.#poller !== undefined;
    this.#down = false;
    if (this.#poller !== undefined) {
      this.#poller.unsubscribe();
      this.#poller = undefined;
    }
    const bridge = this.#spec.kind.bridge;
    if (recovering && bridge !== undefined && this.#last !== undefined) this.#bridgeTo(bridge, value);
    else this.#emit(value, 'ws', now);
  }

  /** Emits what `bridge` finds, then `first` and the socket values that came meanwhile. */
  #bridgeTo(bridge: (subscription: Subscription) => Observable<T>, first: T): void {
    const held = [first];
    this.#held = held;
    const release = (): void => {
      if (this.#held !== held) return; // stopped meanwhile
      this.#held = undefined;
      this.#bridge = undefined;
      const now = this.#timings.scheduler.now();
      for (const value of held) this.#emit(value, 'ws', now);
    };
    // A failed bridge only leaves the gap it tried to fill: the socket values go out all the same.
    const subscription = bridge(this.#spec.subscription).subscribe({ next: (value) => this.#emit(value, 'rest', this.#timings.scheduler.now()), error: release, complete: release });
    if (this.#held === held) this.#bridge = subscription;
  }

  /** REST polling until the socket delivers again (after a drop, a failed sync or silence). */
  #fallback(): void {
    if (this.#poller !== undefined || !this.#running || this.#subscribers.length === 0) return;
    const { pollIntervalMs, scheduler } = this.#timings;
    this.#poller = timer(0, pollIntervalMs, scheduler)
      .pipe(exhaustMap(() => this.#spec.kind.poll(this.#spec.subscription).pipe(catchError((error: unknown) => (isRetryableError(error) ? EMPTY : throwError(() => error))))))
      .subscribe({ next: (value) => this.#emit(value, 'rest', scheduler.now()), error: (error: unknown) => this.fail(error) });
  }

  /** Emits `value` unless it is older than the last one; `at` is now (the caller read the clock once). */
  #emit(value: T, source: HotSource, at: number): void {
    const last = this.#last;
    const { kind, owner } = this.#spec;
    if (last !== undefined && !kind.follows(value, last)) return;
    this.#last = value;
    owner.counted(source);
    const post = kind.post;
    if (post === undefined) {
      this.#publish(value as unknown as R, at); // no post: R is T (the kind's types say so)
      return;
    }
    if (this.#post$ === undefined) {
      const post$ = new Subject<T>();
      this.#post$ = post$;
      // `post` emits synchronously within `next` (flagClosedCandles does), so #postAt is this value's time.
      this.#postSubscription = post$.pipe(post()).subscribe({ next: (out) => this.#publish(out, this.#postAt), error: (error: unknown) => this.fail(error) });
    }
    this.#postAt = at;
    this.#post$.next(value);
  }

  #publish(value: R, at: number): void {
    this.#hasOutput = true;
    this.#output = value;
    this.#outputAt = at;
    const subscribers = this.#subscribers; // replaced, never mutated: safe while subscribers leave
    for (let i = 0; i < subscribers.length; i++) subscribers[i]!.next(value);
  }

  /** Removes a subscriber; the last one leaving starts the grace period. */
  detach(subscriber: Subscriber<R>): void {
    if (!this.#subscribers.includes(subscriber)) return;
    this.#subscribers = this.#subscribers.filter((s) => s !== subscriber);
    if (this.#subscribers.length > 0 || !this.#running) return;
    // Nobody listens during the grace period: keep the socket subscription, not the REST polling.
    this.#poller?.unsubscribe();
    this.#poller = undefined;
    const { gracePeriodMs, scheduler } = this.#timings;
    if (gracePeriodMs > 0) this.#grace = scheduler.schedule(() => this.#stop(), gracePeriodMs);
    else this.#stop();
  }

  #resetWire(): void {
    this.#wireSubscription?.unsubscribe();
    this.#wireSubscription = undefined;
    this.#wire$ = undefined;
  }

  /** Releases everything; a later subscriber starts afresh (no replay of the old value). */
  #stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#subscribers = [];
    this.#grace?.unsubscribe();
    this.#grace = undefined;
    this.#poller?.unsubscribe();
    this.#poller = undefined;
    this.#bridge?.unsubscribe();
    this.#bridge = undefined;
    this.#held = undefined;
    this.#resetWire();
    this.#postSubscription?.unsubscribe();
    this.#postSubscription = undefined;
    this.#post$ = undefined;
    this.#last = undefined;
    this.#hasOutput = false;
    this.#output = undefined;
    this.#wireBlockedUntil = 0;
    this.#down = false;
    this.#spec.owner.close(this.#spec.socket, this.#spec.socketKey, this);
    this.#spec.owner.stopped(this.#spec.key, this);
  }

  /** Ends the stream with an error for every subscriber (a fatal socket or REST failure). */
  fail(error: unknown): void {
    const subscribers = this.#subscribers;
    this.#stop();
    for (const subscriber of subscribers) subscriber.error(error);
  }

  /** The connection failed for good: same as {@link HotStream.fail}. */
  error(error: unknown): void {
    this.fail(error);
  }

  /** Completes every subscriber (the connection closed). */
  complete(): void {
    const subscribers = this.#subscribers;
    this.#stop();
    for (const subscriber of subscribers) subscriber.complete();
  }
}

/** A subscriber's teardown as one small object (a closure and its context cost twice the heap). */
class Detach<R> implements Unsubscribable {
  readonly #stream: { detach(subscriber: Subscriber<R>): void };
  readonly #subscriber: Subscriber<R>;

  constructor(stream: { detach(subscriber: Subscriber<R>): void }, subscriber: Subscriber<R>) {
    this.#stream = stream;
    this.#subscriber = subscriber;
  }

  unsubscribe(): void {
    this.#stream.detach(this.#subscriber);
  }
}
