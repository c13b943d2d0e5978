/**
 * The error tree of market-data-backbone.
 *
 * Every error the library raises is a {@link MarketDataError}. The two families below it say what a
 * caller can do about it: a {@link ConnectionError} is retryable (the transport retries it with
 * backoff and streams show it as a disconnect event), an {@link ExchangeError} is the exchange's
 * considered answer and is not retried. An {@link InvalidArgumentError} is the caller's mistake, caught
before any request. {@link ParseError} and {@link SequenceGapError} describe data
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

export { MarketDataError, isMarketDataError, isRetryableError } from './base.js';
export type { MarketDataErrorOptions } from './base.js';
export { ConnectionError, RateLimitError, StaleStreamError, TimeoutError } from './connection.js';
export type { ConnectionErrorOptions, RateLimitErrorOptions, StaleStreamErrorOptions, TimeoutErrorOptions } from './connection.js';
export { InvalidArgumentError } from './argument.js';
export type { InvalidArgumentErrorOptions } from './argument.js';
export { ExchangeError, UnknownSymbolError } from './exchange.js';
export type { ExchangeErrorOptions, UnknownSymbolErrorOptions } from './exchange.js';
export { ParseError, SequenceGapError } from './parse.js';
export type { ParseErrorOptions, SequenceGapErrorOptions } from './parse.js';
export { AuthenticationError, PrivateStreamUnsupportedError } from './private.js';
export type { AuthenticationErrorOptions } from './private.js';
export { GatewayError } from './gateway.js';
export type { GatewayErrorCode, GatewayErrorOptions } from './gateway.js';
export { RecordingFormatError, RecordingWriteError } from './recording.js';
export type { RecordingFormatErrorOptions, RecordingWriteErrorOptions } from './recording.js';
