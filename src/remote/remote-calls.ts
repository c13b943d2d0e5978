/**
 * The calls of the `MarketDataBackbone` facade as a gateway serves them: each one a route of the
 * gateway's HTTP API or a `/v1/stream` channel, answered with the same model values (exact `Big`
 * decimals) as the in-process call. The facade routes here when it was given `gateway` URLs.
 */
import type { Observable } from 'rxjs';
import type { CandleUpdate } from '../../operators/candlesFromTrades.js';
import type { ArbitrageSnapshot, Candle, Market, OrderBook, StatusEvent, Ticker, Trade } from '../model/index.js';
import type { MyAssetEvent, MyOrderEvent } from '../model/account.js';
import { GatewayClient, type GatewayClientOptions } from './gateway-client.js';

/** An exchange the call names (or the default one). */
interface Selector {
  readonly exchange?: string | undefined;
}

/**
 * The facade's calls over a {@link GatewayClient}.
 *
 * @example
 * ```ts
 * const remote = new RemoteCalls({ urls: ['ws://127.0.0.1:8080'] }, 'upbit');
 * const ticker = await remote.getTicker('KRW-BTC', {});
 * ```
 */
export class RemoteCalls {
  readonly client: GatewayClient;
  readonly #defaultExchange: string;

  constructor(options: GatewayClientOptions, defaultExchange: string) {
    this.client = new GatewayClient(options);
    this.#defaultExchange = defaultExchange;
  }

  getMarkets(options: Selector): Promise<Market[]> {
    return this.client.get('/v1/markets', { exchange: this.#exchange(options) });
  }

  getTicker(symbol: string, options: Selector): Promise<Ticker> {
    return this.client.get('/v1/ticker', { exchange: this.#exchange(options), symbol });
  }

  getTickers(symbols: readonly string[], options: Selector): Promise<Ticker[]> {
    return this.client.get('/v1/tickers', { exchange: this.#exchange(options), symbols: symbols.join(',') });
  }

  getOrderBook(symbol: string, options: Selector & { readonly depth?: number | undefined }): Promise<OrderBook> {
    return this.client.get('/v1/orderbook', { exchange: this.#exchange(options), symbol, depth: options.depth });
  }

  getTrades(symbol: string, options: Selector & { readonly count?: number | undefined }): Promise<Trade[]> {
    return this.client.get('/v1/trades', { exchange: this.#exchange(options), symbol, count: options.count });
  }

  getCandles(
    symbol: string,
    interval: string,
    options: Selector & { readonly count?: number | undefined; readonly from?: number | Date | undefined; readonly to?: number | Date | undefined; readonly fill?: boolean | undefined },
  ): Promise<Candle[]> {
    const ms = (time: number | Date | undefined): number | undefined => (time instanceof Date ? time.getTime() : time);
    return this.client.get('/v1/candles', { exchange: this.#exchange(options), symbol, interval, count: options.count, from: ms(options.from), to: ms(options.to), fill: options.fill });
  }

  streamTicker(symbol: string, options: Selector): Observable<Ticker> {
    return this.client.stream({ channel: 'ticker', exchange: this.#exchange(options), symbol });
  }

  streamTrades(symbol: string, options: Selector): Observable<Trade> {
    return this.client.stream({ channel: 'trades', exchange: this.#exchange(options), symbol });
  }

  streamOrderBook(symbol: string, options: Selector & { readonly depth?: number | undefined }): Observable<OrderBook> {
    return this.client.stream({ channel: 'orderbook', exchange: this.#exchange(options), symbol, depth: options.depth });
  }

  streamCandles(symbol: string, interval: string, options: Selector): Observable<CandleUpdate> {
    return this.client.stream({ channel: 'candles', exchange: this.#exchange(options), symbol, interval });
  }

  streamArbitrage(base: string, exchanges: readonly string[]): Observable<ArbitrageSnapshot> {
    return this.client.stream({ channel: 'arbitrage', exchange: this.#defaultExchange, base, exchanges });
  }

  streamStatus(options: Selector): Observable<StatusEvent> {
    return this.client.stream({ channel: 'status', exchange: this.#exchange(options) });
  }

  streamMyOrders(symbol: string | undefined, options: Selector): Observable<MyOrderEvent | StatusEvent> {
    return this.client.stream({ channel: 'myOrder', exchange: this.#exchange(options), symbol });
  }

  streamMyAssets(options: Selector): Observable<MyAssetEvent | StatusEvent> {
    return this.client.stream({ channel: 'myAsset', exchange: this.#exchange(options) });
  }

  close(): void {
    this.client.close();
  }

  #exchange(options: Selector): string {
    return options.exchange ?? this.#defaultExchange;
  }
}
