/**
 * One hot market-data stream, composed from the library's exported operators: the marble specs of
 * `fallbackSwitch`, `staleAfter` and `cacheReplay` prove what a stream's subscribers receive.
 *
 * ```
 * SocketEvents: the stream's socket events (its kind's values, through the kind's `primary` such as
 *               syncOrderBook; an outage marker when the socket drops or a diff-book sync fails)
 *   → fallbackSwitch({ fallback: REST polling while anyone listens, isOutage, clock: the hub's sweep,
 *                      bridge, isNewer: kind.follows })
 *   → Values: unwrap, count the source, keep the latest value for `hub.latest`
 *   → kind.post (flagClosedCandles)
 *   → cacheReplay({ ttlMs: replayTtlMs, resetOnRefCountZeroDelayMs: gracePeriodMs })
 * ```
 *
 * What the hand-written stream this replaces did differently from the operators became operator options
 * or composition: silence is checked on the hub's single sweep clock (`clock`: a switch to REST comes up
 * to one sweep period after `staleAfterMs`) rather than by a timer per stream; the socket subscription
 * stays open through outages, which reach `fallbackSwitch` in-band (`isOutage`), so the first socket value
 * after a reconnect is taken at once; after a failed diff-book sync the socket events are ignored for
 * `recoverAfterMs` before syncing again (REST serves meanwhile); after an outage, trades wait for one REST
 * request of recent trades (`bridge`); a stream in its grace period (no subscriber) does not poll REST
 * (the poll `switchMap`s over the stream's subscriber signal). Diff books (`syncOrderBook`) and candle close
 * flags (`flagClosedCandles`) run only for the streams that need them.
 *
 * Memory (`npm run bench -- stream-memory`, 200 ticker markets): the operators keep a subscription's state
 * in one object, a kind's operators are built once per hub and shared by its streams (their configs name
 * no stream), and internal subscriptions go through {@link Relay}. A ticker stream holds its last ticker
 * packed (`cacheReplay`'s `packer`: its twelve `Big`s as small integers, ~0.7 KB instead of ~2.3 KB) and
 * only its timestamp in `fallbackSwitch` (`keep`): about 2.9 KB per market in all (the same chain built
 * naively: about 7 KB; the hand-written object it replaced: 3.7 KB). The packing waits for the end of
 * the task the value came in ({@link LastValue}), so of a burst of frames only the last is packed.
 */
import { catchError, distinctUntilChanged, EMPTY, exhaustMap, Observable, Subject, switchMap, throwError, timer } from 'rxjs';
import type { MonoTypeOperatorFunction, Observer, OperatorFunction, SchedulerLike, Subscribable, Subscriber, Subscription as RxSubscription, Unsubscribable } from 'rxjs';
import { cacheReplay, type ReplayPacker } from '../../operators/cacheReplay.js';
import { fallbackSwitch, type FallbackValue } from '../../operators/fallbackSwitch.js';
import { JoinedObservable } from '../core/joined-observable.js';
import { Relay } from '../core/relay.js';
import { isRetryableError } from '../errors/index.js';
import type { Subscription } from '../core/exchange-adapter.js';
import type { MarketEvent } from '../model/market-event.js';
import type { EventSink, StreamEvent } from '../transport/ws/ws-router.js';
import { LastValue, SlotPacker } from './last-value.js';
import { Signal } from './signal.js';

/** Where a stream's value came from. */
export type HotSource = 'ws' | 'rest';

/**
 * What a kind of stream does (ticker, trades, order books, candles), shared by every stream of that kind
 * in a hub: the functions take the stream's subscription, so a stream holds no closures of its own.
 */
export interface HotStreamKind<W extends MarketEvent, T extends MarketEvent, R, K = T> {
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
  /** `true` when `value` may follow `last`, what `keep` kept of the last value (never older; trades: a newer id). */
  follows(value: T, last: K): boolean;
  /** What of each value `follows` reads (tickers: the timestamp), so the stream does not hold the value for it. @default the value */
  readonly keep?: ((value: T) => K) | undefined;
  /**
   * Packs the value a stream keeps for replay and for `hub.latest` (tickers: their `Big`s as numbers);
   * only for kinds without `post`. @default kept as is
   */
  readonly packer?: ReplayPacker<T, unknown> | undefined;
  /** A new operator turning emitted values into what subscribers get (candle close flags); leave it out when `R` is `T`. */
  readonly post?: (() => OperatorFunction<T, R>) | undefined;
}

