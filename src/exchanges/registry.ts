/**
 * Every exchange the library knows, by id. Adding an exchange is one folder and one line here.
 */
import type { ExchangeAdapter } from '../core/exchange-adapter.js';
import { binanceAdapter } from './binance/index.js';
import { coinoneAdapter } from './coinone/index.js';
import { upbitAdapter } from './upbit/index.js';

/** The registered adapters. */
export const exchangeAdapters = {
  upbit: upbitAdapter,
  coinone: coinoneAdapter,
  binance: binanceAdapter,
} satisfies Record<string, ExchangeAdapter>;

/** Id of a registered exchange (`'upbit'`, ...). */
export type ExchangeId = keyof typeof exchangeAdapters;

/** The exchange used when a call names none. */
export const DEFAULT_EXCHANGE: ExchangeId = 'upbit';

/**
 * `true` when `id` names a registered exchange.
 *
 * @example
 * ```ts
 * isExchangeId('upbit'); // true
 * ```
 */
export function isExchangeId(id: string): id is ExchangeId {
  return Object.prototype.hasOwnProperty.call(exchangeAdapters, id);
}
