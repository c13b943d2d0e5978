/**
 * Private account data: balances, orders and the private stream events about them. Exchange-neutral;
 * amounts are exact `Big`s built at the mapper boundary with `toBig`.
 */
import type { Big } from './decimal.js';
import type { StatusEvent } from './market-event.js';

/** Side of one of the account's own orders: `'buy'` (Upbit `bid`/`BID`) or `'sell'` (`ask`/`ASK`). */
export type OrderSide = 'buy' | 'sell';

/**
 * Order state, in Upbit's words: `wait` (open), `watch` (a stop order waiting for its trigger),
 * `trade` (a fill happened; streams only), `done` (fully filled), `cancel`, `prevented` (self-match
 * prevention).
 */
export type OrderState = 'wait' | 'watch' | 'trade' | 'done' | 'cancel' | 'prevented';

/** One currency of the account. */
export interface Balance {
  readonly exchange: string;
  /** Currency code, e.g. `KRW`, `BTC`. */
  readonly currency: string;
  /** Available to trade. */
  readonly balance: Big;
  /** Held by open orders (and withdrawals). */
  readonly locked: Big;
  /** Average buy price, in `unitCurrency`; `0` when unknown (the quote currency itself). */
  readonly avgBuyPrice: Big;
  /** Whether the user edited the average buy price by hand. */
  readonly avgBuyPriceModified: boolean;
  /** Currency `avgBuyPrice` is quoted in. */
  readonly unitCurrency: string;
}

/** One of the account's orders, as the REST API lists it. */
export interface Order {
  readonly exchange: string;
  /** Unified `BASE/QUOTE` symbol. */
  readonly symbol: string;
  /** Native market code (`KRW-BTC`). */
  readonly market: string;
  /** Exchange order id. */
  readonly id: string;
  readonly side: OrderSide;
  /** Native order type (`limit`, `price` = market buy by funds, `market` = market sell, `best`). */
  readonly orderType: string;
  readonly state: OrderState;
  /** Limit price (or, for a `price` order, the funds); `undefined` for `market` sells. */
  readonly price: Big | undefined;
  /** Ordered volume; `undefined` for `price` orders. */
  readonly volume: Big | undefined;
  readonly remainingVolume: Big | undefined;
  readonly executedVolume: Big;
  readonly locked: Big;
  readonly reservedFee: Big;
  readonly remainingFee: Big;
  readonly paidFee: Big;
  readonly tradesCount: number;
  /** Creation time (ms since epoch). */
  readonly createdAt: number;
  /** Client-chosen id, when one was given. */
  readonly clientOrderId: string | undefined;
}

/** A private-stream update about one of the account's orders (Upbit `myOrder`). */
export interface MyOrderEvent {
  readonly type: 'myOrder';
  readonly exchange: string;
  /** Unified `BASE/QUOTE` symbol. */
  readonly symbol: string;
  /** Native market code (`KRW-BTC`). */
  readonly market: string;
  readonly orderId: string;
  readonly side: OrderSide;
  readonly orderType: string;
  readonly state: OrderState;
  /** Id of the fill, for `trade` events. */
  readonly tradeId: string | undefined;
  /** Order price, or the fill price for `trade` events. */
  readonly price: Big | undefined;
  readonly avgPrice: Big | undefined;
  readonly volume: Big | undefined;
  readonly remainingVolume: Big | undefined;
  readonly executedVolume: Big;
  readonly tradesCount: number;
  readonly reservedFee: Big | undefined;
  readonly remainingFee: Big | undefined;
  readonly paidFee: Big | undefined;
  readonly locked: Big | undefined;
  readonly executedFunds: Big | undefined;
  /** Fee of this fill, for `trade` events. */
  readonly tradeFee: Big | undefined;
  /** Whether this fill was as maker, for `trade` events. */
  readonly isMaker: boolean | undefined;
  readonly timeInForce: string | undefined;
  readonly clientOrderId: string | undefined;
  /** Fill time (ms), for `trade` events. */
  readonly tradeTimestamp: number | undefined;
  /** Order creation time (ms). */
  readonly orderTimestamp: number | undefined;
  /** Message time (ms). */
  readonly exchangeTime: number;
  /** Our clock when the frame arrived (ms). */
  readonly receivedAt: number;
}

/** One currency in a {@link MyAssetEvent}. */
export interface AssetBalance {
  readonly currency: string;
  readonly balance: Big;
  readonly locked: Big;
}

/** A private-stream update of the account's balances (Upbit `myAsset`): the currencies that changed. */
export interface MyAssetEvent {
  readonly type: 'myAsset';
  readonly exchange: string;
  /** Exchange id of the update. */
  readonly id: string;
  readonly assets: readonly AssetBalance[];
  /** When the balances changed (ms). */
  readonly assetTime: number;
  /** Message time (ms). */
  readonly exchangeTime: number;
  readonly receivedAt: number;
}

/** Every value a private stream carries. */
export type PrivateEvent = MyOrderEvent | MyAssetEvent;

/** What private streams carry: the account's events and in-band connection status. */
export type PrivateStreamEvent = PrivateEvent | StatusEvent;
