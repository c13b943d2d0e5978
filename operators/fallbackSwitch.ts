import { asyncScheduler } from 'rxjs';
import type { Observable, Observer, OperatorFunction, SchedulerLike, Subscribable, Subscriber, Unsubscribable } from 'rxjs';
import { JoinedObservable } from '../src/core/joined-observable.js';
import { Relay } from '../src/core/relay.js';
import { isRetryableError } from '../src/errors/index.js';
import type { StaleStreamError } from '../src/errors/index.js';
import { Silence, type SilenceOwner, type SilenceSettings } from '../src/core/silence.js';
import type { staleAfter } from './staleAfter.js';

/** Which stream a {@link fallbackSwitch} value came from: the operator's source, or the fallback. */
export type FallbackSource = 'primary' | 'fallback';

/** A value emitted by {@link fallbackSwitch}, tagged with the stream it came from. */
export interface FallbackValue<T> {
  readonly source: FallbackSource;
  readonly value: T;
}

/** Why {@link fallbackSwitch} changed streams, as passed to `onSwitch`. */
export type FallbackSwitchReason =
  | { readonly kind: 'stale'; readonly error: StaleStreamError }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'outage' }
  | { readonly kind: 'recovered' };

/**
 * Configuration of {@link fallbackSwitch}: `T` is a value, `M` an in-band outage marker the primary may
 * carry besides its values (a socket's `disconnect` event), `K` what is kept of the last emitted value
 * for `isNewer` (see `keep`).
 */
export interface FallbackSwitchConfig<T, M = never, K = T> {
  /**
   * Creates the fallback stream (e.g. REST polling); subscribed only while the primary is down. It is
   * handed the operator's source, so one config can serve many primaries.
   */
  readonly fallback: (primary$: Observable<T | M>) => Observable<T>;
  /** Silence of the primary, in ms, after which the fallback takes over (timer starts at subscription). */
  readonly staleAfterMs: number;
  /**
   * `true` when `candidate` may follow `lastEmitted`; anything else is dropped, whichever stream it came from
   * (a dropped primary value still switches back to the primary: the primary is delivering again).
   * @default compares numeric `timestamp` properties (`candidate.timestamp >= lastEmitted.timestamp`,
   * so equal timestamps pass), else `true`
   */
  readonly isNewer?: (candidate: T, lastEmitted: K) => boolean;
  /**
   * What of each emitted value is kept for `isNewer` (its timestamp, its id) instead of the value itself,
   * so a stream held for a long time does not keep its last value alive; give `isNewer` with it.
   * @default the value itself
   */
  readonly keep?: (value: T) => K;
  /** Delay, in ms, before re-subscribing the primary after a retryable error. @default 1000 */
  readonly recoverAfter?: number;
  /** Which primary errors switch to the fallback; any other error is passed on. @default isRetryableError */
  readonly isRetryable?: (error: unknown) => boolean;
  /** Scheduler for the stale and recovery timers. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Called on every change of stream, before the new stream's first value (logging, metrics). @default undefined */
  readonly onSwitch?: (source: FallbackSource, reason: FallbackSwitchReason) => void;
  /** Ticks that check the primary's silence instead of a timer per subscription (see {@link staleAfter}). @default undefined */
  readonly clock?: Subscribable<unknown>;
  /**
   * Recognizes an outage marker of the primary: it switches to the fallback at once and is not emitted;
   * the primary stays subscribed and its next value switches back (no `recoverAfter` wait). @default none
   */
  readonly isOutage?: (value: T | M) => value is M;
  /**
   * What the primary may have missed while down (recent trades over REST): when the primary delivers
   * again after an outage or silence, its values are held until this completes (or fails), and its own
   * values, tagged `fallback`, go out first. Not used before the first value. @default none
   */
  readonly bridge?: (primary$: Observable<T | M>) => Observable<T>;
}

