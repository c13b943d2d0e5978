/**
 * The retryable family: {@link ConnectionError} and the specific cases the transport reacts to,
 * {@link RateLimitError} (wait as long as the server asked), {@link StaleStreamError} (reconnect) and
 * {@link TimeoutError} (a call's deadline passed).
 */

import { MarketDataError, type MarketDataErrorOptions } from './base.js';

/** Options of a {@link ConnectionError}. */
export interface ConnectionErrorOptions extends MarketDataErrorOptions {
  /** Why the connection failed. @default 'network' */
  readonly reason?: 'network' | 'timeout' | 'aborted' | 'closed' | 'server';
  /** HTTP status, when the failure was an HTTP reply (5xx). */
  readonly status?: number | undefined;
}

/** The network, a timeout or the server failed; retryable. */
export class ConnectionError extends MarketDataError {
  override name = 'ConnectionError';
  readonly reason: NonNullable<ConnectionErrorOptions['reason']>;
  readonly status: number | undefined;

  constructor(message: string, options: ConnectionErrorOptions = {}) {
    super(message, options);
    this.reason = options.reason ?? 'network';
    this.status = options.status;
  }

  override get retryable(): boolean {
    return this.reason !== 'aborted';
  }
}

/** Options of a {@link RateLimitError}. */
export interface RateLimitErrorOptions extends MarketDataErrorOptions {
  /** How long the server asked us to wait, in ms. */
  readonly retryAfterMs: number;
  /**
   * HTTP status: 429 (slow down) or 418 (blocked); `undefined` when our own limiter held the call until
   * its deadline passed (nothing was refused by the server, the budget was spent).
   */
  readonly status: number | undefined;
  /** Rate-limit group the request belonged to. */
  readonly group?: string | undefined;
}

/** The server refused a request because of its rate limits (HTTP 429) or a block (HTTP 418). */
export class RateLimitError extends ConnectionError {
  override name = 'RateLimitError';
  readonly retryAfterMs: number;
  readonly group: string | undefined;
  /** `true` for a block (HTTP 418): nothing may be sent to the group until it ends. */
  readonly blocked: boolean;

  constructor(message: string, options: RateLimitErrorOptions) {
    super(message, { ...options, reason: 'server', status: options.status });
    this.retryAfterMs = options.retryAfterMs;
    this.group = options.group;
    this.blocked = options.status === 418;
  }
}

/** Options of a {@link StaleStreamError}. */
export interface StaleStreamErrorOptions extends MarketDataErrorOptions {
  /** When the last message arrived (ms since epoch), or `undefined` when none ever did. */
  readonly lastMessageAt: number | undefined;
}

/** A stream stayed silent longer than allowed. */
export class StaleStreamError extends ConnectionError {
  override name = 'StaleStreamError';
  readonly lastMessageAt: number | undefined;

  constructor(message: string, options: StaleStreamErrorOptions) {
    super(message, { ...options, reason: 'closed' });
    this.lastMessageAt = options.lastMessageAt;
  }
}

/** Options of a {@link TimeoutError}. */
export interface TimeoutErrorOptions extends MarketDataErrorOptions {
  /** The deadline that passed, in ms from the call. */
  readonly timeoutMs: number;
}

/**
 * A call did not finish within its deadline (the time waiting in the rate limiter, the requests and
 * the waits between retries, all counted). Retryable: the next call gets a new deadline.
 *
 * @example
 * ```ts
 * try { await backbone.getTicker('KRW-BTC'); } catch (error) {
 *   if (error instanceof TimeoutError) console.warn(`no answer within ${error.timeoutMs} ms`);
 * }
 * ```
 */
export class TimeoutError extends ConnectionError {
  override name = 'TimeoutError';
  readonly timeoutMs: number;

  constructor(message: string, options: TimeoutErrorOptions) {
    super(message, { ...options, reason: 'timeout' });
    this.timeoutMs = options.timeoutMs;
  }
}
