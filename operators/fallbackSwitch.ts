import { asyncScheduler, Observable } from 'rxjs';
import type { OperatorFunction, SchedulerLike, Subscription } from 'rxjs';
import { isRetryableError } from '../src/errors/index.js';
import type { StaleStreamError } from '../src/errors/index.js';
import { staleAfter } from './staleAfter.js';

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
 * carry besides its values (a socket's `disconnect` event).
 */
export interface FallbackSwitchConfig<T, M = never> {
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
  readonly isNewer?: (candidate: T, lastEmitted: T) => boolean;
  /** Delay, in ms, before re-subscribing the primary after a retryable error. @default 1000 */
  readonly recoverAfter?: number;
  /** Which primary errors switch to the fallback; any other error is passed on. @default isRetryableError */
  readonly isRetryable?: (error: unknown) => boolean;
  /** Scheduler for the stale and recovery timers. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Called on every change of stream, before the new stream's first value (logging, metrics). @default undefined */
  readonly onSwitch?: (source: FallbackSource, reason: FallbackSwitchReason) => void;
  /** Ticks that check the primary's silence instead of a timer per subscription (see {@link staleAfter}). @default undefined */
  readonly clock?: Observable<unknown>;
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
  /**
   * Whether anyone needs the fallback (e.g. whether the shared stream has subscribers): while the last
   * value is `false`, the fallback is not subscribed; a `true` while the primary is down subscribes it at
   * once. @default always needed
   */
  readonly active$?: Observable<boolean>;
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
 * `bridge` fills the gap an outage left before the primary's values resume, and `active$` keeps the
 * fallback idle while nobody listens.
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
 * isOutage: d => d === 'd'; bridge: () => --b|
 * primary:      --a--d-------c--e--|
 * fallback():        -x|
 * output:       --A---X--------BCE-|           c held from 13 until the bridge completes at 16
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
export function fallbackSwitch<T, M = never>(config: FallbackSwitchConfig<T, M>): OperatorFunction<T | M, FallbackValue<T>> {
  const { fallback, staleAfterMs, isNewer = isNotOlder, recoverAfter = 1000, scheduler = asyncScheduler } = config;
  const { isRetryable = isRetryableError, onSwitch, clock, isOutage, bridge, active$ } = config;

  const isValue = (value: T | M): value is T => isOutage === undefined || !isOutage(value);

  return (primary$) =>
    new Observable<FallbackValue<T>>((subscriber) => {
      let active: FallbackSource = 'primary';
      let needed = active$ === undefined;
      let last: { readonly value: T } | undefined;
      let primarySub: Subscription | undefined;
      let fallbackSub: Subscription | undefined;
      let recoverSub: Subscription | undefined;
      let bridgeSub: Subscription | undefined;
      /** Primary values waiting for the bridge, while it runs. */
      let held: T[] | undefined;
      // Handlers run user callbacks; like RxJS operators, route their throws to the error channel.
      const guard = <A>(handle: (arg: A) => void) => (arg: A): void => {
        try {
          handle(arg);
        } catch (error: unknown) {
          subscriber.error(error);
        }
      };
      const emit = (source: FallbackSource, value: T): void => {
        if (last !== undefined && !isNewer(value, last.value)) return;
        last = { value };
        subscriber.next({ source, value });
      };
      const startFallback = (): void => {
        if (active === 'primary' || !needed || fallbackSub !== undefined) return;
        fallbackSub = fallback(primary$).subscribe({ next: guard((value: T) => emit('fallback', value)), error: (error: unknown) => subscriber.error(error) });
      };
      const switchTo = (source: FallbackSource, reason: FallbackSwitchReason): void => {
        if (active === source) return;
        active = source;
        onSwitch?.(source, reason);
        fallbackSub?.unsubscribe();
        fallbackSub = undefined;
        startFallback();
      };
      const release = (): void => {
        const values = held ?? [];
        held = undefined;
        bridgeSub = undefined;
        for (const value of values) emit('primary', value);
      };
      const onPrimary = (value: T): void => {
        if (held !== undefined) {
          held.push(value);
          return;
        }
        const recovering = active === 'fallback';
        switchTo('primary', { kind: 'recovered' });
        if (!recovering || bridge === undefined || last === undefined) return emit('primary', value);
        held = [value];
        const sub = bridge(primary$).subscribe({ next: guard((gap: T) => emit('fallback', gap)), error: release, complete: release });
        if (held !== undefined) bridgeSub = sub;
      };
      const subscribePrimary = (): void => {
        primarySub = primary$.pipe(staleAfter({ timeoutMs: staleAfterMs, scheduler, mode: 'signal', clock })).subscribe({
          next: guard((event) => {
            if (event.kind === 'stale') return switchTo('fallback', event);
            const { value } = event;
            if (!isValue(value)) return switchTo('fallback', { kind: 'outage' });
            onPrimary(value);
          }),
          error: guard((error: unknown) => {
            if (!isRetryable(error)) return subscriber.error(error);
            switchTo('fallback', { kind: 'error', error });
            recoverSub = scheduler.schedule(subscribePrimary, recoverAfter);
          }),
          complete: () => subscriber.complete(),
        });
      };
      const activeSub = active$?.subscribe(guard((on: boolean) => {
        needed = on;
        if (on) return startFallback();
        fallbackSub?.unsubscribe();
        fallbackSub = undefined;
      }));
      subscribePrimary();
      return () => {
        activeSub?.unsubscribe();
        primarySub?.unsubscribe();
        fallbackSub?.unsubscribe();
        recoverSub?.unsubscribe();
        bridgeSub?.unsubscribe();
      };
    });
}

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
