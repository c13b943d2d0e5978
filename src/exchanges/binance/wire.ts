/**
 * Binance Spot payloads as they arrive, after `parseJsonExact`: prices and quantities are strings, ids
 * and times {@link WireNumber}s. These types document the wire; the mappers still check every field
 * they read. Samples live in `../shared/fixtures/binance/` (beside the repository), not here.
 */
import type { WireNumber } from '../../model/decimal.js';

/** `[price, qty]`, both strings. */
export type BinanceLevel = readonly [string, string];

/** One filter of an `exchangeInfo` symbol; only the keys the mapper reads are listed. */
export interface BinanceSymbolFilter {
  readonly filterType: string;
  /** `PRICE_FILTER`; `"0.00000000"` disables the check. */
  readonly tickSize?: string;
  /** `LOT_SIZE` / `MARKET_LOT_SIZE`. */
  readonly stepSize?: string;
  /** `NOTIONAL` (current) or `MIN_NOTIONAL` (older). */
  readonly minNotional?: string;
}

/** One symbol of `GET /api/v3/exchangeInfo` (more keys arrive; they are ignored). */
export interface BinanceRestSymbol {
  readonly symbol: string;
  readonly status: 'TRADING' | 'HALT' | 'BREAK' | 'CANCEL_ONLY' | string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly filters: readonly BinanceSymbolFilter[];
}

/** `GET /api/v3/exchangeInfo`. */
export interface BinanceRestExchangeInfo {
  readonly timezone: string;
  readonly serverTime: WireNumber;
  readonly symbols: readonly BinanceRestSymbol[];
}

/** `GET /api/v3/ticker/24hr`, `type=FULL`; `MINI` leaves out the fields marked optional. */
export interface BinanceRestTicker {
  readonly symbol: string;
  readonly priceChange?: string;
  readonly priceChangePercent?: string;
  readonly weightedAvgPrice?: string;
  readonly prevClosePrice?: string;
  readonly lastPrice: string;
  readonly lastQty?: string;
  readonly bidPrice?: string;
  readonly bidQty?: string;
  readonly askPrice?: string;
  readonly askQty?: string;
  readonly openPrice: string;
  readonly highPrice: string;
  readonly lowPrice: string;
  readonly volume: string;
  readonly quoteVolume: string;
  readonly openTime: WireNumber;
  readonly closeTime: WireNumber;
  readonly firstId: WireNumber;
  readonly lastId: WireNumber;
  readonly count: WireNumber;
}

/** `GET /api/v3/depth`: no symbol and no time in the body. */
export interface BinanceRestDepth {
  readonly lastUpdateId: WireNumber;
  readonly bids: readonly BinanceLevel[];
  readonly asks: readonly BinanceLevel[];
}

/** One item of `GET /api/v3/trades`. `isBuyerMaker: true` means the taker sold. */
export interface BinanceRestTrade {
  readonly id: WireNumber;
  readonly price: string;
  readonly qty: string;
  readonly quoteQty: string;
  readonly time: WireNumber;
  readonly isBuyerMaker: boolean;
  readonly isBestMatch: boolean;
}

/**
 * One row of `GET /api/v3/klines`: open time, open, high, low, close, volume, close time, quote volume,
 * trade count, taker-buy base volume, taker-buy quote volume, an unused `"0"`.
 */
export type BinanceRestKline = readonly [
  WireNumber, string, string, string, string, string, WireNumber, string, WireNumber, string, string, string,
];

/** An error body: `{"code":-1121,"msg":"Invalid symbol."}`. */
export interface BinanceErrorBody {
  readonly code: WireNumber;
  readonly msg: string;
}

/** A combined-stream frame: `{"stream":"btcusdt@trade","data":{...}}`. */
export interface BinanceWsCombined {
  readonly stream: string;
  readonly data: unknown;
}

/** `<s>@trade`. `m: true` means the buyer was the maker, so the taker sold. */
export interface BinanceWsTrade {
  readonly e: 'trade';
  readonly E: WireNumber;
  readonly s: string;
  readonly t: WireNumber;
  readonly p: string;
  readonly q: string;
  readonly T: WireNumber;
  readonly m: boolean;
}

/** `<s>@ticker`: the rolling 24 h window. */
export interface BinanceWsTicker {
  readonly e: '24hrTicker';
  readonly E: WireNumber;
  readonly s: string;
  /** Price change and change percent, against `o`. */
  readonly p: string;
  readonly P: string;
  readonly w: string;
  /** Last price before the window (trade `F` − 1). */
  readonly x: string;
  readonly c: string;
  readonly Q: string;
  readonly b: string;
  readonly B: string;
  readonly a: string;
  readonly A: string;
  readonly o: string;
  readonly h: string;
  readonly l: string;
  readonly v: string;
  readonly q: string;
  readonly O: WireNumber;
  readonly C: WireNumber;
  readonly F: WireNumber;
  readonly L: WireNumber;
  readonly n: WireNumber;
}

/** `<s>@depth[@100ms]`: levels with absolute quantities; `"0.00000000"` deletes a level. */
export interface BinanceWsDepthUpdate {
  readonly e: 'depthUpdate';
  readonly E: WireNumber;
  readonly s: string;
  readonly U: WireNumber;
  readonly u: WireNumber;
  readonly b: readonly BinanceLevel[];
  readonly a: readonly BinanceLevel[];
}

/** `<s>@kline_<interval>`. */
export interface BinanceWsKline {
  readonly e: 'kline';
  readonly E: WireNumber;
  readonly s: string;
  readonly k: {
    readonly t: WireNumber;
    readonly T: WireNumber;
    readonly s: string;
    readonly i: string;
    readonly o: string;
    readonly c: string;
    readonly h: string;
    readonly l: string;
    readonly v: string;
    readonly n: WireNumber;
    /** `true` once the candle is closed. */
    readonly x: boolean;
    readonly q: string;
  };
}
