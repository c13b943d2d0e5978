/**
 * The market list of one exchange, cached, and the symbol resolution that checks against it.
 * Names no exchange: splitting and formatting market codes comes from the adapter.
 */
import type { Market } from './model/market.js';
import { parseUnifiedSymbol } from './model/symbol.js';
import { UnknownSymbolError } from './errors.js';
import type { ExchangeAdapter } from './exchanges/exchange-adapter.js';

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

interface CachedList {
  readonly at: number;
  readonly list: Promise<Market[]>;
  // Filled once the list arrives, so that synchronous lookups need not wait for the promise.
  codes?: ReadonlySet<string>;
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
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #assertOpen: () => void;
  #cached: CachedList | undefined;

  constructor(options: MarketDirectoryOptions) {
    this.#adapter = options.adapter;
    this.#load = options.load;
    this.#validate = options.validate ?? true;
    this.#ttlMs = options.ttlMs ?? 300_000;
    this.#now = options.now ?? Date.now;
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
    const cached = this.#cached;
    if (cached !== undefined && this.#now() - cached.at < this.#ttlMs) return cached.list;
    const list = this.#load();
    const entry: CachedList = { at: this.#now(), list };
    this.#cached = entry;
    list.then(
      (markets) => {
        entry.codes = new Set(markets.map((m) => m.market));
      },
      () => {
        // A newer request may have replaced this one meanwhile: only forget our own failure.
        if (this.#cached === entry) this.#cached = undefined;
      },
    );
    return list;
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
    const cached = this.#cached;
    if (cached?.codes === undefined || this.#now() - cached.at >= this.#ttlMs) return undefined;
    return cached.codes.has(market) ? market : undefined;
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
      const listed = await this.getMarkets().then((markets) => markets.some((m) => m.market === code), () => false);
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
    if (!markets.some((m) => m.market === market)) throw unknownSymbolError(this.#adapter.id, symbol);
    return market;
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
