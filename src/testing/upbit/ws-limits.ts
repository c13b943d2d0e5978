/**
 * Upbit's WebSocket limits, counted on the simulator clock (so a test can step past a window):
 * connections per second per IP, and request messages per second and per minute per connection.
 *
 * Upgrades that carry an `Origin` header (browsers) have Upbit's stricter policy instead: `originLimit`
 * per `originWindowMs` (1 per 10 s), for the connections (all `Origin` upgrades share one window, in
 * place of the per-IP one) and for the request messages of each connection opened with `Origin` (on top
 * of the per-connection limits).
 *
 * Upbit documents the numbers but not what a client sees over them. The simulator's choices (kept here):
 * an upgrade over a connection limit is answered with HTTP 429 and the Upbit error body; a request
 * message over a message limit, the `Origin` one included, closes the connection with code
 * {@link UPBIT_WS_CLOSE_TOO_MANY_REQUESTS} (a guess: Upbit documents neither code nor reason).
 */

/** Limits of an Upbit WebSocket simulator; `Infinity` disables one. */
export interface UpbitWsLimitOptions {
  /** New connections per second per client IP. @default 5 */
  readonly connectionsPerSecond?: number | undefined;
  /** Request (data) messages per second per connection; `PING` does not count. @default 5 */
  readonly messagesPerSecond?: number | undefined;
  /** Request (data) messages per minute per connection. @default 100 */
  readonly messagesPerMinute?: number | undefined;
  /**
   * Upgrades with an `Origin` header per `originWindowMs`, all of them together; and request messages
   * per `originWindowMs` on each connection opened with `Origin` (`PING` does not count). @default 1
   */
  readonly originLimit?: number | undefined;
  /** Window of the `Origin` limits (ms, sliding). @default 10000 */
  readonly originWindowMs?: number | undefined;
}

/**
 * Close code when a connection sends too many request messages, over the `Origin` limit too (1008:
 * policy violation; the simulator's guess, Upbit documents none).
 */
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

  /** Forgets every recorded event. */
  clear(): void {
    this.#events = [];
  }

  /** `true` when nothing recorded is still inside the window at `at`. */
  isIdle(at: number): boolean {
    return this.#events.every((t) => t <= at - this.#windowMs);
  }
}

function originWindow(options: UpbitWsLimitOptions): SlidingWindow {
  return new SlidingWindow(options.originLimit ?? 1, options.originWindowMs ?? 10_000);
}

/**
 * The message windows of one connection: per second and per minute, plus the `Origin` window when
 * the connection was opened with an `Origin` header.
 *
 * @example
 * ```ts
 * const limits = new MessageLimits({ messagesPerSecond: 5 }, request.headers.origin !== undefined);
 * if (!limits.tryAdd(now)) socket.close(UPBIT_WS_CLOSE_TOO_MANY_REQUESTS, 'Too many requests');
 * ```
 */
export class MessageLimits {
  readonly #windows: readonly SlidingWindow[];

  /**
   * @param options The limits.
   * @param hasOrigin The connection's upgrade request carried an `Origin` header.
   */
  constructor(options: UpbitWsLimitOptions = {}, hasOrigin = false) {
    const windows = [new SlidingWindow(options.messagesPerSecond ?? 5, 1000), new SlidingWindow(options.messagesPerMinute ?? 100, 60_000)];
    if (hasOrigin) windows.push(originWindow(options));
    this.#windows = windows;
  }

  /** Records a message; `false` when it breaks any limit. */
  tryAdd(at: number): boolean {
    return this.#windows.every((window) => window.tryAdd(at));
  }
}

/**
 * Per-IP connection windows, and the one window shared by every upgrade with an `Origin` header.
 *
 * @example
 * ```ts
 * const limits = new ConnectionLimits({ connectionsPerSecond: 5 });
 * limits.tryAdd('127.0.0.1', now); // false on the 6th within a second
 * limits.tryAdd('127.0.0.1', now, true); // false on the 2nd within 10 s
 * ```
 */
export class ConnectionLimits {
  readonly #perSecond: number;
  readonly #byIp = new Map<string, SlidingWindow>();
  readonly #origin: SlidingWindow;

  constructor(options: UpbitWsLimitOptions = {}) {
    this.#perSecond = options.connectionsPerSecond ?? 5;
    this.#origin = originWindow(options);
  }

  /**
   * Records a connection from `ip` (in the `Origin` window instead when `hasOrigin`); `false` when
   * over the limit.
   */
  tryAdd(ip: string, at: number, hasOrigin = false): boolean {
    if (hasOrigin) return this.#origin.tryAdd(at);
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
    this.#origin.clear();
  }
}
