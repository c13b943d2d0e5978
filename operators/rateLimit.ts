import { concatMap, finalize, tap, type MonoTypeOperatorFunction } from 'rxjs';
import { RateLimitError } from '../src/errors/index.js';
import type { RateLimitFeedback, RateLimiter } from '../src/core/rate-limit/rate-limiter.js';

/** Configuration of {@link rateLimit}. */
export interface RateLimitConfig<T> {
  /** The limiter shared by every caller of the endpoint. */
  readonly limiter: RateLimiter;
  /** Rate-limit group the request counts against. */
  readonly group: string;
  /** Units of the group's budget one subscription costs. @default 1 */
  readonly cost?: number;
  /**
   * Reads the server's budget report from a value (Upbit: the `Remaining-Req` header), which is then
   * passed to `limiter.update`. `undefined` means "no report".
   * @default undefined (no feedback)
   */
  readonly feedback?: (value: T) => RateLimitFeedback | undefined;
}

/**
 * Delays subscribing to a cold source (e.g. a deferred HTTP request) until the shared
 * {@link RateLimiter} grants its group a turn, and feeds the server's answers back into the limiter.
 * The turn's units stay spent until the source ends (reply, error or unsubscription) and one window
 * after that (`RateLimiter.lease`): a slow request can never share a server window with the next one.
 *
 * Every value is passed to `feedback`, and its report to `limiter.update`. A {@link RateLimitError}
 * from the source teaches the limiter before it is re-thrown: a 418 block holds the group for
 * `retryAfterMs`; a 429 empties the group's current window (and blocks for `retryAfterMs` if that is
 * longer than the window). Either halves the group's share of its limit (`RateLimiter.refused`): a
 * refusal the limiter did not foresee means another client spends the same budget. Retrying is left to
 * `retryBackoff`. Unsubscribing while queued leaves the
 * queue without ever subscribing to the source.
 *
 * ```
 * limit: 2 per 10 ms, safetyMarginMs: 0, four `(x|)` sources merged:
 * subs a, b:  (^!)
 * subs c, d:  ----------(^!)
 * result:     (ab)------(cd|)
 * ```
 *
 * @example
 * ```ts
 * import { rateLimit, retryBackoff } from 'market-data-backbone/operators';
 * const reply$ = defer(() => fetch(url)).pipe(
 *   rateLimit({ limiter, group: 'ticker', feedback: (reply) => readRemainingReq(reply) }),
 *   retryBackoff({ maxRetries: 4 }),
 * );
 * ```
 *
 * @param config The limiter, the group and an optional feedback reader.
 * @returns An operator that subscribes to the source once the group's budget allows.
 * @see {@link retryBackoff}
 */
export function rateLimit<T>(config: RateLimitConfig<T>): MonoTypeOperatorFunction<T> {
  const { limiter, group, cost = 1, feedback } = config;
  const learn = (error: unknown): void => {
    if (!(error instanceof RateLimitError)) return;
    const errorGroup = error.group ?? group;
    const until = limiter.now() + error.retryAfterMs;
    limiter.refused(errorGroup);
    if (error.blocked) {
      limiter.block(errorGroup, until);
      return;
    }
    limiter.update({ group: errorGroup, remaining: 0 });
    // Unlimited groups have no window, so only a block can hold them back.
    if (error.retryAfterMs > (limiter.rule(errorGroup)?.windowMs ?? 0)) limiter.block(errorGroup, until);
  };
  return (source) =>
    limiter.lease(group, cost).pipe(
      // The units stay spent while the source runs (the server counts the request when it arrives,
      // which may be late) and come back one window after it ends.
      concatMap((lease) => source.pipe(finalize(() => lease.release()))),
      tap({
        next: (value) => {
          const report = feedback?.(value);
          if (report !== undefined) limiter.update(report);
        },
        error: learn,
      }),
    );
}
