/**
 * Errors of the gateway (`mdb serve`) and of its client: a request the gateway refused, or a gateway
 * that could not be reached at any of the configured URLs.
 */

import { MarketDataError, type MarketDataErrorOptions } from './base.js';

/** Why the gateway refused a request; sent on the wire as `error.code`. */
export type GatewayErrorCode =
  | 'bad-json'
  | 'bad-request'
  | 'unknown-op'
  | 'frame-too-large'
  | 'too-many-subscriptions'
  | 'rate-limited'
  | 'unauthorized'
  | 'not-found'
  | 'not-subscribed'
  | 'slow-client'
  | 'draining'
  | 'unreachable';

/** Options of a {@link GatewayError}. */
export interface GatewayErrorOptions extends MarketDataErrorOptions {
  /** Why the gateway refused the request. */
  readonly code: GatewayErrorCode;
}

/**
 * The gateway refused a request (bad JSON, unknown op, a frame or subscription count over the caps, a
 * private channel without a valid token), or no gateway URL could be reached (`code: 'unreachable'`,
 * retryable). Errors of the exchange behind the gateway keep their own class (`UnknownSymbolError`,
 * `RateLimitError`, ...).
 *
 * @example
 * ```ts
 * backbone.streamMyOrders().subscribe({ error: (e) => e instanceof GatewayError && e.code === 'unauthorized' && askForToken() });
 * ```
 */
export class GatewayError extends MarketDataError {
  override name = 'GatewayError';
  readonly code: GatewayErrorCode;

  constructor(message: string, options: GatewayErrorOptions) {
    super(message, options);
    this.code = options.code;
  }

  override get retryable(): boolean {
    return this.code === 'unreachable' || this.code === 'rate-limited' || this.code === 'draining';
  }
}
