import type { Big } from './decimal.js';

/**
 * Fields every model object carries: where it comes from and when.
 *
 * `symbol` is the unified `BASE/QUOTE` form (`BTC/KRW`), `market` the exchange's own code
 * (`KRW-BTC` on Upbit, `BTCUSDT` on Binance). `timestamp` is the exchange's time (ms since epoch),
 * `receivedAt` our clock when the reply or frame arrived (ms).
 */
export interface MarketRef {
  readonly exchange: string;
  readonly symbol: string;
  readonly market: string;
  readonly timestamp: number;
  readonly receivedAt: number;
}

/** A tradable market, as listed by the exchange. */
export interface Market {
  readonly type: 'market';
  readonly exchange: string;
  readonly symbol: string;
  readonly market: string;
  readonly base: string;
  readonly quote: string;
  /** Display names where the exchange gives them (`{ ko: '비트코인', en: 'Bitcoin' }`). */
  readonly names: Readonly<Record<string, string>>;
  /** `true` when the exchange flags the market (Upbit `market_warning: CAUTION` / `market_event.warning`). */
  readonly warning: boolean;
  /** Price increment, where the exchange publishes a fixed one. */
  readonly tickSize?: Big | undefined;
  /** Amount increment, where the exchange publishes one. */
  readonly stepSize?: Big | undefined;
  /** Smallest order value in quote currency, where the exchange publishes one. */
  readonly minNotional?: Big | undefined;
  readonly receivedAt: number;
}
