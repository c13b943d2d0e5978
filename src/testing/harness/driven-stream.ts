/**
 * One stream of a test backbone, driven by a marble diagram: hot and shared like the backbone's own
 * streams (one connection to the diagram through the library's `cacheReplay`, the last value replayed to a
 * late subscriber), remembering what it emitted for the getters, and logging who subscribed when.
 */
import { Observable, type SchedulerLike } from 'rxjs';
import { cacheReplay } from '../../../operators/cacheReplay.js';

/** One subscription to a driven stream in scheduler frames, as `expectSubscriptions` reads it (`Infinity`: still subscribed). */
export interface SubscriptionFrames {
  readonly subscribedFrame: number;
  readonly unsubscribedFrame: number;
}

/**
 * What driving a stream hands back: who subscribed to it and when, for `expectSubscriptions`.
 *
 * @example
 * ```ts
 * const btc = backbone.ticker('KRW-BTC', '--a--b--', { a: { last: '100' }, b: { last: '101' } });
 * expectSubscriptions(btc.subscriptions).toBe('^----!');
 * ```
 */
export interface Driven {
  /**
   * Every subscription of a user to this stream (all depths, both symbol spellings), in order: a live list,
   * filled as the scheduler runs, so `expectSubscriptions` (which reads it when flushing) sees them all.
   */
  readonly subscriptions: SubscriptionFrames[];
}

/** How a diagram ended, if it did. */
type Ending = { readonly kind: 'error'; readonly error: unknown } | { readonly kind: 'complete' };

/**
 * The shared stream of one diagram and what it has emitted so far.
 *
 * @example
 * ```ts
 * const stream = new DrivenStream(diagram$, scheduler, { replayTtlMs: Infinity, keepHistory: false });
 * stream.observe().subscribe(render);
 * stream.latest; // the last value so far
 * ```
 */
export class DrivenStream<T> implements Driven {
  readonly #scheduler: SchedulerLike;
  readonly #shared: Observable<T>;
  readonly #logs: SubscriptionFrames[] = [];
  readonly #history: T[] | undefined;
  #latest: { readonly value: T } | undefined;
  #ending: Ending | undefined;

  constructor(diagram: Observable<T>, scheduler: SchedulerLike, options: { readonly replayTtlMs: number; readonly keepHistory: boolean }) {
    this.#scheduler = scheduler;
    this.#history = options.keepHistory ? [] : undefined;
    // Never unsubscribed: the diagram runs whether anyone listens or not (a market does), so the getters see
    // every value at its frame, and `refCount: false` keeps the one connection that builds each value once.
    this.#shared = diagram.pipe(cacheReplay({ ttlMs: options.replayTtlMs, refCount: false, scheduler }));
    this.#shared.subscribe({
      next: (value) => {
        this.#latest = { value };
        this.#history?.push(value);
      },
      error: (error: unknown) => (this.#ending = { kind: 'error', error }),
      complete: () => (this.#ending = { kind: 'complete' }),
    });
  }

  get subscriptions(): SubscriptionFrames[] {
    return this.#logs;
  }

  /** The last value emitted so far, if any. */
  get latest(): T | undefined {
    return this.#latest?.value;
  }

  /** Every value emitted so far, oldest first (streams kept with `keepHistory` only). */
  get history(): readonly T[] {
    return this.#history ?? [];
  }

  /** The diagram's error, once it has errored (`#`). */
  get failure(): { readonly error: unknown } | undefined {
    return this.#ending?.kind === 'error' ? this.#ending : undefined;
  }

  /** The shared stream, logging each subscription's frames. */
  observe(): Observable<T> {
    return new Observable<T>((subscriber) => {
      const index = this.#logs.push({ subscribedFrame: this.#scheduler.now(), unsubscribedFrame: Infinity }) - 1;
      const subscription = this.#shared.subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        this.#logs[index] = { subscribedFrame: this.#logs[index]?.subscribedFrame ?? 0, unsubscribedFrame: this.#scheduler.now() };
      };
    });
  }
}
