/**
 * The online estimators of the router: exponentially weighted moving averages and sliding-window
 * counters. Pure arithmetic over times the caller passes in, so they run unchanged in virtual time.
 */
import type { RoutingWindowLimit } from './routing-types.js';

/**
 * The next EWMA after `sample`: `sample` itself when there is no previous value.
 *
 * @example
 * ```ts
 * ewma(undefined, 100, 0.3); // 100
 * ewma(100, 200, 0.3);       // 130
 * ```
 */
export function ewma(previous: number | undefined, sample: number, alpha: number): number {
  return previous === undefined ? sample : previous + alpha * (sample - previous);
}

/**
 * Frames (or requests) sent within sliding windows, to plan only what every window still allows.
 *
 * @example
 * ```ts
 * const budget = new WindowBudget([{ limit: 5, windowMs: 1000 }]);
 * if (budget.allows(now, 1)) budget.spend(now, 1);
 * ```
 */
export class WindowBudget {
  readonly #limits: readonly RoutingWindowLimit[];
  readonly #sent: number[] = [];
  readonly #longest: number;

  constructor(limits: readonly RoutingWindowLimit[]) {
    this.#limits = limits;
    this.#longest = Math.max(0, ...limits.map((l) => l.windowMs));
  }

  /**
   * Whether `units` more may be sent at `now` without any window holding more than its limit.
   *
   * @example
   * ```ts
   * budget.allows(1_000, 2);
   * ```
   */
  allows(now: number, units: number): boolean {
    this.#prune(now);
    return this.#limits.every(({ limit, windowMs }) => this.#within(now, windowMs) + units <= limit);
  }

  /**
   * Records `units` sent at `now`.
   *
   * @example
   * ```ts
   * budget.spend(1_000, 1);
   * ```
   */
  spend(now: number, units: number): void {
    for (let i = 0; i < units; i++) this.#sent.push(now);
  }

  /** Units sent in the half-open window `(now - windowMs, now]`. */
  #within(now: number, windowMs: number): number {
    let count = 0;
    for (let i = this.#sent.length - 1; i >= 0 && this.#sent[i]! > now - windowMs; i--) count++;
    return count;
  }

  #prune(now: number): void {
    while (this.#sent.length > 0 && this.#sent[0]! <= now - this.#longest) this.#sent.shift();
  }
}
