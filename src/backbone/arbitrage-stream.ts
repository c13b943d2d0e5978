/**
 * `streamArbitrage`: the order books of one asset on several exchanges, combined with `combineLatest`
 * and an FX stream, priced by the {@link arbitrage} operator. Names no exchange: the quote each exchange
 * trades the asset in is read from its market list.
 */
import { combineLatest, defer, filter, from, map, of, switchMap, type Observable, type SchedulerLike } from 'rxjs';
import { arbitrage, toFxRate } from '../../operators/arbitrage.js';
import { checkCount, checkOptions, invalid } from '../client/arguments.js';
import { MarketDataError, UnknownSymbolError } from '../errors/index.js';
import type { ExchangeId } from '../exchanges/registry.js';
import { exchangeAdapters, isExchangeId } from '../exchanges/registry.js';
import type { ArbitrageOptions, ArbitrageSnapshot, FxRate } from '../model/arbitrage.js';
import type { Market } from '../model/market.js';
import type { OrderBook } from '../model/order-book.js';
import { parseUnifiedSymbol, toUnifiedSymbol } from '../model/symbol.js';
import type { Ticker } from '../model/ticker.js';

/** Options of `streamArbitrage`. */
export interface StreamArbitrageOptions extends Partial<Omit<ArbitrageOptions, 'quote'>> {
  /** The exchanges to compare (two or more). */
  readonly exchanges: readonly ExchangeId[];
  /** Quote currency every price is converted to. @default 'KRW' */
  readonly quote?: string | undefined;
  /**
   * Where the conversion rate comes from, as `exchange:BASE/QUOTE` (`'upbit:USDT/KRW'`: KRW per USDT,
   * the ticker's last price). Exchanges that do not list the asset in `quote` are read in `BASE` of this
   * rate (`BTC/USDT` on Binance). @default the first pair the exchanges list that converts a quote an
   * exchange trades the asset in to `quote` (none when every exchange lists the asset in `quote`)
   */
  readonly fx?: string | undefined;
  /** Levels per side of each book (the executable quantity looks this deep). @default 20 */
  readonly depth?: number | undefined;
}

/**
 * What `streamArbitrage` needs of the facade. A source that knows its markets at once (the test backbone
 * of `market-data-backbone/testing`) lists them without a promise, and the legs are planned synchronously,
 * within the same virtual frame.
 */
