/**
 * Coinone payloads as they come off the wire (public REST v2 and the public WebSocket). Decimals are
 * strings ("NumberString"), times are ms numbers, ids are numeric strings. The mappers never trust these
 * types: every field is checked as it is read.
 *
 * @see https://docs.coinone.co.kr/reference/ (Public API v2, Public WebSocket)
 */

/** The envelope of every REST v2 reply. `error_code` is a string, `"0"` on success. */
export interface CoinoneEnvelope {
  readonly result: 'success' | 'error';
  readonly error_code: string;
  readonly error_msg?: string;
  readonly server_time?: number;
}

/** An error reply of REST v2 (HTTP 200). V1 spells the keys `errorCode`/`errorMsg`. */
export interface CoinoneErrorReply {
  readonly result: 'error';
  readonly error_code?: string;
  readonly error_msg?: string;
  readonly errorCode?: string;
  readonly errorMsg?: string;
}

/** A `{price, qty}` level (REST order book, REST ticker best levels, WS `DEFAULT` book). */
export interface CoinoneLevel {
  readonly price: string;
  readonly qty: string;
}

/** One row of `GET /public/v2/markets/{quote}[/{target}]`. */
export interface CoinoneMarket {
  readonly quote_currency: string;
  readonly target_currency: string;
  /** Deprecated by Coinone in favour of `range_units` (the tick depends on the price band). */
  readonly price_unit?: string;
  readonly qty_unit: string;
  readonly max_order_amount: string;
  readonly max_price: string;
  readonly max_qty: string;
  readonly min_order_amount: string;
  readonly min_price: string;
  readonly min_qty: string;
  readonly order_book_units: readonly string[];
  /** 0 normal, 1 under maintenance. */
  readonly maintenance_status: number;
  /** 0 no trading, 1 buy and sell, 2 no buy, 3 no sell. */
  readonly trade_status: number;
  readonly order_types: readonly string[];
}

/** `GET /public/v2/markets/...`. */
export interface CoinoneMarketsReply extends CoinoneEnvelope {
  readonly markets: readonly CoinoneMarket[];
}

/** One row of `GET /public/v2/ticker_new/{quote}[/{target}]` (currencies may be lower case). */
export interface CoinoneRestTicker {
  readonly quote_currency: string;
  readonly target_currency: string;
  readonly timestamp: number;
  readonly high: string;
  readonly low: string;
  readonly first: string;
  readonly last: string;
  readonly quote_volume: string;
  readonly target_volume: string;
  readonly best_asks: readonly CoinoneLevel[];
  readonly best_bids: readonly CoinoneLevel[];
  readonly id: string;
  /** The `yesterday_*` fields come with `additional_data=true` (not on every row of the docs example). */
  readonly yesterday_high?: string;
  readonly yesterday_low?: string;
  readonly yesterday_first?: string;
  readonly yesterday_last?: string;
  readonly yesterday_quote_volume?: string;
  readonly yesterday_target_volume?: string;
}

/** `GET /public/v2/ticker_new/...`. */
export interface CoinoneTickersReply extends CoinoneEnvelope {
  readonly tickers: readonly CoinoneRestTicker[];
}

/** `GET /public/v2/orderbook/{quote}/{target}`: both sides best-first. */
export interface CoinoneOrderBookReply extends CoinoneEnvelope {
  readonly timestamp: number;
  readonly id: string;
  readonly quote_currency: string;
  readonly target_currency: string;
  readonly order_book_unit: string;
  readonly bids: readonly CoinoneLevel[];
  readonly asks: readonly CoinoneLevel[];
}

/** One row of `GET /public/v2/trades/{quote}/{target}`. */
export interface CoinoneRestTrade {
  readonly id: string;
  readonly timestamp: number;
  readonly price: string;
  readonly qty: string;
  readonly is_seller_maker: boolean;
}

/** `GET /public/v2/trades/...`, newest first. */
export interface CoinoneTradesReply extends CoinoneEnvelope {
  readonly quote_currency: string;
  readonly target_currency: string;
  readonly transactions: readonly CoinoneRestTrade[];
}

/** One row of `GET /public/v2/chart/{quote}/{target}`; `timestamp` is the period start. */
export interface CoinoneRestCandle {
  readonly timestamp: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly target_volume: string;
  readonly quote_volume: string;
}

