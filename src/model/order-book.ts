import type { Big } from './decimal.js';
import type { MarketRef } from './market.js';

/** One price level. */
export interface OrderBookLevel {
  readonly price: Big;
  readonly amount: Big;
}

/** A full order-book snapshot. `bids` highest first, `asks` lowest first: both best-first. */
export interface OrderBook extends MarketRef {
  readonly type: 'orderBook';
  readonly bids: readonly OrderBookLevel[];
  readonly asks: readonly OrderBookLevel[];
  /**
   * The exchange's book version when it publishes one: Coinone `id`, Binance synced books' last update
   * id. Exact decimal digits; compare with `compareDecimalIds` (a larger id is a newer book).
   * `undefined` when the exchange sends none (Upbit).
   */
  readonly updateId?: string | undefined;
}