export interface ArbitrageSources {
  getMarkets(options: { readonly exchange: ExchangeId }): Promise<Market[]> | readonly Market[];
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
export function streamArbitrage(sources: ArbitrageSources, base: string, options: StreamArbitrageOptions, scheduler?: SchedulerLike): Observable<ArbitrageSnapshot> {
  const { exchanges, quote = 'KRW', fx, depth = 20, ...pricing } = options;
  return defer(() => {
    if (exchanges.length < 2) throw new MarketDataError('streamArbitrage needs at least two exchanges');
    const asset = base.trim().toUpperCase();
    const given = fx === undefined ? undefined : parseFxSource(fx);
    const listed = exchanges.map((exchange) => sources.getMarkets({ exchange }));
    const lists$ = listed.some((list) => list instanceof Promise) ? from(Promise.all(listed)) : of(listed as readonly (readonly Market[])[]);
    return lists$.pipe(
      map((lists) => planLegs(lists, exchanges, asset, quote, given)),
      switchMap(({ legs, rate }) => {
        const books$ = combineLatest(
          Object.fromEntries(legs.map(([exchange, symbol]) => [exchange, sources.streamOrderBook(symbol, { exchange, depth })])),
        );
        const fx$: Observable<FxRate | undefined> =
          rate === undefined
            ? of(undefined)
            : sources.streamTicker(toUnifiedSymbol(rate.symbol), { exchange: rate.exchange }).pipe(map(toFxRate), filter((r) => r !== undefined));
        return combineLatest({ books: books$, fx: fx$ });
      }),
      arbitrage({ quote, ...pricing, ...(scheduler === undefined ? {} : { scheduler }) }),
    );
  });
}

type FxSource = ReturnType<typeof parseFxSource>;

/**
 * The symbol each exchange trades `asset` in (`lists`: each exchange's markets), and the FX rate that converts the others to `quote`:
 * the given one, or else the first the exchanges themselves list. With no `fx`, an exchange that does not
 * list `asset` in `quote` is read in a quote `Q` it does list, converted at `Q/quote` from the first of
 * `exchanges` trading that pair (Binance's BTC/USDT at Upbit's USDT/KRW).
 */
function planLegs(
  lists: readonly (readonly Market[])[],
  exchanges: readonly ExchangeId[],
  asset: string,
  quote: string,
  given: FxSource | undefined,
): { readonly legs: readonly (readonly [ExchangeId, string])[]; readonly rate: FxSource | undefined } {
  const rate = given ?? findFxSource(exchanges, lists, asset, quote);
  const quotes = rate === undefined ? [quote] : [quote, rate.symbol.base];
  const legs = exchanges.map((exchange, i) => {
    const listed = quotes.find((q) => (lists[i] ?? []).some((m) => m.base === asset && m.quote === q));
    if (listed === undefined) {
      const hint = given === undefined ? `; pass fx: 'exchange:BASE/${quote}' to convert another quote` : '';
      throw new UnknownSymbolError(`${exchange} lists ${asset} in none of ${quotes.join(', ')}${hint}`, { exchange, symbol: asset });
    }
    return [exchange, `${asset}/${listed}`] as const;
  });
  return { legs, rate };
}

/** The conversion the exchanges offer for the first of them not listing `asset` in `quote` (none needed: `undefined`). */
function findFxSource(exchanges: readonly ExchangeId[], lists: readonly (readonly Market[])[], asset: string, quote: string): FxSource | undefined {
  const lacking = lists.findIndex((markets) => !markets.some((m) => m.base === asset && m.quote === quote));
  if (lacking < 0) return undefined;
  for (const market of lists[lacking] ?? []) {
    if (market.base !== asset) continue;
    const at = lists.findIndex((markets) => markets.some((m) => m.base === market.quote && m.quote === quote));
    const exchange = exchanges[at];
    if (exchange !== undefined) return { exchange, symbol: { base: market.quote, quote } };
  }
  return undefined;
}

/** Parses `exchange:BASE/QUOTE`. */
function parseFxSource(fx: string): { readonly exchange: ExchangeId; readonly symbol: { readonly base: string; readonly quote: string } } {
  const [exchange = '', pair = ''] = fx.split(':');
  const symbol = parseUnifiedSymbol(pair);
  if (!isExchangeId(exchange) || symbol === undefined) {
    throw new MarketDataError(`fx must be exchange:BASE/QUOTE with one of ${Object.keys(exchangeAdapters).join(', ')} as the exchange, got '${fx}'`);
  }
  return { exchange, symbol };
}

/**
 * The arguments of the facade's `streamArbitrage` (either overload), checked and merged into one
 * {@link StreamArbitrageOptions}; an `InvalidArgumentError` names a bad one.
 *
 * @example
 * ```ts
 * checkArbitrageArguments('BTC', ['upbit', 'binance'], { fees: { binance: '0.001' } }).exchanges; // ['upbit', 'binance']
 * ```
 */
export function checkArbitrageArguments(
  base: string,
  exchangesOrOptions: readonly ExchangeId[] | StreamArbitrageOptions,
  options: Omit<StreamArbitrageOptions, 'exchanges'> = {},
): StreamArbitrageOptions {
  if (typeof base !== 'string' || !/^[A-Za-z0-9]{1,32}$/.test(base.trim())) invalid('base', base, 'a base asset is letters and digits such as "BTC"');
  const merged = Array.isArray(exchangesOrOptions) ? { ...checkOptions(options), exchanges: exchangesOrOptions } : checkOptions(exchangesOrOptions as StreamArbitrageOptions);
  const { exchanges } = merged;
  if (!Array.isArray(exchanges) || !exchanges.every((id) => isExchangeId(id))) invalid('exchanges', exchanges, `exchanges are an array of ids of ${Object.keys(exchangeAdapters).join(', ')}`);
  checkCount(merged.depth, 'options.depth');
  return merged as StreamArbitrageOptions;
}
