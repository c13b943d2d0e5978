/**
 * Where a test value belongs: the exchange, the unified symbol and the exchange's own market code, read
 * from a symbol in either form (`KRW-BTC` or `BTC/KRW` on Upbit) with the exchange adapter's own rules.
 */
import { checkSymbol, invalid } from '../../client/arguments.js';
import { DEFAULT_EXCHANGE, exchangeAdapters, isExchangeId, type ExchangeId } from '../../exchanges/registry.js';
import { parseUnifiedSymbol, toUnifiedSymbol } from '../../model/symbol.js';

/** One market of one exchange, in both spellings. */
export interface ResolvedMarket {
  readonly exchange: ExchangeId;
  /** Unified `BASE/QUOTE`. */
  readonly symbol: string;
  /** The exchange's code (`KRW-BTC`, `BTCUSDT`). */
  readonly market: string;
  readonly base: string;
  readonly quote: string;
}

/**
 * The exchange an option names, or the default one (`upbit`); an {@link InvalidArgumentError} for an id
 * the library does not know.
 *
 * @example
 * ```ts
 * checkExchange(undefined); // 'upbit'
 * ```
 */
export function checkExchange(value: unknown, argument = 'options.exchange'): ExchangeId {
  if (value === undefined) return DEFAULT_EXCHANGE;
  if (typeof value !== 'string' || !isExchangeId(value)) return invalid(argument, value, `an exchange is one of ${Object.keys(exchangeAdapters).join(', ')}`);
  return value;
}

/**
 * Resolves `symbol` (native or unified) on `exchange`, as the backbone's market directory would, without
 * asking the exchange: any well-formed pair is a market here.
 *
 * @example
 * ```ts
 * resolveMarket('binance', 'BTC/USDT').market; // 'BTCUSDT'
 * resolveMarket('upbit', 'KRW-BTC').symbol;    // 'BTC/KRW'
 * ```
 */
export function resolveMarket(exchange: ExchangeId, symbol: unknown, argument = 'symbol'): ResolvedMarket {
  const text = checkSymbol(symbol, argument);
  const adapter = exchangeAdapters[exchange];
  const parts = text.includes('/') ? parseUnifiedSymbol(text) : adapter.parseMarket(text);
  if (parts === undefined) return invalid(argument, symbol, `neither a ${exchange} market code nor BASE/QUOTE`, exchange);
  return { exchange, symbol: toUnifiedSymbol(parts), market: adapter.formatMarket(parts), base: parts.base, quote: parts.quote };
}