/**
 * Emits from the primary stream while it is healthy and from a fallback while it is not.
 *
 * Applied to the primary (a WebSocket ticker). When the primary goes silent for `staleAfterMs`, or fails
 * with a retryable error, the fallback (REST polling) is subscribed. A stale primary stays subscribed (a
 * hot socket recovers by itself); an errored one is re-subscribed `recoverAfter` ms later, again after
 * every further error. The first primary value after that unsubscribes the fallback and the output is back
 * on the primary. Values are tagged `{ source, value }` so the caller knows per value where it came from;
 * `isNewer` keeps a source switch from emitting a value older than the last one emitted.
 *
 * A non-retryable primary error (an unknown symbol, a rejected key) is passed on, not hidden behind
 * the fallback: the REST side would fail the same way, and retrying it forever would mask a bug.
 * Errors of the fallback are passed on (wrap it in `retry` to keep polling through them); its completion
 * only ends the fallback. Completion of the primary completes the output.
 *
 * For a primary that stays subscribed through outages (a hot socket) the options say what the socket
 * knows: `isOutage` markers switch at once, `clock` shares one silence check among many streams,
 * and `bridge` fills the gap an outage left before the primary's values resume.
 *
 * ```
 * staleAfterMs: 5                 A = { source: 'primary', value: a }, X = { source: 'fallback', value: x }
 * primary:      --a--b------------c---|
 * fallback():             -x--y--z--           subscribed at 10 (stale), unsubscribed at 18 (c)
 * output:       --A--B-----X--Y--ZC---|
 *
 * recoverAfter: 3; every primary subscription fails (# = ConnectionError) 3 ms after its `a`
 * primary:      --a--#  --a--#  --a-
 * fallback():        -x---   -x---
 * output:       --A---X---A---X---A-
 *
 * isOutage: v => v === 'd'; bridge: () => --b|
 * primary:      --a--d-------c-e--------|
 * fallback():        -x|
 * output:       --A---X--------B(CE)----|      c and e held from 13 until the bridge completes at 16
 * ```
 *
 * @example
 * ```ts
 * import { fallbackSwitch } from 'market-data-backbone/operators';
 * wsTicker$.pipe(
 *   fallbackSwitch({ fallback: () => pollTicker$, staleAfterMs: 10_000, onSwitch: (to, why) => log(to, why.kind) }),
 * ).subscribe(({ source, value }) => render(value, source === 'fallback' ? 'delayed' : 'live'));
 * ```
 * @param config Fallback factory, timings and hooks.
 * @returns An operator from the primary's values to values tagged with their source.
 * @see {@link staleAfter} which detects the silence.
 */
export function fallbackSwitch<T, M = never, K = T>(config: FallbackSwitchConfig<T, M, K>): OperatorFunction<T | M, FallbackValue<T>> {
  const { fallback, staleAfterMs, isNewer = isNotOlder, keep, recoverAfter = 1000, scheduler = asyncScheduler } = config;
  const { isRetryable = isRetryableError, onSwitch, clock, isOutage, bridge } = config;
  const silence: SilenceSettings = { timeoutMs: staleAfterMs, scheduler, clock };
  const settings: SwitchSettings<T, M, K> = { fallback, isNewer, keep, recoverAfter, scheduler, isRetryable, onSwitch, isOutage, bridge, silence };
  return (primary$) => new SwitchedStream(primary$, settings);
}

/** The settings of one `fallbackSwitch(config)`, shared by every primary it is applied to. */
interface SwitchSettings<T, M, K> extends Pick<FallbackSwitchConfig<T, M, K>, 'fallback' | 'onSwitch' | 'isOutage' | 'bridge' | 'keep'> {
  readonly isNewer: (candidate: T, lastEmitted: K) => boolean;
  readonly recoverAfter: number;
  readonly scheduler: SchedulerLike;
  readonly isRetryable: (error: unknown) => boolean;
  /** The primary's silence check, the same as {@link staleAfter}'s. */
  readonly silence: SilenceSettings;
}

/**
 * What `fallbackSwitch` returns: its state lives in one {@link Switcher} per subscription, with methods
 * rather than a closure per handler, because hot streams are held by the hundred.
 */
class SwitchedStream<T, M, K> extends JoinedObservable<FallbackValue<T>> {
  readonly #primary$: Observable<T | M>;
  readonly #settings: SwitchSettings<T, M, K>;

  constructor(primary$: Observable<T | M>, settings: SwitchSettings<T, M, K>) {
    super();
    this.#primary$ = primary$;
    this.#settings = settings;
  }

  join(subscriber: Subscriber<FallbackValue<T>>): Unsubscribable {
    return new Switcher(this.#primary$, this.#settings, subscriber);
  }
}

/** One subscription of `fallbackSwitch`: the primary's observer, and the teardown of everything. */
class Switcher<T, M, K> implements Observer<T | M>, SilenceOwner, Unsubscribable {
  readonly #primary$: Observable<T | M>;
  readonly #settings: SwitchSettings<T, M, K>;
  readonly #subscriber: Subscriber<FallbackValue<T>>;
  #active: FallbackSource = 'primary';
  #hasLast = false;
  /** What `keep` kept of the last emitted value (the value itself without `keep`). */
  #last: K | undefined;
  #primarySub: Unsubscribable | undefined;
  #silence: Silence | undefined;
  #fallbackSub: Unsubscribable | undefined;
  #recoverSub: Unsubscribable | undefined;
  #bridgeSub: Unsubscribable | undefined;
  /** Primary values waiting for the bridge, while it runs. */
  #held: T[] | undefined;

