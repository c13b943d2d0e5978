import {
  asyncScheduler,
  identity,
  retry,
  throwError,
  timer,
  type MonoTypeOperatorFunction,
  type SchedulerLike,
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
 * pass through at once.
 *
 * ```
 * initialDelayMs: 2, jitter: 0, maxRetries: 2, source fails every time:
 * source:  -#
 * subs:    ^!
 *          ---^!
 *          --------^!
 * result:  ---------#
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
    scheduler = asyncScheduler,
    onRetry,
    ...backoff
  } = config;
  if (maxRetries <= 0) return identity;
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
