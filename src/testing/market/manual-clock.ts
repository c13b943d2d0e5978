/**
 * A clock that only moves when told to: simulators driven by it are fully deterministic.
 */
import type { SimClock } from './model-types.js';

/**
 * A settable {@link SimClock}.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(Date.UTC(2025, 6, 30, 12));
 * const sim = await startUpbitSimulator({ clock });
 * clock.advance(1000); // next rate-limit window
 * ```
 */
export class ManualClock implements SimClock {
  #now: number;

  /** @param startMs Initial time (ms since the epoch). */
  constructor(startMs: number) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  /** Jumps to `ms`. */
  set(ms: number): void {
    this.#now = ms;
  }

  /** Moves forward by `ms` (backward when negative). */
  advance(ms: number): void {
    this.#now += ms;
  }
}
