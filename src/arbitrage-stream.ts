/**
 * `streamArbitrage`: the order books of one asset on several exchanges, combined with `combineLatest`
 * and an FX stream, priced by the {@link arbitrage} operator. Names no exchange: the quote each exchange
 * trades the asset in is read from its market list.
 */
import { combineLatest, defer, filter, from, map, of, switchMap, type Observable } from 'rxjs';
import { arbitrage, toFxRate } from '../operators/arbitrage.js';
import { MarketDataError, UnknownSymbolError } from './errors.js';
import type { ExchangeId } from './exchanges/registry.js';
import { isExchangeId } from './exchanges/registry.js';
import type { ArbitrageOptions, ArbitrageSnapshot, FxRate } from './model/arbitrage.js';
import type { Market } from './model/market.js';
import type { OrderBook } from './model/order-book.js';
import { parseUnifiedSymbol, toUnifiedSymbol } from './model/symbol.js';
import type { Ticker } from './model/ticker.js';

/** Options of `streamArbitrage`. */
export interface StreamArbitrageOptions extends Partial<Omit<ArbitrageOptions, 'quote'>> {
  /** The exchanges to compare (two or more). */
  readonly exchanges: readonly ExchangeId[];
  /** Quote currency every price is converted to. @default 'KRW' */
  readonly quote?: string | undefined;
  /**
   * Where the conversion rate comes from, as `exchange:BASE/QUOTE` (`'upbit:USDT/KRW'`: KRW per USDT,
   * the ticker's last price). Exchanges that do not list the asset in `quote` are read in `BASE` of this
   * rate (`BTC/USDT` on Binance). @default no conversion (only exchanges listing the asset in `quote`)
   */
  readonly fx?: string | undefined;
  /** Levels per side of each book (the executable quantity looks this deep). @default 20 */
  readonly depth?: number | undefined;
}

/** What `streamArbitrage` needs of the facade. */
export interface ArbitrageSources {
  getMarkets(options: { readonly exchange: ExchangeId }): Promise<Market[]>;
  streamOrderBook(symbol: string, options: { readonly exchange: ExchangeId; readonly depth?: number }): Observable<OrderBook>;
  streamTicker(symbol: string, options: { readonly exchange: ExchangeId }): Observable<Ticker>;
}

/**
 * The live premium and executable spreads of `base` across exchanges (see the facade's
 * `streamArbitrage`).
 *
 * @example
 * ```ts
 * streamArbitrage(backbone, 'BTC', { exchanges: ['upbit', 'binance'], fx: 'upbit:USDT/KRW' }).subscribe(render);
 * ```
 */
export function streamArbitrage(sources: ArbitrageSources, base: string, options: StreamArbitrageOptions): Observable<ArbitrageSnapshot> {
  const { exchanges, quote = 'KRW', fx, depth = 20, ...pricing } = options;
  return defer(() => {
    if (exchanges.length < 2) throw new MarketDataError('streamArbitrage needs at least two exchanges');
    const rate = fx === undefined ? undefined : parseFxSource(fx);
    const quotes = rate === undefined ? [quote] : [quote, rate.symbol.base];
    const asset = base.trim().toUpperCase();
    return from(Promise.all(exchanges.map(async (exchange) => [exchange, await pickSymbol(sources, exchange, asset, quotes)] as const))).pipe(
      switchMap((legs) => {
        const books$ = combineLatest(
          Object.fromEntries(legs.map(([exchange, symbol]) => [exchange, sources.streamOrderBook(symbol, { exchange, depth })])),
        );
        const fx$: Observable<FxRate | undefined> =
          rate === undefined
            ? of(undefined)
            : sources.streamTicker(toUnifiedSymbol(rate.symbol), { exchange: rate.exchange }).pipe(map(toFxRate), filter((r) => r !== undefined));
        return combineLatest({ books: books$, fx: fx$ });
      }),
      arbitrage({ quote, ...pricing }),
    );
  });
}

/** Parses `exchange:BASE/QUOTE`. */
function parseFxSource(fx: string): { readonly exchange: ExchangeId; readonly symbol: { readonly base: string; readonly quote: string } } {
  const [exchange = '', pair = ''] = fx.split(':');
  const symbol = parseUnifiedSymbol(pair);
  if (!isExchangeId(exchange) || symbol === undefined) {
    throw new MarketDataError(`fx must look like 'upbit:USDT/KRW' (exchange:BASE/QUOTE), got '${fx}'`);
  }
  return { exchange, symbol };
}

/** The first of `quotes` in which `exchange` lists `base`, as a unified symbol. */
async function pickSymbol(sources: ArbitrageSources, exchange: ExchangeId, base: string, quotes: readonly string[]): Promise<string> {
  const markets = await sources.getMarkets({ exchange });
  for (const quote of quotes) {
    if (markets.some((m) => m.base === base && m.quote === quote)) return `${base}/${quote}`;
  }
  throw new UnknownSymbolError(`${exchange} lists ${base} in none of ${quotes.join(', ')}`, { exchange, symbol: base });
}
