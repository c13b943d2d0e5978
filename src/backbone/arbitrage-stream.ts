/**
 * `streamArbitrage`: the order books of one asset on several exchanges, combined with `combineLatest`
 * and an FX stream, priced by the {@link arbitrage} operator. Names no exchange: the quote each exchange
 * trades the asset in is read from its market list.
 */
import { combineLatest, defer, filter, from, map, of, switchMap, throwError, type Observable, type SchedulerLike } from 'rxjs';
import { arbitrage, toFxRate } from '../../operators/arbitrage.js';
import { checkCount, checkOptions, invalid } from '../client/arguments.js';
import { InvalidArgumentError, MarketDataError, UnknownSymbolError } from '../errors/index.js';
import type { ExchangeId } from '../exchanges/registry.js';
import { exchangeAdapters, isExchangeId } from '../exchanges/registry.js';
import type { ArbitrageOptions, ArbitrageSnapshot, FxRate } from '../model/arbitrage.js';
import type { OfficialFxRate } from '../model/fx.js';
import type { PremiumBases } from '../model/premium-bases.js';
import type { Market } from '../model/market.js';
import type { OrderBook } from '../model/order-book.js';
import { parseUnifiedSymbol, toUnifiedSymbol } from '../model/symbol.js';
import type { Ticker } from '../model/ticker.js';

/** Options of `streamArbitrage`. */
export interface StreamArbitrageOptions extends Partial<Omit<ArbitrageOptions, 'quote' | 'bases'>> {
  /** The exchanges to compare (two or more). */
  readonly exchanges: readonly ExchangeId[];
  /** Quote currency every price is converted to. @default 'KRW' */
  readonly quote?: string | undefined;
  /**
   * Where the conversion rate comes from. `'usdt'`: the exchanges' own market (the first pair they list
   * that converts a quote an exchange trades the asset in to `quote`: Upbit's USDT/KRW for Binance's
   * BTC/USDT); `'official'`: the bank's `USD/<quote>` from `streamFx` (USD, USDT and USDC at par);
   * `'both'`: each, every pair reporting `premiums.usdt` and `premiums.official` and the snapshot the
   * `tether` premium (USDT/KRW over the official rate). `exchange:BASE/QUOTE` (`'upbit:USDT/KRW'`)
   * names the market rate (the ticker's last price). The three modes add `premiums`; a market rate alone
   * (named or by default) does not. @default the exchanges' own market rate, as `'usdt'` without `premiums`
   */
  readonly fx?: 'usdt' | 'official' | 'both' | (string & {}) | undefined;
  /** Age (ms, from its arrival) at which the official rate is stale: only when polls keep failing, never because the bank market is closed. @default 180_000 */
  readonly officialStaleAfterMs?: number | undefined;
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
  /** The official rate (needed by the `official` and `both` modes only). */
  streamFx?(pair: string): Observable<OfficialFxRate>;
}

const PREMIUM_BASES: readonly PremiumBases[] = ['usdt', 'official', 'both'];

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
  const { exchanges, quote = 'KRW', fx, depth = 20, officialStaleAfterMs = 180_000, ...pricing } = options;
  return defer(() => {
    if (exchanges.length < 2) throw new MarketDataError('streamArbitrage needs at least two exchanges');
    const bases = PREMIUM_BASES.find((mode) => mode === fx);
    return openLegs(sources, base, { exchanges, quote, fx, depth, officialStaleAfterMs }).pipe(arbitrage({ quote, ...pricing, bases, ...(scheduler === undefined ? {} : { scheduler }) }));
  });
}

/** What {@link openLegs} opens: the exchanges, the target quote, where rates come from, and the depth of each book. */
export interface LegSources {
  readonly exchanges: readonly ExchangeId[];
  readonly quote: string;
  readonly fx: StreamArbitrageOptions['fx'];
  readonly depth: number;
  readonly officialStaleAfterMs: number;
}

/** The latest books of every leg, with the market rate and the official one the `fx` mode asks for. */
export interface LegValues {
  readonly books: Readonly<Record<string, OrderBook>>;
  readonly fx: FxRate | undefined;
  readonly official: FxRate | undefined;
}

/**
 * `combineLatest` of the order books of `base` on each exchange (in the quote each lists it in) and of the
 * rates the `fx` mode needs: the exchanges' own market rate (`usdt`, `both`, `exchange:BASE/QUOTE`, or by
 * default) and the official `USD/<quote>` (`official`, `both`), which turns stale only after
 * `officialStaleAfterMs` from its arrival.
 *
 * @example
 * ```ts
 * openLegs(backbone, 'BTC', { exchanges: ['upbit', 'binance'], quote: 'KRW', fx: 'official', depth: 30, officialStaleAfterMs: 180_000 });
 * ```
 */