/** What a {@link HotStream} needs from its hub, fixed for the life of the stream. */
export interface HotStreamSpec<W extends MarketEvent, T extends MarketEvent, R, K = T> {
  /** The stream's key in its hub. */
  readonly key: string;
  /** The stream's own subscription (with its depth or interval), handed to the kind's functions. */
  readonly subscription: Subscription;
  /** The subscription the socket carries for this stream (diff books: one per market, whatever the depth). */
  readonly socket: Subscription;
  /** `subscriptionKey(socket)`: the same string as `key` when `socket` is the stream's subscription. */
  readonly socketKey: string;
  readonly kind: HotStreamKind<W, T, R, K>;
  /** Told of each value emitted and of the stream stopping; one object for all of a hub's streams. */
  readonly owner: HotStreamOwner;
}

/** The hub side of a {@link HotStream}: shared by every stream, so a stream holds no callbacks of its own. */
export interface HotStreamOwner {
  /** A value was emitted from `source` on a stream of `channel` (counters). */
  counted(source: HotSource, channel: Subscription['channel']): void;
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
  /** Ticks of the hub's sweep, on which silence is checked. @default a clock of the stream's own, ticked by {@link HotStream.sweep} */
  readonly clock?: Subscribable<unknown> | undefined;
}

/** The in-band marker of an outage: the socket dropped, or a diff-book sync failed. */
interface Outage {
  readonly type: 'outage';
}

const OUTAGE: Outage = { type: 'outage' };

function isOutage<T>(value: T | Outage): value is Outage {
  return value === OUTAGE;
}

/**
 * A hot stream: ref-counted, replaying, switching between the socket and REST polling, built as a
 * `pipe()` of `fallbackSwitch` and `cacheReplay` (see the file comment).
 *
 * @example
 * ```ts
 * const stream = new HotStream(spec, timings);
 * const values$ = new Observable((subscriber) => stream.attach(subscriber));
 * ```
 */
export class HotStream<W extends MarketEvent, T extends MarketEvent, R = T, K = T> {
  readonly #spec: HotStreamSpec<W, T, R, K>;
  readonly #values$: Observable<R>;
  /** Whether the stream has subscribers: REST polling waits for one. */
  readonly #watched = new Signal(true, false);
  #watchers = 0;
  readonly #ownClock: Signal<number> | undefined;
  readonly #packer: SlotPacker<T> | undefined;
  /** The last value emitted, without a packer. */
  #last: T | undefined;
  /** The last value emitted, with a packer (packed at the end of the task it came in). */
  #slot: LastValue<T> | undefined;
  #source: HotSource | undefined;

