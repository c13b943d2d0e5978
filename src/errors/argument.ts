/**
 * A caller's mistake, caught before any request is sent: {@link InvalidArgumentError}.
 */

import { MarketDataError, type MarketDataErrorOptions } from './base.js';

/** Options of an {@link InvalidArgumentError}. */
export interface InvalidArgumentErrorOptions extends MarketDataErrorOptions {
  /** Name of the argument or option, e.g. `'symbol'`, `'options.count'`. */
  readonly argument: string;
  /** The value the caller passed. */
  readonly value: unknown;
}

/**
 * An argument of a public method is not acceptable (a symbol that is not a string, an interval the
 * exchange does not have, a count of 0, `from` after `to`, ...). Raised before any I/O; not retryable:
 * the same call fails the same way.
 *
 * @example
 * ```ts
 * try { await backbone.getCandles('KRW-BTC', '2m' as CandleInterval); } catch (error) {
 *   if (error instanceof InvalidArgumentError) console.log(error.argument, error.value); // 'interval' '2m'
 * }
 * ```
 */
export class InvalidArgumentError extends MarketDataError {
  override name = 'InvalidArgumentError';
  readonly argument: string;
  readonly value: unknown;

  constructor(message: string, options: InvalidArgumentErrorOptions) {
    super(message, options);
    this.argument = options.argument;
    this.value = options.value;
  }
}
