/**
 * Upbit's WebSocket limits, counted on the simulator clock (so a test can step past a window):
 * connections per second per IP, and request messages per second and per minute per connection.
 *
 * Upbit documents the numbers but not what a client sees over them. The simulator's choices (kept here):
 * an upgrade over the connection limit is answered with HTTP 429 and the Upbit error body; a request
 * message over a message limit closes the connection with code {@link UPBIT_WS_CLOSE_TOO_MANY_REQUESTS}.
 */

/** Limits of an Upbit WebSocket simulator; `Infinity` disables one. */
export interface UpbitWsLimitOptions {
  /** New connections per second per client IP. @default 5 */
  readonly connectionsPerSecond?: number | undefined;
  /** Request (data) messages per second per connection; `PING` does not count. @default 5 */
  readonly messagesPerSecond?: number | undefined;
  /** Request (data) messages per minute per connection. @default 100 */
  readonly messagesPerMinute?: number | undefined;
}

/** Close code when a connection sends too many request messages (1008: policy violation). */
export const UPBIT_WS_CLOSE_TOO_MANY_REQUESTS = 1008;

/** Close code of the idle timeout (a plain normal closure; Upbit does not document one). */
export const UPBIT_WS_CLOSE_IDLE = 1000;

/**
 * Counts events in a sliding window of clock time.
 *
 * @example
 * ```ts
 * const window = new SlidingWindow(5, 1000);
 * window.tryAdd(clock.now()); // true for the first 5 within a second
 * ```
 */
export class SlidingWindow {
  readonly #limit: number;
  readonly #windowMs: number;
  #events: number[] = [];

  /**
   * @param limit Events allowed in any window.
   * @param windowMs Window length (ms).
   */
  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** Records an event at `at` and returns `true`, or returns `false` (recording nothing) when over the limit. */
  tryAdd(at: number): boolean {
    if (this.#limit === Infinity) return true;
    this.#events = this.#events.filter((t) => t > at - this.#windowMs);
    if (this.#events.length >= this.#limit) return false;
    this.#events.push(at);
    return true;
  }

  /** `true` when nothing recorded is still inside the window at `at`. */
  isIdle(at: number): boolean {
    return this.#events.every((t) => t <= at - this.#windowMs);
  }
}

/**
 * The two message windows of one connection.
 *
 * @example
 * ```ts
 * const limits = new MessageLimits({ messagesPerSecond: 5 });
 * if (!limits.tryAdd(now)) socket.close(UPBIT_WS_CLOSE_TOO_MANY_REQUESTS, 'Too many requests');
 * ```
 */
export class MessageLimits {
  readonly #perSecond: SlidingWindow;
  readonly #perMinute: SlidingWindow;

  constructor(options: UpbitWsLimitOptions = {}) {
    this.#perSecond = new SlidingWindow(options.messagesPerSecond ?? 5, 1000);
    this.#perMinute = new SlidingWindow(options.messagesPerMinute ?? 100, 60_000);
  }

  /** Records a message; `false` when it breaks either limit. */
  tryAdd(at: number): boolean {
    return this.#perSecond.tryAdd(at) && this.#perMinute.tryAdd(at);
  }
}

/**
 * Per-IP connection windows.
 *
 * @example
 * ```ts
 * const limits = new ConnectionLimits({ connectionsPerSecond: 5 });
 * limits.tryAdd('127.0.0.1', now); // false on the 6th within a second
 * ```
 */
export class ConnectionLimits {
  readonly #perSecond: number;
  readonly #byIp = new Map<string, SlidingWindow>();

  constructor(options: UpbitWsLimitOptions = {}) {
    this.#perSecond = options.connectionsPerSecond ?? 5;
  }

  /** Records a connection from `ip`; `false` when over the limit. */
  tryAdd(ip: string, at: number): boolean {
    for (const [key, window] of this.#byIp) if (window.isIdle(at)) this.#byIp.delete(key);
    let window = this.#byIp.get(ip);
    if (window === undefined) {
      window = new SlidingWindow(this.#perSecond, 1000);
      this.#byIp.set(ip, window);
    }
    return window.tryAdd(at);
  }

  /** Forgets every window. */
  reset(): void {
    this.#byIp.clear();
  }
}
