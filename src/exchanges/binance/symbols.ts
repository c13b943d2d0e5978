/**
 * Binance Spot market codes: base and quote concatenated, upper case (`BTCUSDT`, `ETHBTC`). Stream
 * names use the lower-case code (`btcusdt@trade`). The unified symbol is `BASE/QUOTE` (`BTC/USDT`).
 *
 * A code cannot be split reliably by string rules (assets have 2 to 10 characters), so the market list
 * (`exchangeInfo`'s `baseAsset`/`quoteAsset`) is the authority. {@link parseBinanceMarket} is the
 * fallback for a bare code: it splits off the longest known quote asset.
 */
import type { SymbolParts } from '../../model/symbol.js';

/** The exchange id, put on every model object and error this adapter makes. */
export const BINANCE_ID: 'binance' = 'binance';

/**
 * Quote assets Binance Spot lists markets in (stablecoins, crypto and fiat), as seen in `exchangeInfo`.
 * Matched as a suffix, longest first, so `FDUSD` wins over a shorter asset that ends the same way.
 */
export const BINANCE_QUOTE_ASSETS: readonly string[] = [
  'USDT', 'FDUSD', 'USDC', 'TUSD', 'BUSD', 'USDP', 'USDS', 'DAI', 'AEUR', 'EURI', 'PAX', 'VAI', 'UST',
  'BTC', 'ETH', 'BNB', 'XRP', 'TRX', 'DOGE', 'DOT', 'SOL',
  'TRY', 'EUR', 'GBP', 'AUD', 'BRL', 'JPY', 'ARS', 'MXN', 'PLN', 'RON', 'ZAR', 'UAH', 'NGN', 'RUB', 'COP',
  'CZK', 'IDR', 'IDRT', 'BIDR', 'BKRW', 'BVND',
];

/** The quote list, longest first: the first suffix that matches is the longest. */
const QUOTES_LONGEST_FIRST: readonly string[] = [...BINANCE_QUOTE_ASSETS].sort((a, b) => b.length - a.length);

/** A market code: letters and digits only. */
const MARKET_CODE = /^[A-Za-z0-9]+$/;

/**
 * Splits a Binance market code into base and quote (upper case) by its longest known quote-asset
 * suffix ({@link BINANCE_QUOTE_ASSETS}), or `undefined` when it is not a code or no quote matches.
 *
 * @example
 * ```ts
 * parseBinanceMarket('BTCUSDT'); // { base: 'BTC', quote: 'USDT' }
 * parseBinanceMarket('BTCFDUSD'); // { base: 'BTC', quote: 'FDUSD' }
 * parseBinanceMarket('KRW-BTC'); // undefined
 * ```
 */
export function parseBinanceMarket(market: string): SymbolParts | undefined {
  if (!MARKET_CODE.test(market)) return undefined;
  const code = market.toUpperCase();
  for (const quote of QUOTES_LONGEST_FIRST) {
    if (code.length > quote.length && code.endsWith(quote)) {
      return { base: code.slice(0, code.length - quote.length), quote };
    }
  }
  return undefined;
}

/**
 * Builds the Binance market code of a base/quote pair.
 *
 * @example
 * ```ts
 * formatBinanceMarket({ base: 'BTC', quote: 'USDT' }); // 'BTCUSDT'
 * ```
 */
export function formatBinanceMarket(parts: SymbolParts): string {
  return `${parts.base}${parts.quote}`.toUpperCase();
}

/**
 * The unified `BASE/QUOTE` symbol of a market code as sent in replies and frames (`s`). A code whose
 * quote asset is not in {@link BINANCE_QUOTE_ASSETS} keeps its native spelling, so an event of a new
 * quote asset is still delivered (routing uses `market`, not `symbol`).
 *
 * @example
 * ```ts
 * toBinanceSymbol('ETHBTC'); // 'ETH/BTC'
 * toBinanceSymbol('ABCXYZ'); // 'ABCXYZ'
 * ```
 */
export function toBinanceSymbol(market: string): string {
  // Called for every event: a stream carries few markets, so remember them (bounded, for safety).
  let symbol = SYMBOLS.get(market);
  if (symbol === undefined) {
    const parts = parseBinanceMarket(market);
    symbol = parts === undefined ? market : `${parts.base}/${parts.quote}`;
    if (SYMBOLS.size >= 4096) SYMBOLS.clear();
    SYMBOLS.set(market, symbol);
  }
  return symbol;
}

/** Symbols of the market codes seen so far (see {@link toBinanceSymbol}). */
const SYMBOLS = new Map<string, string>();
