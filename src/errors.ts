/**
 * The error tree of market-data-backbone.
 *
 * Every error the library raises is a {@link MarketDataError}. The two families below it say what a
 * caller can do about it: a {@link ConnectionError} is retryable (the transport retries it with
 * backoff and streams show it as a disconnect event), an {@link ExchangeError} is the exchange's
 * considered answer and is not retried. {@link ParseError} and {@link SequenceGapError} describe data
 * that arrived but cannot be trusted.
 *
 * Messages read "What failed: context". Secrets never appear in a message or in `raw`.
 *
 * @example
 * ```ts
 * import { isMarketDataError, UnknownSymbolError } from 'market-data-backbone';
 * try {
 *   await backbone.getTicker('KRW-NOPE');
 * } catch (error) {
 *   if (error instanceof UnknownSymbolError) console.log('no such market:', error.symbol);
 *   else if (isMarketDataError(error) && error.retryable) console.log('try again later');
 * }
 * ```
 */

/** Options shared by every error constructor. */
export interface MarketDataErrorOptions {
  /** Exchange id the error came from, when there is one. */
  readonly exchange?: string | undefined;
  /** The lower-level error that caused this one (ES2022 `cause`). */
  readonly cause?: unknown;
}

/** Base class of every error raised by the library. */
export class MarketDataError extends Error {
  override name = 'MarketDataError';
  /** Exchange id the error came from, when there is one. */
  readonly exchange: string | undefined;

  constructor(message: string, options: MarketDataErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exchange = options.exchange;
  }

  /** `true` when trying again later can succeed (network trouble, rate limits, stale streams). */
  get retryable(): boolean {
    return false;
  }
}

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
  /** HTTP status: 429 (slow down) or 418 (blocked). */
  readonly status: number;
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

/** Options of an {@link ExchangeError}. */
export interface ExchangeErrorOptions extends MarketDataErrorOptions {
  /** The exchange's own error code (`404`, `'invalid_query_payload'`, `-1121`, ...). */
  readonly code: string | number;
  /** HTTP status, when the error came from a REST reply. */
  readonly status?: number | undefined;
  /** The raw error payload, for logging. */
  readonly raw?: unknown;
}

/** The exchange answered with an error of its own; not retried. */
export class ExchangeError extends MarketDataError {
  override name = 'ExchangeError';
  readonly code: string | number;
  readonly status: number | undefined;
  readonly raw: unknown;

  constructor(message: string, options: ExchangeErrorOptions) {
    super(message, options);
    this.code = options.code;
    this.status = options.status;
    this.raw = options.raw;
  }
}

/** Options of an {@link UnknownSymbolError}. */
export interface UnknownSymbolErrorOptions extends Omit<ExchangeErrorOptions, 'code'> {
  readonly code?: string | number;
  /** The symbol as the caller gave it. */
  readonly symbol: string;
}

/** The market does not exist on the exchange. */
export class UnknownSymbolError extends ExchangeError {
  override name = 'UnknownSymbolError';
  readonly symbol: string;

  constructor(message: string, options: UnknownSymbolErrorOptions) {
    super(message, { ...options, code: options.code ?? 'unknown_symbol' });
    this.symbol = options.symbol;
  }
}

/** Options of a {@link ParseError}. */
export interface ParseErrorOptions extends MarketDataErrorOptions {
  /** What was being parsed: an endpoint path or a stream channel. */
  readonly channel: string;
  /** The raw text or value, cut to 500 characters. */
  readonly raw: string;
}

/** A reply or frame could not be parsed into the model. */
export class ParseError extends MarketDataError {
  override name = 'ParseError';
  readonly channel: string;
  readonly raw: string;

  constructor(message: string, options: ParseErrorOptions) {
    super(message, options);
    this.channel = options.channel;
    this.raw = options.raw.length > 500 ? `${options.raw.slice(0, 500)}…` : options.raw;
  }
}

/** Options of a {@link SequenceGapError}. */
export interface SequenceGapErrorOptions extends MarketDataErrorOptions {
  readonly expected: string;
  readonly received: string;
}

/** A sequenced stream (order-book diffs) skipped an update; the state must be rebuilt. */
export class SequenceGapError extends MarketDataError {
  override name = 'SequenceGapError';
  readonly expected: string;
  readonly received: string;

  constructor(message: string, options: SequenceGapErrorOptions) {
    super(message, options);
    this.expected = options.expected;
    this.received = options.received;
  }

  override get retryable(): boolean {
    return true;
  }
}

/**
 * Type guard for errors raised by this library.
 *
 * @example
 * ```ts
 * if (isMarketDataError(error) && error.retryable) scheduleRetry();
 * ```
 */
export function isMarketDataError(error: unknown): error is MarketDataError {
  return error instanceof MarketDataError;
}

/**
 * `true` for errors worth retrying: retryable library errors.
 *
 * @example
 * ```ts
 * retryBackoff({ shouldRetry: isRetryableError });
 * ```
 */
export function isRetryableError(error: unknown): boolean {
  return isMarketDataError(error) && error.retryable;
}
