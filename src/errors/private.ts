/**
 * Errors of private (signed) access: refused credentials, and private streams a runtime cannot open.
 */

import { MarketDataError, type MarketDataErrorOptions } from './base.js';
import { ExchangeError, type ExchangeErrorOptions } from './exchange.js';

/** Options of an {@link AuthenticationError}. */
export interface AuthenticationErrorOptions extends ExchangeErrorOptions {}

/**
 * The exchange refused the credentials or the signature (Upbit `jwt_verification`, `nonce_used`,
 * `invalid_access_key`, `invalid_query_payload`, `no_authorization_ip`, `expired_access_key`, or a
 * private WebSocket's `INVALID_AUTH`). Not retryable: fix the keys, the clock or the allow-listed IP.
 *
 * @example
 * ```ts
 * try { await client.getAccounts(); } catch (error) {
 *   if (error instanceof AuthenticationError && error.code === 'nonce_used') console.warn('nonce reused');
 * }
 * ```
 */
export class AuthenticationError extends ExchangeError {
  override name = 'AuthenticationError';
}

/**
 * Private streams cannot run here: the runtime's WebSocket cannot send the `Authorization` header
 * (browsers). Run a server-side gateway that holds the keys and relays the stream.
 *
 * @example
 * ```ts
 * client.streamMyOrders().subscribe({ error: (e) => e instanceof PrivateStreamUnsupportedError && showGatewayHint() });
 * ```
 */
export class PrivateStreamUnsupportedError extends MarketDataError {
  override name = 'PrivateStreamUnsupportedError';

  constructor(exchange: string, options: MarketDataErrorOptions = {}) {
    super(
      `Private stream is not available in this runtime: ${exchange} requires an Authorization header on the WebSocket upgrade, ` +
        'which browser WebSockets cannot send; use a server-side gateway that holds the API keys',
      { ...options, exchange },
    );
  }
}
