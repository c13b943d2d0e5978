/**
 * What the gateway serves from: the {@link MarketDataBackbone} calls it uses (a backbone fits as it
 * is; a test can pass a stand-in), and how a {@link StreamSpec} opens its one upstream stream.
 */
import type { Observable } from 'rxjs';
import type { MarketDataBackbone } from '../backbone/backbone.js';
import type { ExchangeId } from '../exchanges/registry.js';
import type { CandleInterval } from '../model/candle.js';
import { GatewayError } from '../errors/index.js';
import type { StreamSpec } from '../remote/gateway-protocol.js';

/** The calls of a {@link MarketDataBackbone} the gateway answers with. */
export type GatewaySource = Pick<
  MarketDataBackbone,
  | 'getTicker'
  | 'getTickers'
  | 'getOrderBook'
  | 'getTrades'
  | 'getCandles'
  | 'getMarkets'
  | 'streamTicker'
  | 'streamTrades'
  | 'streamOrderBook'
  | 'streamCandles'
  | 'streamArbitrage'
  | 'streamStatus'
  | 'streamMyOrders'
  | 'streamMyAssets'
>;

/**
 * The library stream a spec names. Values are checked by the library (an unknown exchange or interval
 * errors the stream with an `InvalidArgumentError`), so the casts below only carry strings across.
 *
 * @example
 * ```ts
 * openStream(backbone, { channel: 'ticker', exchange: 'upbit', symbol: 'KRW-BTC' }).subscribe(console.log);
 * ```
 */
export function openStream(source: GatewaySource, spec: StreamSpec): Observable<unknown> {
  const exchange = spec.exchange as ExchangeId;
  const symbol = spec.symbol ?? '';
  switch (spec.channel) {
    case 'ticker':
      return source.streamTicker(symbol, { exchange });
    case 'trades':
      return source.streamTrades(symbol, { exchange });
    case 'orderbook':
      return source.streamOrderBook(symbol, { exchange, depth: spec.depth });
    case 'candles':
      return source.streamCandles(symbol, spec.interval as CandleInterval, { exchange });
    case 'arbitrage':
      return source.streamArbitrage(spec.base ?? '', (spec.exchanges ?? []) as ExchangeId[]);
    case 'status':
      return source.streamStatus({ exchange });
    case 'myOrder':
      return source.streamMyOrders(spec.symbol, { exchange });
    case 'myAsset':
      return source.streamMyAssets({ exchange });
  }
}

/**
 * Refuses a request for an exchange the gateway does not serve (`GatewayOptions.exchanges`) with a
 * `not-found` {@link GatewayError}; `served` undefined serves every exchange.
 *
 * @example
 * ```ts
 * checkServed(['upbit'], 'binance'); // throws GatewayError: Exchange binance is not served here (upbit)
 * ```
 */
export function checkServed(served: readonly string[] | undefined, ...exchanges: readonly string[]): void {
  if (served === undefined) return;
  const refused = exchanges.find((exchange) => !served.includes(exchange));
  if (refused !== undefined) throw new GatewayError(`Exchange ${refused} is not served here (${served.join(', ')})`, { code: 'not-found' });
}

/** The exchanges a stream spec reads. */
export const specExchanges = (spec: StreamSpec): readonly string[] => (spec.channel === 'arbitrage' ? (spec.exchanges ?? []) : [spec.exchange]);
