/**
 * The market list of one exchange, cached, and the symbol resolution that checks against it.
 * Names no exchange: splitting and formatting market codes comes from the adapter.
 */
import type { Market } from '../model/market.js';
import { parseUnifiedSymbol } from '../model/symbol.js';
import { UnknownSymbolError } from '../errors/index.js';
import { PromiseCache } from '../cache/promise-cache.js';
import type { ExchangeAdapter } from '../core/exchange-adapter.js';

/** Options of a {@link MarketDirectory}. */
export interface MarketDirectoryOptions {
  /** The exchange whose symbols are resolved. */
  readonly adapter: Pick<ExchangeAdapter, 'id' | 'parseMarket' | 'formatMarket'>;
  /** Fetches and parses the market list; called again once the cached one is older than `ttlMs`. */
  readonly load: () => Promise<Market[]>;
  /** Check symbols against the market list. @default true */
  readonly validate?: boolean | undefined;
  /** How long the market list is reused. @default 300_000 */
  readonly ttlMs?: number | undefined;
  /** Clock for the cache age. @default Date.now */
  readonly now?: (() => number) | undefined;
  /** Throws when the owner no longer accepts calls, so that `getMarkets` rejects with it. @default never throws */
  readonly assertOpen?: (() => void) | undefined;
}

/**
 * The error for a symbol an exchange does not list.
 *
 * @example
 * ```ts
 * throw unknownSymbolError('upbit', 'KRW-NOPE'); // "upbit has no market KRW-NOPE"
 * ```
 */
export function unknownSymbolError(exchange: string, symbol: string): UnknownSymbolError {
  return new UnknownSymbolError(`${exchange} has no market ${symbol}`, { exchange, symbol });
}

/**
 * The cached market list of one exchange, and native/unified symbol resolution against it.
 *
 * Concurrent callers share one market-list request; a failed request is forgotten so the next call
 * tries again. {@link ExchangeClient} delegates its symbol handling here.
 *
 * @example
 * ```ts
 * const directory = new MarketDirectory({ adapter: upbitAdapter, load: fetchUpbitMarkets });
 * await directory.resolveMarket('btc/krw'); // 'KRW-BTC'
 * ```
 */
export class MarketDirectory {
  readonly #adapter: MarketDirectoryOptions['adapter'];
  readonly #load: () => Promise<Market[]>;
  readonly #validate: boolean;
  readonly #assertOpen: () => void;
  readonly #lists: PromiseCache<'markets', Market[]>;
  /** Codes of the last list looked up in, kept with the list they came from. */
  #codes: { readonly list: Market[]; readonly set: ReadonlySet<string> } | undefined;

  constructor(options: MarketDirectoryOptions) {
    this.#adapter = options.adapter;
    this.#load = options.load;
    this.#validate = options.validate ?? true;
    this.#lists = new PromiseCache(options.ttlMs ?? 300_000, options.now ?? Date.now);
    this.#assertOpen = options.assertOpen ?? (() => undefined);
  }

  /**
   * The exchange's markets (cached for `ttlMs`; concurrent callers share one request).
   *
   * @example
   * ```ts
   * const krw = (await directory.getMarkets()).filter((m) => m.quote === 'KRW');
   * ```
   */
  getMarkets(): Promise<Market[]> {
    try {
      this.#assertOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#lists.get('markets', this.#load);
  }

  /**
   * The native code of `symbol` when it is known without waiting: symbol checks are off, or the market
   * list is loaded, fresh and lists it. `undefined` means "ask {@link MarketDirectory.resolveMarket}"
   * (which also gives the error for an unknown symbol).
   *
   * @example
   * ```ts
   * await directory.getMarkets();
   * directory.resolveMarketNow('BTC/KRW'); // 'KRW-BTC'
   * ```
   */
  resolveMarketNow(symbol: string): string | undefined {
    let market: string;
    try {
      market = this.toNative(symbol);
    } catch {
      return undefined;
    }
    if (!this.#validate) return market;
    const list = this.#lists.peek('markets');
    return list !== undefined && this.#listed(list, market) ? market : undefined;
  }

  /**
   * Resolves a native (`KRW-BTC`) or unified (`BTC/KRW`) symbol to the native market code, checking that
   * the exchange lists it. Throws {@link UnknownSymbolError} otherwise.
   *
   * @example
   * ```ts
   * await directory.resolveMarket('btc/krw'); // 'KRW-BTC'
   * ```
   */
  async resolveMarket(symbol: string): Promise<string> {
    let market: string;
    try {
      market = this.toNative(symbol);
    } catch (error) {
      // A native code the adapter cannot split (Binance: a quote asset it does not know) is still valid
      // when the exchange lists it.
      if (!this.#validate) throw error;
      const code = symbol.trim().toUpperCase();
      const listed = await this.getMarkets().then((markets) => this.#listed(markets, code), () => false);
      if (listed) return code;
      throw error;
    }
    if (!this.#validate) return market;
    let markets: Market[];
    try {
      markets = await this.getMarkets();
    } catch {
      return market; // the list is only a pre-check: without it, let the exchange judge
    }
    if (!this.#listed(markets, market)) throw unknownSymbolError(this.#adapter.id, symbol);
    return market;
  }

  /** Whether `list` has `market`: a set lookup, the set built once per list. */
  #listed(list: Market[], market: string): boolean {
    if (this.#codes?.list !== list) this.#codes = { list, set: new Set(list.map((m) => m.market)) };
    return this.#codes.set.has(market);
  }

  /**
   * The native market code of a native or unified symbol, without asking the exchange.
   *
   * @example
   * ```ts
   * directory.toNative('BTC/KRW'); // 'KRW-BTC'
   * ```
   */
  toNative(symbol: string): string {
    const unified = parseUnifiedSymbol(symbol);
    if (unified !== undefined) return this.#adapter.formatMarket(unified);
    const parts = this.#adapter.parseMarket(symbol.trim().toUpperCase());
    if (parts === undefined) throw unknownSymbolError(this.#adapter.id, symbol);
    return this.#adapter.formatMarket(parts);
  }
}