export function openLegs(sources: ArbitrageSources, base: string, options: LegSources): Observable<LegValues> {
  const { exchanges, quote, fx, depth, officialStaleAfterMs } = options;
  return defer(() => {
    const asset = base.trim().toUpperCase();
    const bases = PREMIUM_BASES.find((mode) => mode === fx);
    const given = fx === undefined || bases !== undefined ? undefined : parseFxSource(fx);
    const listed = exchanges.map((exchange) => sources.getMarkets({ exchange }));
    const lists$ = listed.some((list) => list instanceof Promise) ? from(Promise.all(listed)) : of(listed as readonly (readonly Market[])[]);
    return lists$.pipe(
      map((lists) => planLegs(lists, exchanges, asset, quote, given, bases === 'both')),
      switchMap(({ legs, rate }) => {
        const books$ = combineLatest(
          Object.fromEntries(legs.map(([exchange, symbol]) => [exchange, sources.streamOrderBook(symbol, { exchange, depth })])),
        );
        const fx$: Observable<FxRate | undefined> =
          rate === undefined || bases === 'official'
            ? of(undefined)
            : sources.streamTicker(toUnifiedSymbol(rate.symbol), { exchange: rate.exchange }).pipe(map(toFxRate), filter((r) => r !== undefined));
        const official$: Observable<FxRate | undefined> =
          bases === undefined || bases === 'usdt' ? of(undefined) : (sources.streamFx?.(`USD/${quote}`) ?? throwError(() => new MarketDataError('no official FX source'))).pipe(map((r) => ({ ...r, staleAfterMs: officialStaleAfterMs })));
        return combineLatest({ books: books$, fx: fx$, official: official$ });
      }),
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
  withUsdt = false,
): { readonly legs: readonly (readonly [ExchangeId, string])[]; readonly rate: FxSource | undefined } {
  // With both bases, the USDT/quote market prices the tether premium even when no leg needs converting.
  const rate = given ?? findFxSource(exchanges, lists, asset, quote) ?? (withUsdt ? findListing(exchanges, lists, 'USDT', quote) : undefined);
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
    const found = findListing(exchanges, lists, market.quote, quote);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The first of `exchanges` listing `base/quote`. */
function findListing(exchanges: readonly ExchangeId[], lists: readonly (readonly Market[])[], base: string, quote: string): FxSource | undefined {
  const exchange = exchanges[lists.findIndex((markets) => markets.some((m) => m.base === base && m.quote === quote))];
  return exchange === undefined ? undefined : { exchange, symbol: { base, quote } };
}

/** Parses `exchange:BASE/QUOTE`. */
function parseFxSource(fx: string): { readonly exchange: ExchangeId; readonly symbol: { readonly base: string; readonly quote: string } } {
  const [exchange = '', pair = ''] = fx.split(':');
  const symbol = parseUnifiedSymbol(pair);
  if (!isExchangeId(exchange) || symbol === undefined) {
    const why = `fx must be 'usdt', 'official', 'both' or exchange:BASE/QUOTE with one of ${Object.keys(exchangeAdapters).join(', ')} as the exchange, got '${fx}'`;
    throw new InvalidArgumentError(why, { argument: 'options.fx', value: fx });
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
  const merged = Array.isArray(exchangesOrOptions) ? { ...checkOptions(options), exchanges: exchangesOrOptions } : checkOptions(exchangesOrOptions as StreamArbitrageOptions);
  checkLegOptions(base, merged);
  const { fx } = merged;
  if (fx !== undefined && !PREMIUM_BASES.some((mode) => mode === fx)) {
    if (typeof fx !== 'string') invalid('options.fx', fx, "fx is 'usdt', 'official', 'both' or exchange:BASE/QUOTE");
    parseFxSource(fx); // a bad one is refused here, before any request
  }
  return merged as StreamArbitrageOptions;
}

/**
 * The arguments every cross-exchange stream shares (arbitrage, consolidated book): a base asset, a list of
 * exchange ids, a depth; an `InvalidArgumentError` names a bad one.
 *
 * @example
 * ```ts
 * checkLegOptions('BTC', { exchanges: ['upbit', 'binance'], depth: 30 });
 * ```
 */
export function checkLegOptions(base: unknown, { exchanges, depth }: { readonly exchanges?: unknown; readonly depth?: unknown }): void {
  if (typeof base !== 'string' || !/^[A-Za-z0-9]{1,32}$/.test(base.trim())) invalid('base', base, 'a base asset is letters and digits such as "BTC"');
  if (!Array.isArray(exchanges) || !exchanges.every((id) => isExchangeId(id))) invalid('exchanges', exchanges, `exchanges are an array of ids of ${Object.keys(exchangeAdapters).join(', ')}`);
  checkCount(depth, 'options.depth');
}
