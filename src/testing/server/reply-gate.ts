/**
 * The reply-timing fault controls simulators share: a latency before every reply, and holding replies
 * while paused. Names no exchange.
 */

/**
 * Delays and holds replies: `deliver(write)` runs `write` after the latency, or later on `resume()` while
 * paused; `close()` drops whatever is pending.
 *
 * @example
 * ```ts
 * const gate = new ReplyGate(0);
 * gate.pause();
 * gate.deliver(() => writeReply(response, 200, headers, body)); // held
 * gate.resume(); // sent
 * ```
 */
export class ReplyGate {
  readonly #timers = new Set<NodeJS.Timeout>();
  #held: (() => void)[] = [];
  #paused = false;
  #latencyMs: number;

  constructor(latencyMs = 0) {
    this.#latencyMs = Math.max(0, latencyMs);
  }

  /** Delays every later reply by `ms`. */
  setLatency(ms: number): void {
    this.#latencyMs = Math.max(0, ms);
  }

  /** Holds replies until {@link ReplyGate.resume}. */
  pause(): void {
    this.#paused = true;
  }

  /** Sends held replies and stops holding. */
  resume(): void {
    this.#paused = false;
    const held = this.#held;
    this.#held = [];
    for (const send of held) send();
  }

  /** Runs `write` after the latency, unless paused (then on resume). */
  deliver(write: () => void): void {
    const send = (): void => {
      if (this.#paused) this.#held.push(write);
      else write();
    };
    if (this.#latencyMs <= 0) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      send();
    }, this.#latencyMs);
    this.#timers.add(timer);
  }

  /** Drops pending timers and held replies. */
  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#held = [];
  }
}
