import { asyncScheduler, identity, map } from 'rxjs';
import type { MonoTypeOperatorFunction, Observable, Observer, OperatorFunction, SchedulerLike, Subscribable, Subscriber, Unsubscribable } from 'rxjs';
import { JoinedObservable } from '../src/core/joined-observable.js';
import { Relay } from '../src/core/relay.js';
import { Silence, type SilenceOwner, type SilenceSettings } from '../src/core/silence.js';
import type { StaleStreamError } from '../src/errors/index.js';

/** Options shared by both modes of {@link staleAfter}. */
export interface StaleAfterBaseConfig {
  /** Longest allowed silence, in ms, measured from subscription and then from each value. `Infinity` disables it. */
  readonly timeoutMs: number;
  /** Scheduler for the silence timer and for `lastMessageAt`. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /**
   * Ticks that check the silence instead of a timer of the stream's own: one clock (a hub's sweep)
   * serves any number of streams, and silence is noticed at the first tick at or after `timeoutMs`, so up
   * to one tick period late. @default undefined (a timer per subscription)
   */
  readonly clock?: Subscribable<unknown>;
}

/** {@link staleAfter} in `'error'` mode: silence errors the stream. */
export interface StaleAfterErrorConfig extends StaleAfterBaseConfig {
  /** What silence does: error the stream with a {@link StaleStreamError}. @default 'error' */
  readonly mode?: 'error';
}

/** {@link staleAfter} in `'signal'` mode: silence is reported in-band and the stream keeps going. */
export interface StaleAfterSignalConfig extends StaleAfterBaseConfig {
  /** What silence does: emit a `{ kind: 'stale' }` event and keep waiting. */
  readonly mode: 'signal';
}

/** Configuration of {@link staleAfter}; `mode` selects the output type. */
export type StaleAfterConfig = StaleAfterErrorConfig | StaleAfterSignalConfig;

/**
 * What {@link staleAfter} emits in `'signal'` mode: every source value wrapped as `{ kind: 'value' }`,
 * plus one `{ kind: 'stale' }` per silent period (the next value implicitly means "fresh again").
 */
export type StaleAfterEvent<T> =
  | { readonly kind: 'value'; readonly value: T }
  | { readonly kind: 'stale'; readonly error: StaleStreamError };

export function staleAfter<T>(config: StaleAfterErrorConfig): MonoTypeOperatorFunction<T>;
export function staleAfter<T>(config: StaleAfterSignalConfig): OperatorFunction<T, StaleAfterEvent<T>>;

/**
 * Turns silence into a typed {@link StaleStreamError}.
 *
 * A socket can stay open while the exchange stops sending (a dead route, a stuck matcher); nothing
 * errors and a consumer would show old prices forever. `staleAfter` starts a timer of `timeoutMs` at
 * subscription and restarts it on every value. When it fires, `'error'` mode (the default) errors the
 * stream so a `retry`/reconnect can take over; `'signal'` mode emits `{ kind: 'stale', error }` once and
 * keeps waiting, for callers that switch to a fallback instead. The error's `lastMessageAt` is the
 * scheduler time of the last value, or `undefined` when none arrived. Values, errors and completion of
 * the source pass through. The mode changes the output type, hence the overloads (a deliberate
 * exception to the "overloads only for number-or-config" rule). With a `clock`, the silence is checked on
 * its ticks instead of by a timer per subscription (many streams, one sweep timer).
 *
 * ```
 * source:                       --a--b--------c--|
 * staleAfter({ timeoutMs: 5 }): --a--b----#
 * mode 'signal':                --A--B----S---C--|
 * clock:                        ---t---t---t---t--
 * with clock, mode 'signal':    --A--B-----S--C--|
 * ```
 *
 * @example
 * ```ts
 * import { retry } from 'rxjs';
 * import { staleAfter } from 'market-data-backbone/operators';
 * trades$.pipe(staleAfter({ timeoutMs: 30_000 }), retry({ delay: 1_000 }));
 * ticker$.pipe(staleAfter({ timeoutMs: 5_000, mode: 'signal' })).subscribe((event) => {
 *   if (event.kind === 'stale') console.warn(event.error.message);
 *   else render(event.value);
 * });
 * ```
 * @param config Silence allowed, scheduler and mode.
 * @returns An operator that mirrors the source and reports silence as an error or a `'stale'` event.
 * @see {@link fallbackSwitch} which leaves a silent primary by the same check.
 */
export function staleAfter<T>(config: StaleAfterConfig): OperatorFunction<T, T | StaleAfterEvent<T>> {
  const { timeoutMs, scheduler = asyncScheduler, mode = 'error', clock } = config;
  // A timer of Infinity would fire at once (setTimeout clamps it), so "never stale" short-circuits.
  if (timeoutMs === Infinity) return mode === 'signal' ? map((value: T): StaleAfterEvent<T> => ({ kind: 'value', value })) : identity;
  const settings: WatchSettings = { timeoutMs, scheduler, signal: mode === 'signal', clock };
  return (source) => new WatchedStream(source, settings);
}

/** What `staleAfter` returns: one {@link Watch} object per subscription, no closures (streams are held by the hundred). */
class WatchedStream<T> extends JoinedObservable<T | StaleAfterEvent<T>> {
  readonly #source: Observable<T>;
  readonly #settings: WatchSettings;

  constructor(source: Observable<T>, settings: WatchSettings) {
    super();
    this.#source = source;
    this.#settings = settings;
  }

  join(subscriber: Subscriber<T | StaleAfterEvent<T>>): Unsubscribable {
    return new Watch(this.#source, this.#settings, subscriber);
  }
}

/** The settings of one `staleAfter(config)`, shared by every source it is applied to. */
interface WatchSettings extends SilenceSettings {
  readonly signal: boolean;
}

/** One subscription of `staleAfter`: the source's observer, its {@link Silence}, and the teardown. */
class Watch<T> implements Observer<T>, SilenceOwner, Unsubscribable {
  readonly #signal: boolean;
  readonly #subscriber: Subscriber<T | StaleAfterEvent<T>>;
  readonly #silence: Silence;
  readonly #subscription: Unsubscribable;

  constructor(source: Observable<T>, settings: WatchSettings, subscriber: Subscriber<T | StaleAfterEvent<T>>) {
    this.#signal = settings.signal;
    this.#subscriber = subscriber;
    this.#silence = new Silence(settings, this);
    this.#subscription = source.subscribe(new Relay(this));
  }

  next(value: T): void {
    this.#silence.touch();
    this.#subscriber.next(this.#signal ? { kind: 'value', value } : value);
  }

  error(error: unknown): void {
    this.#subscriber.error(error);
  }

  complete(): void {
    this.#subscriber.complete();
  }

  silent(error: StaleStreamError): void {
    if (this.#signal) this.#subscriber.next({ kind: 'stale', error });
    else this.#subscriber.error(error);
  }

  unsubscribe(): void {
    this.#silence.unsubscribe();
    this.#subscription.unsubscribe();
  }
}
