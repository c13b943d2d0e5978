/**
 * Upbit market codes: `QUOTE-BASE`, upper case (`KRW-BTC`, `BTC-ETH`, `USDT-BTC`). The unified symbol
 * is `BASE/QUOTE` (`BTC/KRW`).
 */
import type { SymbolParts } from '../../model/symbol.js';

/** The exchange id, put on every model object and error this adapter makes. */
export const UPBIT_ID: 'upbit' = 'upbit';

/** A market code: two alphanumeric codes joined by one dash. Compiled once, used on every reply item. */
const MARKET_CODE = /^([A-Za-z0-9]+)-([A-Za-z0-9]+)$/;

/**
 * Splits an Upbit market code into base and quote (upper case), or `undefined` when it is not one.
 *
 * @example
 * ```ts
 * parseUpbitMarket('KRW-BTC'); // { base: 'BTC', quote: 'KRW' }
 * parseUpbitMarket('BTCKRW'); // undefined
 * ```
 */
export function parseUpbitMarket(market: string): SymbolParts | undefined {
  const match = MARKET_CODE.exec(market);
  if (match === null) return undefined;
  return { base: match[2]!.toUpperCase(), quote: match[1]!.toUpperCase() };
}

/**
 * Builds the Upbit market code of a base/quote pair.
 *
 * @example
 * ```ts
 * formatUpbitMarket({ base: 'BTC', quote: 'KRW' }); // 'KRW-BTC'
 * ```
 */
export function formatUpbitMarket(parts: SymbolParts): string {
  return `${parts.quote.toUpperCase()}-${parts.base.toUpperCase()}`;
}

/**
 * The unified `BASE/QUOTE` symbol of an Upbit market code, or `undefined` when it is not one.
 *
 * Mappers call this once per item, so it builds the string directly instead of going through
 * {@link parseUpbitMarket} and an intermediate object.
 *
 * @example
 * ```ts
 * toUpbitSymbol('KRW-BTC'); // 'BTC/KRW'
 * ```
 */
export function toUpbitSymbol(market: string): string | undefined {
  const match = MARKET_CODE.exec(market);
  if (match === null) return undefined;
  return `${match[2]!.toUpperCase()}/${match[1]!.toUpperCase()}`;
}
