/**
 * The base of the error tree: {@link MarketDataError}, its shared options and the guards callers use
 * to recognise library errors without importing every subclass.
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
