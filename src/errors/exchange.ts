/**
 * The exchange's own refusals: {@link ExchangeError} and {@link UnknownSymbolError}. These are
 * considered answers, so the transport never retries them.
 */

import { MarketDataError, type MarketDataErrorOptions } from './base.js';

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
