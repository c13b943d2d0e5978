/**
 * Coinone market codes. Coinone itself has no symbol string: its API addresses a market by two path
 * segments, quote first (`/orderbook/KRW/BTC`). The library's native code joins them the same way,
 * `QUOTE-TARGET` in upper case (`KRW-BTC`), like Upbit's codes, so one spelling reads the same on both
 * Korean exchanges. The unified symbol is `TARGET/QUOTE` (`BTC/KRW`): Coinone's target is the base.
 */
import type { SymbolParts } from '../../model/symbol.js';

/** The exchange id, put on every model object and error this adapter makes. */
export const COINONE_ID: 'coinone' = 'coinone';

/** A market code: two alphanumeric currency codes joined by one dash. */
const MARKET_CODE = /^([A-Za-z0-9]+)-([A-Za-z0-9]+)$/;

/** A market as Coinone addresses it: the two path segments, upper case. */
export interface CoinonePair {
  readonly quote: string;
  readonly target: string;
}

/**
 * Splits a Coinone market code into base (Coinone's target) and quote, upper case, or `undefined` when
 * it is not one.
 *
 * @example
 * ```ts
 * parseCoinoneMarket('KRW-BTC'); // { base: 'BTC', quote: 'KRW' }
 * parseCoinoneMarket('BTC/KRW'); // undefined (a unified symbol, not a market code)
 * ```
 */
export function parseCoinoneMarket(market: string): SymbolParts | undefined {
  const match = MARKET_CODE.exec(market);
  if (match === null) return undefined;
  return { base: match[2]!.toUpperCase(), quote: match[1]!.toUpperCase() };
}

/**
 * Builds the Coinone market code of a base/quote pair.
 *
 * @example
 * ```ts
 * formatCoinoneMarket({ base: 'btc', quote: 'krw' }); // 'KRW-BTC'
 * ```
 */
export function formatCoinoneMarket(parts: SymbolParts): string {
  return `${parts.quote.toUpperCase()}-${parts.base.toUpperCase()}`;
}

/**
 * The market code of Coinone's `quote_currency` / `target_currency` pair. Coinone answers in lower case
 * on some endpoints (`ticker_new`, some `trades` replies), so both are upper-cased.
 *
 * @example
 * ```ts
 * toCoinoneMarket('krw', 'btc'); // 'KRW-BTC'
 * ```
 */
export function toCoinoneMarket(quote: string, target: string): string {
  return `${quote.toUpperCase()}-${target.toUpperCase()}`;
}

/**
 * The path segments of a market code (`KRW-BTC` → quote `KRW`, target `BTC`). Throws a `RangeError` when
 * `market` is not a market code: request builders cannot address anything else.
 *
 * @example
 * ```ts
 * toCoinonePair('KRW-BTC'); // { quote: 'KRW', target: 'BTC' }
 * ```
 */
export function toCoinonePair(market: string): CoinonePair {
  const parts = parseCoinoneMarket(market);
  if (parts === undefined) throw new RangeError(`Coinone market code is invalid: ${market} (expected QUOTE-TARGET, e.g. KRW-BTC)`);
  return { quote: parts.quote, target: parts.base };
}
