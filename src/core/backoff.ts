/**
 * Pure backoff math shared by every retry loop (REST retries via `retryBackoff`, the WebSocket
 * reconnect loop): capped exponential delays, jitter, and the server's own `Retry-After`.
 *
 * Kept free of RxJS and timers so it can be unit-tested and reused anywhere a delay is needed.
 */
import { RateLimitError } from '../errors/index.js';

/** How a backoff delay grows and how much of it is randomised. */
export interface BackoffOptions {
  /** Delay before the first retry, in ms. @default 250 */
  readonly initialDelayMs?: number;
  /** Upper bound of the exponential delay, in ms (a server's `Retry-After` may exceed it). @default 32_000 */
  readonly maxDelayMs?: number;
  /** Growth factor between consecutive attempts. @default 2 */
  readonly factor?: number;
  /**
   * Fraction (0..1) of the delay that is randomised: the delay lies in `[d·(1−jitter), d]`.
   * `0` gives exact delays; `1` is "full jitter". Values outside 0..1 are clamped.
   * @default 0.5
   */
  readonly jitter?: number;
  /** Random source in `[0, 1)`; inject a constant for deterministic tests. @default Math.random */
  readonly random?: () => number;
}

/** The defaults of {@link BackoffOptions}: 250 ms doubling up to 32 s, half of it jittered. */
export const DEFAULT_BACKOFF: Readonly<Required<BackoffOptions>> = {
  initialDelayMs: 250,
  maxDelayMs: 32_000,
  factor: 2,
  jitter: 0.5,
  random: Math.random,
};

/**
 * The capped exponential delay of retry `attempt` (1-based), before jitter:
 * `min(maxDelayMs, initialDelayMs · factor^(attempt−1))`.
 *
 * @example
 * ```ts
 * computeExponentialDelay(3); // 1000 (250 · 2²)
 * computeExponentialDelay(20); // 32000 (capped)
 * ```
 */
export function computeExponentialDelay(attempt: number, options: BackoffOptions = {}): number {
  const {
    initialDelayMs = DEFAULT_BACKOFF.initialDelayMs,
    maxDelayMs = DEFAULT_BACKOFF.maxDelayMs,
    factor = DEFAULT_BACKOFF.factor,
  } = options;
  if (initialDelayMs <= 0 || maxDelayMs <= 0) return 0;
  const exponent = Math.max(0, attempt - 1);
  // factor ** exponent may overflow to Infinity for long outages; min() keeps the cap.
  return Math.min(maxDelayMs, initialDelayMs * factor ** exponent);
}

/**
 * Randomises the `jitter` fraction of `delayMs`: returns `delayMs·(1−jitter) + delayMs·jitter·random()`,
 * rounded to whole ms. Jitter spreads reconnects of many clients so they do not hit the server at once.
 *
 * @example
 * ```ts
 * applyJitter(1000, 0.5, () => 0); // 500
 * applyJitter(1000, 0.5, () => 1); // 1000
 * ```
 */
export function applyJitter(delayMs: number, jitter: number, random: () => number = Math.random): number {
  const fraction = Math.min(1, Math.max(0, jitter));
  if (fraction === 0) return Math.round(delayMs);
  const roll = Math.min(1, Math.max(0, random()));
  return Math.round(delayMs * (1 - fraction) + delayMs * fraction * roll);
}

/**
 * The delay before retry `attempt` (1-based): the capped exponential delay with jitter applied.
 *
 * @example
 * ```ts
 * computeBackoffDelay(1, { jitter: 0 }); // 250
 * computeBackoffDelay(2, { random: () => 0 }); // 250 (500 with half of it jittered away)
 * ```
 */
export function computeBackoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const { jitter = DEFAULT_BACKOFF.jitter, random = DEFAULT_BACKOFF.random } = options;
  return applyJitter(computeExponentialDelay(attempt, options), jitter, random);
}

/**
 * How long the server asked us to wait, in ms: `retryAfterMs` of a {@link RateLimitError}, else 0.
 *
 * @example
 * ```ts
 * getServerWaitMs(new RateLimitError('Rate limited: ticker', { status: 429, retryAfterMs: 1000 })); // 1000
 * getServerWaitMs(new Error('boom')); // 0
 * ```
 */
export function getServerWaitMs(error: unknown): number {
  return error instanceof RateLimitError ? Math.max(0, error.retryAfterMs) : 0;
}

/**
 * The delay before retry `attempt` after `error`: the larger of the server's wait and the jittered
 * backoff. The server's wait is never capped by `maxDelayMs`: sending earlier would only earn a
 * longer block.
 *
 * @example
 * ```ts
 * const error = new RateLimitError('Blocked: ticker', { status: 418, retryAfterMs: 60_000 });
 * computeRetryDelay(1, error); // 60000
 * computeRetryDelay(1, new Error('reset'), { jitter: 0 }); // 250
 * ```
 */
export function computeRetryDelay(attempt: number, error: unknown, options: BackoffOptions = {}): number {
  return Math.max(getServerWaitMs(error), computeBackoffDelay(attempt, options));
}
