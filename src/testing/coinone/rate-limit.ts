/**
 * Coinone's public REST rate limit as a token bucket: a burst of 1200 requests refilled at 20 per
 * second (1200 per minute per IP, as the docs state; the probe saw `public-ratelimit-burst-capacity:
 * 1200` and `public-ratelimit-replenish-rate: 20`). Legacy V1 calls cost two tokens.
 */

/** Options of {@link CoinoneRateLimit}. */
export interface CoinoneRateLimitOptions {
  /** Bucket size (requests). @default 1200 */
  readonly burst?: number | undefined;
  /** Tokens added per second. @default 20 */
  readonly perSecond?: number | undefined;
}

/**
 * A token bucket on an external clock.
 *
 * @example
 * ```ts
 * const limit = new CoinoneRateLimit({ burst: 2 });
 * limit.take(0); // 1 (remaining)
 * limit.take(0); // 0
 * limit.take(0); // undefined: refused
 * ```
 */
export class CoinoneRateLimit {
  readonly #burst: number;
  readonly #perMs: number;
  #tokens: number;
  #at = Number.NaN;

  constructor(options: CoinoneRateLimitOptions = {}) {
    this.#burst = options.burst ?? 1200;
    this.#perMs = (options.perSecond ?? 20) / 1000;
    this.#tokens = this.#burst;
  }

  /** Takes `cost` tokens at `now`: the whole tokens left, or `undefined` when refused (nothing taken). */
  take(now: number, cost = 1): number | undefined {
    if (!Number.isNaN(this.#at) && now > this.#at) this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#at) * this.#perMs);
    if (Number.isNaN(this.#at) || now > this.#at) this.#at = now;
    if (this.#tokens < cost) return undefined;
    this.#tokens -= cost;
    return Math.floor(this.#tokens);
  }

  /** Refills the bucket. */
  reset(): void {
    this.#tokens = this.#burst;
    this.#at = Number.NaN;
  }
}
