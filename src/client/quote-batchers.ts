/**
 * Batched REST loading of tickers and order books for an {@link ExchangeClient}: concurrent calls are
 * coalesced into one request per chunk, and a batch the exchange rejects is retried market by market.
 * Names no exchange: request building and parsing come from the adapter.
 */
import type { OrderBook } from '../model/order-book.js';
import type { Ticker } from '../model/ticker.js';
import { MarketDataError, UnknownSymbolError } from '../errors/index.js';
import type { ExchangeAdapter, RestRequest } from '../core/exchange-adapter.js';
import { unknownSymbolError } from './market-directory.js';
import { Batcher } from '../transport/http/batcher.js';
import type { ReplyBody, SharedReplies } from './shared-replies.js';

/** Options of a {@link QuoteBatchers}. */
export interface QuoteBatchersOptions {
  /** The exchange whose REST requests are built and parsed. */
  readonly adapter: Pick<ExchangeAdapter, 'id' | 'rest'>;
  /** Sends the requests: shares identical ones in flight and consults the reply cache. */
  readonly replies: Pick<SharedReplies, 'body'>;
  /** Coalesce concurrent calls; `false` sends one market per request. @default true */
  readonly batch?: boolean | undefined;
}

/**
 * Loads a batch; when the exchange rejects the whole batch for an unknown market, asks for each market
 * alone so that only the bad one fails.
 *
 * @example
 * ```ts
 * const byMarket = await loadBatch(['KRW-BTC', 'KRW-NOPE'], (r) => replies.body(r), (m) => upbitAdapter.rest.tickers(m), parse, unknown);
 * byMarket.get('KRW-NOPE'); // an UnknownSymbolError; 'KRW-BTC' still has its ticker
 * ```
 */
export async function loadBatch<T extends { readonly market: string }>(
  markets: readonly string[],
  load: (request: RestRequest) => Promise<ReplyBody>,
  build: (markets: readonly string[]) => RestRequest,
  parse: (body: unknown, receivedAt: number, markets: readonly string[]) => T[],
  unknown: (market: string) => Error,
): Promise<Map<string, T | Error>> {
  try {
    const { body, receivedAt } = await load(build(markets));
    return new Map(parse(body, receivedAt, markets).map((item) => [item.market, item]));
  } catch (error) {
    if (!(error instanceof UnknownSymbolError) || markets.length === 1) throw error;
    const singles = await Promise.all(
      markets.map(async (market): Promise<[string, T | Error]> => {
        try {
          const { body, receivedAt } = await load(build([market]));
          const [item] = parse(body, receivedAt, [market]);
          return [market, item ?? unknown(market)];
        } catch (single) {
          return [market, single instanceof Error ? single : new MarketDataError(String(single))];
        }
      }),
    );
    return new Map(singles);
  }
}

/**
 * The ticker and order-book batchers of one exchange (one order-book batcher per depth asked for).
 *
 * Fifty `ticker` calls issued in one tick become as few requests as the adapter's `maxBatch` allows;
 * a call for a market already pending shares its promise.
 *
 * @example
 * ```ts
 * const quotes = new QuoteBatchers({ adapter: upbitAdapter, replies: new SharedReplies({ exchange: 'upbit', rest: restClient, cache: {} }) });
 * const [btc, book] = await Promise.all([quotes.ticker('KRW-BTC'), quotes.orderBook('KRW-BTC', 5)]);
 * ```
 */
export class QuoteBatchers {
  readonly #adapter: QuoteBatchersOptions['adapter'];
  readonly #replies: QuoteBatchersOptions['replies'];
  readonly #batch: boolean;
  readonly #tickers: Batcher<string, Ticker>;
  readonly #books = new Map<number, Batcher<string, OrderBook>>();

  constructor(options: QuoteBatchersOptions) {
    this.#adapter = options.adapter;
    this.#replies = options.replies;
    this.#batch = options.batch ?? true;
    const rest = this.#adapter.rest;
    this.#tickers = new Batcher<string, Ticker>({
      maxBatch: this.#batch ? rest.maxBatch.ticker : 1,
      load: (markets) =>
        this.#load(
          markets,
          (m) => rest.tickers(m),
          (body, at) => rest.parseTickers(body, { receivedAt: at }),
        ),
      missing: (market) => this.#unknown(market),
    });
  }

  /**
   * The ticker of one native market, batched with the other markets asked for in this tick.
   *
   * @example
   * ```ts
   * const { last } = await quotes.ticker('KRW-BTC');
   * ```
   */
  ticker(market: string): Promise<Ticker> {
    return this.#tickers.load(market);
  }

  /**
   * The order book of one native market, at most `depth` levels a side, batched with concurrent calls
   * of the same depth.
   *
   * @example
   * ```ts
   * const book = await quotes.orderBook('KRW-BTC', 5);
   * ```
   */
  async orderBook(market: string, depth?: number): Promise<OrderBook> {
    const book = await this.#bookBatcher(depth).load(market);
    // Some exchanges only serve fixed sizes (Coinone 5/10/15/16): cut to what was asked.
    if (depth === undefined || (book.bids.length <= depth && book.asks.length <= depth)) return book;
    return { ...book, bids: book.bids.slice(0, depth), asks: book.asks.slice(0, depth) };
  }

  #bookBatcher(depth: number | undefined): Batcher<string, OrderBook> {
    const key = depth ?? 0;
    let batcher = this.#books.get(key);
    if (batcher === undefined) {
      const rest = this.#adapter.rest;
      batcher = new Batcher<string, OrderBook>({
        maxBatch: this.#batch ? rest.maxBatch.orderBook : 1,
        load: (markets) =>
          this.#load(
            markets,
            (m) => rest.orderBooks(m, depth),
            (body, at, asked) => rest.parseOrderBooks(body, { receivedAt: at, market: asked.length === 1 ? asked[0] : undefined }),
          ),
        missing: (m) => this.#unknown(m),
      });
      this.#books.set(key, batcher);
    }
    return batcher;
  }

  #load<T extends { readonly market: string }>(
    markets: readonly string[],
    build: (markets: readonly string[]) => RestRequest,
    parse: (body: unknown, receivedAt: number, markets: readonly string[]) => T[],
  ): Promise<Map<string, T | Error>> {
    return loadBatch(markets, (request) => this.#replies.body(request), build, parse, (m) => this.#unknown(m));
  }

  #unknown(market: string): Error {
    return unknownSymbolError(this.#adapter.id, market);
  }
}