/** `GET /public/v2/chart/...`, newest first. The reply does not name its market. */
export interface CoinoneChartReply extends CoinoneEnvelope {
  readonly is_last: boolean;
  readonly chart: readonly CoinoneRestCandle[];
}

/** One band of `range_units`: prices from `range_min` up to `next_range_min` step by `price_unit`. */
export interface CoinoneRangeUnit {
  readonly range_min: string;
  /** `null` (or absent) for the top band. */
  readonly next_range_min?: string | null;
  readonly price_unit: string;
}

/** `GET /public/v2/range_units/{quote}/{target}`. */
export interface CoinoneRangeUnitsReply extends CoinoneEnvelope {
  readonly range_price_units: readonly CoinoneRangeUnit[];
}

/** WebSocket request types and channels, upper case as the server demands. */
export type CoinoneWsRequestType = 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'PING';
export type CoinoneWsChannel = 'ORDERBOOK' | 'TICKER' | 'TRADE' | 'CHART';

/** A WebSocket request frame. */
export interface CoinoneWsRequest {
  readonly request_type: CoinoneWsRequestType;
  readonly channel?: CoinoneWsChannel;
  readonly topic?: { readonly quote_currency: string; readonly target_currency: string; readonly interval?: string };
  readonly format?: 'DEFAULT' | 'SHORT';
}

/** A `DEFAULT` server frame. */
export interface CoinoneWsFrame {
  readonly response_type: 'CONNECTED' | 'SUBSCRIBED' | 'UNSUBSCRIBED' | 'DATA' | 'PONG' | 'ERROR';
  readonly channel?: CoinoneWsChannel;
  readonly data?: Readonly<Record<string, unknown>>;
  /** ERROR frames: a number (160010 request, 160011 type, 160012 topic), unlike REST's string. */
  readonly error_code?: number;
  readonly message?: string;
  /** 160011 frames name the offending key. */
  readonly field?: string;
}

/** A `SHORT` data frame: `r`/`c`/`d` for `response_type`/`channel`/`data`. */
export interface CoinoneWsShortFrame {
  readonly r: 'DATA';
  readonly c: CoinoneWsChannel;
  readonly d: Readonly<Record<string, unknown>>;
}

/** `DEFAULT` ORDERBOOK data: bids best-first, asks worst-first (the best ask is last). */
export interface CoinoneWsOrderBook {
  readonly quote_currency: string;
  readonly target_currency: string;
  readonly timestamp: number;
  readonly id: string;
  readonly asks: readonly CoinoneLevel[];
  readonly bids: readonly CoinoneLevel[];
}

/** `DEFAULT` TICKER data. Best prices may be `null` when a side is empty. */
export interface CoinoneWsTicker {
  readonly quote_currency: string;
  readonly target_currency: string;
  readonly timestamp: number;
  readonly id: string;
  readonly quote_volume: string;
  readonly target_volume: string;
  readonly high: string;
  readonly low: string;
  readonly first: string;
  readonly last: string;
  readonly volume_power: string;
  readonly ask_best_price: string | null;
  readonly ask_best_qty: string | null;
  readonly bid_best_price: string | null;
  readonly bid_best_qty: string | null;
  readonly yesterday_high: string;
  readonly yesterday_low: string;
  readonly yesterday_first: string;
  readonly yesterday_last: string;
  readonly yesterday_quote_volume: string;
  readonly yesterday_target_volume: string;
}

/** `DEFAULT` TRADE data. */
export interface CoinoneWsTrade {
  readonly quote_currency: string;
  readonly target_currency: string;
  readonly id: string;
  readonly timestamp: number;
  readonly price: string;
  readonly qty: string;
  readonly is_seller_maker: boolean;
}

/** `DEFAULT` CHART data: `candle_timestamp` is the period start, `timestamp` the last update. */
export interface CoinoneWsCandle {
  readonly quote_currency: string;
  readonly target_currency: string;
  readonly interval: string;
  readonly timestamp: number;
  readonly id: string;
  readonly candle_timestamp: number;
  readonly high: string;
  readonly low: string;
  readonly first: string;
  readonly last: string;
  readonly quote_volume: string;
  readonly target_volume: string;
}
