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
}
