/**
 * Binance's REST request-weight limiter for the simulator: weight per calendar minute (6000 by
 * default), HTTP 429 with `Retry-After` when it is exceeded, and an IP ban (HTTP 418) when the client
 * keeps sending after 429s. Bans escalate, doubling from 2 minutes up to 3 days.
 */

/** Options of the REST weight limiter. */
export interface BinanceRateLimitOptions {
  /** Request weight per minute. @default 6000 */
  readonly weightPerMinute?: number | undefined;
  /** Requests answered 429 in one minute before the IP is banned (the next one gets 418). @default 3 */
  readonly banAfter429s?: number | undefined;
  /** First ban's length (ms); later bans double. @default 120000 */
  readonly banMs?: number | undefined;
}

/** What the limiter decided for one request. */
export type BinanceLimitDecision =
  | { readonly kind: 'ok'; readonly used: number }
  | { readonly kind: 'limited'; readonly used: number; readonly retryAfterS: number }
  | { readonly kind: 'banned'; readonly used: number; readonly untilMs: number; readonly retryAfterS: number };

const MINUTE_MS = 60_000;
const MAX_BAN_MS = 3 * 86_400_000;

/**
 * Counts weight per minute window and decides 200 / 429 / 418.
 *
 * @example
 * ```ts
 * const limits = new BinanceWeightLimits({ weightPerMinute: 10 });
 * limits.check(5, now).kind; // 'ok'
 * ```
 */
export class BinanceWeightLimits {
  readonly limit: number;
  readonly #banAfter: number;
  readonly #banMs: number;
  #window = Number.NaN;
  #used = 0;
  #strikes = 0;
  #bans = 0;
  #banUntil = Number.NEGATIVE_INFINITY;
  #forced = 0;

  constructor(options: BinanceRateLimitOptions = {}) {
    this.limit = options.weightPerMinute ?? 6000;
    this.#banAfter = options.banAfter429s ?? 3;
    this.#banMs = options.banMs ?? 120_000;
  }

  /** Weight used in the window holding `now`. */
  used(now: number): number {
    this.#roll(now);
    return this.#used;
  }

  /** Charges `weight` at `now` and decides. */
  check(weight: number, now: number): BinanceLimitDecision {
    this.#roll(now);
    if (now < this.#banUntil) return this.#banned(now);
    this.#used += weight;
    const forced = this.#forced > 0;
    if (forced) this.#forced--;
    if (!forced && this.#used <= this.limit) return { kind: 'ok', used: this.#used };
    this.#strikes++;
    if (this.#strikes > this.#banAfter) {
      this.ban(Math.min(MAX_BAN_MS, this.#banMs * 2 ** this.#bans), now);
      this.#bans++;
      return this.#banned(now);
    }
    const windowEnd = (Math.floor(now / MINUTE_MS) + 1) * MINUTE_MS;
    return { kind: 'limited', used: this.#used, retryAfterS: Math.max(1, Math.ceil((windowEnd - now) / 1000)) };
  }

  /** Answers the next `n` requests with 429 (they count as strikes). */
  limitNext(n: number): void {
    this.#forced += n;
  }

  /** Bans for `ms` from `now`. */
  ban(ms: number, now: number): void {
    this.#banUntil = now + ms;
    this.#strikes = 0;
  }

  /** Forgets windows, strikes and bans. */
  reset(): void {
    this.#window = Number.NaN;
    this.#used = 0;
    this.#strikes = 0;
    this.#bans = 0;
    this.#banUntil = Number.NEGATIVE_INFINITY;
    this.#forced = 0;
  }

  #banned(now: number): BinanceLimitDecision {
    return { kind: 'banned', used: this.#used, untilMs: this.#banUntil, retryAfterS: Math.max(1, Math.ceil((this.#banUntil - now) / 1000)) };
  }

  #roll(now: number): void {
    const window = Math.floor(now / MINUTE_MS);
    if (window === this.#window) return;
    this.#window = window;
    this.#used = 0;
    this.#strikes = 0;
  }
}
