/**
 * Upbit REST payloads as they arrive, after `parseJsonExact`: every JSON number is a {@link WireNumber}
 * (a `number` when exact, else a `LosslessNumber`). These types document the wire; the mappers still
 * check every field they read, since nothing guarantees a reply matches them.
 *
 * Samples live in `../shared/fixtures/upbit/` (beside the repository), not here.
 */
import type { WireNumber } from '../../model/decimal.js';

/** `market_event` of `GET /v1/market/all?isDetails=true`. */
export interface UpbitMarketEvent {
  /** `true` while the market is flagged (투자유의). */
  readonly warning: boolean;
  /** The reasons behind a caution flag (`PRICE_FLUCTUATIONS`, `TRADING_VOLUME_SOARING`, ...). */
  readonly caution?: Readonly<Record<string, boolean>>;
}

/** One item of `GET /v1/market/all`. */
export interface UpbitRestMarket {
  readonly market: string;
  readonly korean_name: string;
  readonly english_name: string;
  /** Older replies: `'CAUTION'` when flagged. */
  readonly market_warning?: 'NONE' | 'CAUTION';
  /** Newer replies (with `isDetails=true`). */
  readonly market_event?: UpbitMarketEvent;
}

/** One item of `GET /v1/ticker` and `GET /v1/ticker/all`. */
export interface UpbitRestTicker {
  readonly market: string;
  /** `yyyyMMdd`, UTC. */
  readonly trade_date: string;
  /** `HHmmss`, UTC. */
  readonly trade_time: string;
  readonly trade_date_kst: string;
  readonly trade_time_kst: string;
  readonly trade_timestamp: WireNumber;
  readonly opening_price: WireNumber;
  readonly high_price: WireNumber;
  readonly low_price: WireNumber;
  readonly trade_price: WireNumber;
  readonly prev_closing_price: WireNumber;
  readonly change: 'RISE' | 'EVEN' | 'FALL';
  readonly change_price: WireNumber;
  readonly change_rate: WireNumber;
  readonly signed_change_price: WireNumber;
  readonly signed_change_rate: WireNumber;
  readonly trade_volume: WireNumber;
  readonly acc_trade_price: WireNumber;
  readonly acc_trade_price_24h: WireNumber;
  readonly acc_trade_volume: WireNumber;
  readonly acc_trade_volume_24h: WireNumber;
  readonly highest_52_week_price: WireNumber;
  readonly highest_52_week_date: string;
  readonly lowest_52_week_price: WireNumber;
  readonly lowest_52_week_date: string;
  readonly timestamp: WireNumber;
}

/** One level of `orderbook_units`: the n-th best ask and the n-th best bid. */
export interface UpbitOrderBookUnit {
  readonly ask_price: WireNumber;
  readonly bid_price: WireNumber;
  readonly ask_size: WireNumber;
  readonly bid_size: WireNumber;
}

/** One item of `GET /v1/orderbook`. */
export interface UpbitRestOrderBook {
  readonly market: string;
  readonly timestamp: WireNumber;
  readonly total_ask_size: WireNumber;
  readonly total_bid_size: WireNumber;
  /** Best level first. */
  readonly orderbook_units: readonly UpbitOrderBookUnit[];
  /** Price grouping unit (KRW markets); `0` = none. */
  readonly level?: WireNumber;
}

/** One item of `GET /v1/trades/ticks` (newest first). */
export interface UpbitRestTrade {
  readonly market: string;
  /** `yyyy-MM-dd`. */
  readonly trade_date_utc: string;
  /** `HH:mm:ss`. */
  readonly trade_time_utc: string;
  readonly timestamp: WireNumber;
  readonly trade_price: WireNumber;
  readonly trade_volume: WireNumber;
  readonly prev_closing_price: WireNumber;
  readonly change_price: WireNumber;
  /** The taker side: `BID` = the taker bought, `ASK` = the taker sold. */
  readonly ask_bid: 'ASK' | 'BID';
  /** Unique, increasing; beyond 2^53. */
  readonly sequential_id: WireNumber;
}

/** One item of `GET /v1/candles/*` (newest first). */
export interface UpbitRestCandle {
  readonly market: string;
  /** Period start, `yyyy-MM-ddTHH:mm:ss`, UTC but without a zone. */
  readonly candle_date_time_utc: string;
  readonly candle_date_time_kst: string;
  readonly opening_price: WireNumber;
  readonly high_price: WireNumber;
  readonly low_price: WireNumber;
  readonly trade_price: WireNumber;
  /** Time of the period's last trade (ms). */
  readonly timestamp: WireNumber;
  readonly candle_acc_trade_price: WireNumber;
  readonly candle_acc_trade_volume: WireNumber;
  /** Minute candles: the unit in minutes. */
  readonly unit?: WireNumber;
  /** Day candles. */
  readonly prev_closing_price?: WireNumber;
  readonly change_price?: WireNumber;
  readonly change_rate?: WireNumber;
  readonly converted_trade_price?: WireNumber;
  /** Week, month and year candles: `yyyy-MM-dd`. */
  readonly first_day_of_period?: string;
}

/**
 * An Upbit error body. `name` is a number on quotation endpoints (`400`, `404`) and a string on
 * exchange endpoints (`'no_authorization_ip'`) and for unknown paths (`'not_found'`).
 */
export interface UpbitErrorBody {
  readonly error: {
    readonly name: string | WireNumber;
    readonly message?: string;
  };
}