  constructor(spec: HotStreamSpec<W, T, R, K>, timings: HotStreamTimings) {
    this.#spec = spec;
    const { kind } = spec;
    this.#ownClock = timings.clock === undefined ? new Signal<number>(false) : undefined;
    const operators = timings.clock === undefined ? createOperators(kind, timings, this.#ownClock) : sharedOperators(kind, timings);
    this.#packer = operators.packer;
    const values$ = new Values(this, new SocketEvents(spec, timings, this.#watched).pipe(operators.switch));
    // Without `post`, R is T (the kind's types say so).
    const output$ = kind.post === undefined ? (values$ as unknown as Observable<R>) : values$.pipe(kind.post());
    this.#values$ = output$.pipe(operators.replay as MonoTypeOperatorFunction<R>); // replay is generic in what it caches
  }

  /** The last value emitted, for channel selection. */
  get last(): T | undefined {
    return this.#slot === undefined ? this.#last : this.#slot.get();
  }

  /** Where the last value came from: the socket, or REST polling (the fallback); `undefined` before one. */
  get source(): HotSource | undefined {
    return this.#source;
  }

  /** The stream's subscription (channel, market, depth or interval). */
  get subscription(): Subscription {
    return this.#spec.subscription;
  }

  /** Adds a subscriber (replaying the latest value if fresh); returns its teardown. */
  attach(subscriber: Subscriber<R>): Unsubscribable {
    const subscription = this.#values$.subscribe(subscriber);
    if (++this.#watchers === 1) this.#watched.next(true);
    return new Detach(this, subscription);
  }

  /** Undoes {@link HotStream.attach}: the last subscriber leaving stops REST polling at once. */
  detach(subscription: Unsubscribable): void {
    subscription.unsubscribe();
    if (--this.#watchers === 0) this.#watched.next(false);
  }

  /** Checks the silence of a stream built without a shared `clock` (the hub ticks its clock instead). */
  sweep(now: number): void {
    this.#ownClock?.next(now);
  }

  /** A value the stream emits, from `source`. */
  took({ source, value }: FallbackValue<T>): T {
    const packer = this.#packer;
    if (packer === undefined) this.#last = value;
    else {
      const slot = (this.#slot ??= new LastValue(packer));
      slot.set(value);
      packer.remember(value, slot); // so the replay holds the slot rather than packing again
    }
    this.#source = source === 'primary' ? 'ws' : 'rest';
    this.#spec.owner.counted(this.#source, this.#spec.subscription.channel);
    return value;
  }

  /** The shared subscription ended (grace period over, error, completion): a later subscriber starts afresh. */
  stopped(): void {
    this.#last = undefined;
    this.#source = undefined;
    this.#slot?.clear();
    this.#spec.owner.stopped(this.#spec.key, this);
  }
}

/** The operators every stream of a kind is piped through: its `fallbackSwitch` and its `cacheReplay`. */
interface StreamOperators<T> {
  readonly switch: OperatorFunction<T | Outage, FallbackValue<T>>;
  readonly replay: MonoTypeOperatorFunction<unknown>;
  /** The kind's packer, shared by the replay and the streams' `last`, so each value is packed once. */
  readonly packer: SlotPacker<T> | undefined;
}

/**
 * The operators of a kind in a hub, built once and shared by all its streams: their configs name no
 * stream (the fallback and bridge find their stream in the primary they are handed), so a stream costs
 * no config objects or closures of its own. A kind belongs to one hub, so to one set of timings.
 */
const operatorsByKind = new WeakMap<object, StreamOperators<never>>();

function sharedOperators<W extends MarketEvent, T extends MarketEvent, R, K>(kind: HotStreamKind<W, T, R, K>, timings: HotStreamTimings): StreamOperators<T> {
  let operators = operatorsByKind.get(kind) as StreamOperators<T> | undefined; // stored by this function for this kind's T
  if (operators === undefined) {
    operators = createOperators(kind, timings, timings.clock);
    operatorsByKind.set(kind, operators as unknown as StreamOperators<never>);
  }
  return operators;
}

function createOperators<W extends MarketEvent, T extends MarketEvent, R, K>(kind: HotStreamKind<W, T, R, K>, timings: HotStreamTimings, clock: Subscribable<unknown> | undefined): StreamOperators<T> {
  const { scheduler, staleAfterMs, gracePeriodMs, replayTtlMs } = timings;
  const packer = kind.packer === undefined || kind.post !== undefined ? undefined : new SlotPacker(kind.packer);
  return {
    switch: fallbackSwitch<T, Outage, K>({
      fallback: pollSocket,
      ...(kind.bridge === undefined ? {} : { bridge: bridgeSocket }),
      staleAfterMs,
      ...(clock === undefined ? {} : { clock }),
      isOutage,
      isNewer: kind.follows,
      ...(kind.keep === undefined ? {} : { keep: kind.keep }),
      scheduler,
    }),
    // Without `post` the replayed values are the kind's T.
    replay: cacheReplay({ ttlMs: replayTtlMs, resetOnRefCountZeroDelayMs: gracePeriodMs, replayAfterComplete: false, scheduler, packer }) as MonoTypeOperatorFunction<unknown>,
    packer,
  };
}

/** A subscriber's teardown as one small object; a second call does nothing. */
class Detach implements Unsubscribable {
  readonly #stream: { detach(subscription: Unsubscribable): void };
  #subscription: Unsubscribable | undefined;

  constructor(stream: { detach(subscription: Unsubscribable): void }, subscription: Unsubscribable) {
    this.#stream = stream;
    this.#subscription = subscription;
  }

  unsubscribe(): void {
    const subscription = this.#subscription;
    this.#subscription = undefined;
    if (subscription !== undefined) this.#stream.detach(subscription);
  }
}

/**
 * The socket events of one stream, as the primary of its `fallbackSwitch`: each subscription attaches a
 * {@link WireSink} to the hub's connection. It also makes the stream's REST requests, so the hub hands
 * `fallbackSwitch` one polling function for all streams ({@link pollSocket}) instead of a closure each.
 */
class SocketEvents<W extends MarketEvent, T extends MarketEvent, R, K> extends JoinedObservable<T | Outage> {
  readonly #spec: HotStreamSpec<W, T, R, K>;
  readonly #timings: HotStreamTimings;
  readonly #watched: Signal<boolean>;

  constructor(spec: HotStreamSpec<W, T, R, K>, timings: HotStreamTimings, watched: Signal<boolean>) {
    super();
    this.#spec = spec;
    this.#timings = timings;
    this.#watched = watched;
  }

  join(subscriber: Subscriber<T | Outage>): Unsubscribable {
    return new WireSink(this.#spec, this.#timings, subscriber).open();
  }

  /**
   * One REST round now and every `pollIntervalMs` while the stream has subscribers (none in its grace
   * period: polling starts again at once when one arrives); retryable failures skip a round.
   */
  poll(): Observable<T> {
    const { kind, subscription } = this.#spec;
    const { pollIntervalMs, scheduler } = this.#timings;
    const watched = this.#watched;
    const round = (): Observable<T> => kind.poll(subscription).pipe(catchError((error: unknown) => (isRetryableError(error) ? EMPTY : throwError(() => error))));
    const polls$ = timer(0, pollIntervalMs, scheduler).pipe(exhaustMap(round));
    return new Observable<boolean>((subscriber) => watched.subscribe(subscriber)).pipe(
      distinctUntilChanged(),
      switchMap((on) => (on ? polls$ : EMPTY)),
    );
  }

  /** What the socket may have missed during an outage (the kind's `bridge`). */
  bridge(): Observable<T> {
    const { kind, subscription } = this.#spec;
    return kind.bridge === undefined ? EMPTY : kind.bridge(subscription);
  }
}

/** The fallback of every stream: REST polling of the stream whose socket events `primary$` are. */
function pollSocket<T>(primary$: Observable<T | Outage>): Observable<T> {
  return primary$ instanceof SocketEvents ? primary$.poll() : EMPTY;
}

/** The bridge of every stream whose kind has one. */
function bridgeSocket<T>(primary$: Observable<T | Outage>): Observable<T> {
  return primary$ instanceof SocketEvents ? primary$.bridge() : EMPTY;
}

/**
 * `fallbackSwitch`'s tagged values as the values themselves, counted by source and kept as the stream's
 * latest; the end of the subscription tells the stream it stopped (what `map` and `finalize` would do,
 * without their per-stream closures).
 */
class Values<T extends MarketEvent> extends JoinedObservable<T> {
  readonly #stream: { took(tagged: FallbackValue<T>): T; stopped(): void };
  readonly #switched$: Observable<FallbackValue<T>>;

  constructor(stream: { took(tagged: FallbackValue<T>): T; stopped(): void }, switched$: Observable<FallbackValue<T>>) {
    super();
    this.#stream = stream;
    this.#switched$ = switched$;
  }

  join(subscriber: Subscriber<T>): Unsubscribable {
    const link = new ValuesLink(this.#stream, subscriber);
    link.source = this.#switched$.subscribe(new Relay(link));
    return link;
  }
}

/** One subscription of {@link Values}. */
class ValuesLink<T extends MarketEvent> implements Observer<FallbackValue<T>>, Unsubscribable {
  readonly #stream: { took(tagged: FallbackValue<T>): T; stopped(): void };
  readonly #subscriber: Subscriber<T>;
  source: Unsubscribable | undefined;

  constructor(stream: { took(tagged: FallbackValue<T>): T; stopped(): void }, subscriber: Subscriber<T>) {
    this.#stream = stream;
    this.#subscriber = subscriber;
  }

  next(tagged: FallbackValue<T>): void {
    this.#subscriber.next(this.#stream.took(tagged));
  }

  error(error: unknown): void {
    this.#subscriber.error(error);
  }

  complete(): void {
    this.#subscriber.complete();
  }

  unsubscribe(): void {
    this.source?.unsubscribe();
    this.#stream.stopped();
  }
}

/**
 * The socket side of one stream while it is subscribed: attached to the hub's connection, it passes the
 * kind's values on (through the kind's `primary`, e.g. a diff-book sync) and turns a drop or a failed sync
 * into an outage marker. After a failed sync, socket events are ignored for `recoverAfterMs`, so the
 * snapshot endpoint is not hammered.
 */
class WireSink<W extends MarketEvent, T extends MarketEvent, R, K> implements EventSink, Unsubscribable {
  readonly #spec: HotStreamSpec<W, T, R, K>;
  readonly #timings: HotStreamTimings;
  readonly #subscriber: Subscriber<T | Outage>;
  #wire$: Subject<W> | undefined;
  #wireSubscription: RxSubscription | undefined;
  #blockedUntil = 0;
  #closed = false;

  constructor(spec: HotStreamSpec<W, T, R, K>, timings: HotStreamTimings, subscriber: Subscriber<T | Outage>) {
    this.#spec = spec;
    this.#timings = timings;
    this.#subscriber = subscriber;
  }

  /** Attaches to the connection; an exchange without public streams errors the stream. */
  open(): Unsubscribable {
    try {
      this.#spec.owner.open(this.#spec.socket, this.#spec.socketKey, this);
    } catch (error: unknown) {
      this.#subscriber.error(error);
    }
    return this;
  }

  next(event: StreamEvent): void {
    if (this.#closed) return; // detached while the connection was routing this event
    if (event.type === 'status') {
      if (event.status !== 'disconnect') return;
      this.#resetWire();
      this.#subscriber.next(OUTAGE);
      return;
    }
    const { kind, subscription } = this.#spec;
    if (!kind.isWire(event, subscription)) return;
    const primary = kind.primary;
    if (primary === undefined) {
      this.#subscriber.next(event as unknown as T); // no primary: W is T (the kind's types say so)
      return;
    }
    this.#wire$ ??= this.#startWire(primary);
    this.#wire$?.next(event);
  }

  error(error: unknown): void {
    this.#subscriber.error(error);
  }

  complete(): void {
    this.#subscriber.complete();
  }

  unsubscribe(): void {
    this.#closed = true;
    this.#resetWire();
    this.#spec.owner.close(this.#spec.socket, this.#spec.socketKey, this);
  }

  #startWire(primary: (subscription: Subscription) => OperatorFunction<W, T>): Subject<W> | undefined {
    const { scheduler, recoverAfterMs } = this.#timings;
    if (scheduler.now() < this.#blockedUntil) return undefined;
    const wire$ = new Subject<W>();
    this.#wireSubscription = wire$.pipe(primary(this.#spec.subscription)).subscribe({
      next: (value) => this.#subscriber.next(value),
      error: (error: unknown) => {
        if (!isRetryableError(error)) return this.#subscriber.error(error);
        // The sync failed (snapshot unreachable, rate limited): REST serves, syncing waits a while.
        this.#resetWire();
        this.#blockedUntil = scheduler.now() + recoverAfterMs;
        this.#subscriber.next(OUTAGE);
      },
    });
    return wire$;
  }

  #resetWire(): void {
    this.#wireSubscription?.unsubscribe();
    this.#wireSubscription = undefined;
    this.#wire$ = undefined;
  }
}
