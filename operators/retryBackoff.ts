import {
  asyncScheduler,
  defer,
  finalize,
  identity,
  retry,
  throwError,
  tap,
  timer,
  type MonoTypeOperatorFunction,
  type Observable,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { isRetryableError } from '../src/errors/index.js';
import { computeRetryDelay, type BackoffOptions } from '../src/core/backoff.js';

/** What {@link RetryBackoffConfig.onRetry} is told before each retry. */
export interface RetryEvent {
  /** The error that triggered the retry. */
  readonly error: unknown;
  /** Retry number, 1-based (reset after a success when `resetOnSuccess`). */
  readonly attempt: number;
  /** How long the retry waits, in ms. */
  readonly delayMs: number;
}

/** Configuration of {@link retryBackoff}; the delay fields are those of {@link BackoffOptions}. */
export interface RetryBackoffConfig extends BackoffOptions {
  /**
   * Retries before the error is passed on. Unlimited by default, as a stream's reconnect loop wants;
   * one-shot requests should set a bound (the REST client uses 4).
   * @default Infinity
   */
  readonly maxRetries?: number;
  /** Decides whether `error` is worth retry `attempt` (1-based). @default isRetryableError */
  readonly shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Resets the attempt count once the source emits again, so backoff restarts small. @default true */
  readonly resetOnSuccess?: boolean;
  /**
   * With `resetOnSuccess`, how long a resubscribed source must stay up after its first value before
   * the attempt count resets: a source that emits once and fails at once (a server that accepts,
   * sends one frame and closes) keeps backing off instead of retrying at the first delay forever.
   * @default 0 (reset at the first value)
   */
  readonly resetAfterMs?: number;
  /** Scheduler of the delay timers; inject a `TestScheduler` for virtual time. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Called before each retry (status, metrics, logs). @default undefined */
  readonly onRetry?: (event: RetryEvent) => void;
}

/**
 * Resubscribes to the source after a retryable error, waiting a capped exponential backoff with
 * jitter, or longer when the server said so (`retryAfterMs` of a `RateLimitError`).
 *
 * Built on rxjs `retry({ count, delay, resetOnSuccess })`. The delay of retry `n` is
 * `max(retryAfterMs, jitter(min(maxDelayMs, initialDelayMs · factor^(n−1))))` (see
 * `computeRetryDelay`). Errors that `shouldRetry` rejects, and the error after `maxRetries` retries,
 * pass through at once. With `resetAfterMs`, the count resets only once a subscription has lived that
 * long past its first value.
 *
 * ```
 * initialDelayMs: 2, jitter: 0, maxRetries: 2, source fails every time:
 * source:  -#
 * subs:    ^!
 *          ---^!
 *          --------^!
 * result:  ---------#
 *
 * resetAfterMs: 3, maxRetries: 2: each error comes 2 frames after the value, too soon to reset:
 * source:  -a-#
 * subs:    ^--!
 *          -----^--!
 *          ------------^--!
 * result:  -a----a------a-#
 * ```
 *
 * @example
 * ```ts
 * import { retryBackoff } from 'market-data-backbone/operators';
 * const reply$ = request$.pipe(
 *   retryBackoff({ maxRetries: 4, onRetry: ({ attempt, delayMs }) => console.log(attempt, delayMs) }),
 * );
 * ```
 *
 * @param config Backoff shape, retry budget and hooks.
 * @returns An operator that retries the source with backoff.
 * @see {@link rateLimit}
 */
export function retryBackoff<T>(config: RetryBackoffConfig = {}): MonoTypeOperatorFunction<T> {
  const {
    maxRetries = Infinity,
    shouldRetry = isRetryableError,
    resetOnSuccess = true,
    resetAfterMs = 0,
    scheduler = asyncScheduler,
    onRetry,
    ...backoff
  } = config;
  if (maxRetries <= 0) return identity;
  if (resetOnSuccess && resetAfterMs > 0) {
    return (source) => retryWithHealthyReset(source, { maxRetries, shouldRetry, scheduler, onRetry, resetAfterMs, backoff });
  }
  return retry<T>({
    count: maxRetries,
    resetOnSuccess,
    delay: (error: unknown, attempt: number) => {
      if (!shouldRetry(error, attempt)) return throwError(() => error);
      const delayMs = computeRetryDelay(attempt, error, backoff);
      onRetry?.({ error, attempt, delayMs });
      return timer(delayMs, scheduler);
    },
  });
}

interface HealthyResetConfig {
  readonly maxRetries: number;
  readonly shouldRetry: (error: unknown, attempt: number) => boolean;
  readonly scheduler: SchedulerLike;
  readonly onRetry: ((event: RetryEvent) => void) | undefined;
  readonly resetAfterMs: number;
  readonly backoff: BackoffOptions;
}

/** `retry` with an attempt count of its own, reset by a timer that starts at each subscription's first value. */
function retryWithHealthyReset<T>(source: Observable<T>, config: HealthyResetConfig): Observable<T> {
  const { maxRetries, shouldRetry, scheduler, onRetry, resetAfterMs, backoff } = config;
  return defer(() => {
    let attempt = 0;
    const watched$ = defer(() => {
      let healthy: Subscription | undefined;
      const arm = (): void => {
        healthy ??= scheduler.schedule(() => (attempt = 0), resetAfterMs);
      };
      return source.pipe(
        tap(arm),
        finalize(() => healthy?.unsubscribe()),
      );
    });
    return watched$.pipe(
      retry<T>({
        delay: (error: unknown) => {
          attempt++;
          if (attempt > maxRetries || !shouldRetry(error, attempt)) return throwError(() => error);
          const delayMs = computeRetryDelay(attempt, error, backoff);
          onRetry?.({ error, attempt, delayMs });
          return timer(delayMs, scheduler);
        },
      }),
    );
  });
}