  constructor(primary$: Observable<T | M>, settings: SwitchSettings<T, M, K>, subscriber: Subscriber<FallbackValue<T>>) {
    this.#primary$ = primary$;
    this.#settings = settings;
    this.#subscriber = subscriber;
    this.#subscribePrimary();
  }

  /** A value or an outage marker of the primary. */
  next(value: T | M): void {
    this.#silence?.touch();
    // Inline rather than through #guard: this runs for every value, and a closure per value shows.
    try {
      if (this.#isValue(value)) this.#onPrimary(value);
      else this.#switchTo('fallback', OUTAGE);
    } catch (error: unknown) {
      this.#subscriber.error(error);
    }
  }

  /** The primary was silent for `staleAfterMs`. */
  silent(error: StaleStreamError): void {
    this.#guard(() => this.#switchTo('fallback', { kind: 'stale', error }));
  }

  error(error: unknown): void {
    this.#silence?.unsubscribe();
    this.#guard(() => {
      if (!this.#settings.isRetryable(error)) return this.#subscriber.error(error);
      this.#switchTo('fallback', { kind: 'error', error });
      this.#recoverSub = this.#settings.scheduler.schedule(() => this.#subscribePrimary(), this.#settings.recoverAfter);
    });
  }

  complete(): void {
    this.#subscriber.complete();
  }

  unsubscribe(): void {
    this.#primarySub?.unsubscribe();
    this.#silence?.unsubscribe();
    this.#stopFallback();
    this.#recoverSub?.unsubscribe();
    this.#bridgeSub?.unsubscribe();
  }

  #isValue(value: T | M): value is T {
    return this.#settings.isOutage === undefined || !this.#settings.isOutage(value);
  }

  #subscribePrimary(): void {
    this.#silence = new Silence(this.#settings.silence, this);
    this.#primarySub = this.#primary$.subscribe(new Relay(this));
  }

  // Handlers run user callbacks; like RxJS operators, route their throws to the error channel.
  #guard(handle: () => void): void {
    try {
      handle();
    } catch (error: unknown) {
      this.#subscriber.error(error);
    }
  }

  #emit(source: FallbackSource, value: T): void {
    const { isNewer, keep } = this.#settings;
    if (this.#hasLast && !isNewer(value, this.#last as K)) return;
    this.#hasLast = true;
    this.#last = keep === undefined ? (value as unknown as K) : keep(value); // without keep, K is T
    this.#subscriber.next({ source, value });
  }

  #startFallback(): void {
    if (this.#active === 'primary' || this.#fallbackSub !== undefined) return;
    this.#fallbackSub = this.#settings.fallback(this.#primary$).subscribe({
      next: (value) => this.#guard(() => this.#emit('fallback', value)),
      error: (error: unknown) => this.#subscriber.error(error),
    });
  }

  #stopFallback(): void {
    this.#fallbackSub?.unsubscribe();
    this.#fallbackSub = undefined;
  }

  #switchTo(source: FallbackSource, reason: FallbackSwitchReason): void {
    if (this.#active === source) return;
    this.#active = source;
    this.#settings.onSwitch?.(source, reason);
    this.#stopFallback();
    this.#startFallback();
  }

  #onPrimary(value: T): void {
    if (this.#held !== undefined) {
      this.#held.push(value);
      return;
    }
    const recovering = this.#active === 'fallback';
    this.#switchTo('primary', RECOVERED);
    const bridge = this.#settings.bridge;
    if (!recovering || bridge === undefined || !this.#hasLast) return this.#emit('primary', value);
    const held = [value];
    this.#held = held;
    const release = (): void => {
      if (this.#held !== held) return;
      this.#held = undefined;
      this.#bridgeSub = undefined;
      this.#guard(() => held.forEach((v) => this.#emit('primary', v)));
    };
    const next = (gap: T): void => this.#guard(() => this.#emit('fallback', gap));
    const subscription = bridge(this.#primary$).subscribe({ next, error: release, complete: release });
    if (this.#held === held) this.#bridgeSub = subscription;
  }
}

const OUTAGE: FallbackSwitchReason = { kind: 'outage' };
const RECOVERED: FallbackSwitchReason = { kind: 'recovered' };

/** Default `isNewer`: compare numeric `timestamp` properties when both values have one; ties pass. */
function isNotOlder(candidate: unknown, lastEmitted: unknown): boolean {
  const a = timestampOf(candidate);
  const b = timestampOf(lastEmitted);
  return a === undefined || b === undefined || a >= b;
}

function timestampOf(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null || !('timestamp' in value)) return undefined;
  return typeof value.timestamp === 'number' ? value.timestamp : undefined;
}
