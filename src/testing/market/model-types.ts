/**
 * What the {@link MarketModel} answers with: exact `Big` values and millisecond timestamps, free of any
 * wire spelling. The REST simulator (and later the WebSocket one) serialise these; tests compare with
 * them.
 */
import type { CandleInterval } from '../../model/candle.js';
import type { Big } from '../../model/decimal.js';
import type { CautionFlag } from './markets.js';

/** A clock; the model and simulators read time only through it. */
export interface SimClock {
  now(): number;
}

/** Taker side, as Upbit spells it: `BID` = the taker bought, `ASK` = the taker sold. */
export type SimSide = 'ASK' | 'BID';

/** A listed market. */
export interface SimMarket {
  readonly market: string;
  readonly quote: string;
  readonly base: string;
  readonly koreanName: string;
  readonly englishName: string;
  /** `market_event.warning`; WebSocket tickers show it as `market_warning: CAUTION`. */
  readonly warning: boolean;
  readonly cautions: Readonly<Record<CautionFlag, boolean>>;
  /** The market's tick (constant: the price path stays in one band of the tick table). */
  readonly tickSize: Big;
  /** Volume unit of its trades. */
  readonly lotSize: Big;
  /** First instant with trades (ms). */
  readonly listedAt: number;
}

/** One trade. */
export interface SimTrade {
  readonly market: string;
  readonly timestamp: number;
  readonly price: Big;
  readonly volume: Big;
  readonly side: SimSide;
  /** `timestamp × 10000 + index` as a decimal string (beyond 2^53: never a JS number). */
  readonly sequentialId: string;
}

/** The trades of a time range, aggregated exactly. */
export interface SimAggregate {
  readonly trades: number;
  readonly open: Big;
  readonly high: Big;
  readonly low: Big;
  readonly close: Big;
  readonly firstTimestamp: number;
  readonly lastTimestamp: number;
  /** Σ volume. */
  readonly volume: Big;
  /** Σ price × volume. */
  readonly value: Big;
  readonly askVolume: Big;
  readonly bidVolume: Big;
}

/** A candle: the aggregate of its period's trades (periods without trades have no candle). */
export interface SimCandle extends SimAggregate {
  readonly market: string;
  readonly interval: CandleInterval;
  /** Period start (ms, UTC). */
  readonly start: number;
  /** Next period's start. */
  readonly end: number;
}

/** Direction of the last price against the previous close. */
export type SimChange = 'RISE' | 'EVEN' | 'FALL';

/** A ticker at one instant. Day fields cover 00:00 UTC … now; `*24h` the rolling 24 hours. */
export interface SimTicker {
  readonly market: string;
  /** The instant asked for. */
  readonly timestamp: number;
  readonly tradeTimestamp: number;
  readonly tradePrice: Big;
  readonly tradeVolume: Big;
  readonly lastSide: SimSide;
  readonly openingPrice: Big;
  readonly highPrice: Big;
  readonly lowPrice: Big;
  readonly prevClosingPrice: Big;
  readonly change: SimChange;
  /** |trade − prev close|. */
  readonly changePrice: Big;
  /** |change| / prev close, rounded half-up to 10 decimals. */
  readonly changeRate: Big;
  readonly signedChangePrice: Big;
  readonly signedChangeRate: Big;
  readonly accTradePrice: Big;
  readonly accTradeVolume: Big;
  readonly accAskVolume: Big;
  readonly accBidVolume: Big;
  readonly accTradePrice24h: Big;
  readonly accTradeVolume24h: Big;
  readonly highest52WeekPrice: Big;
  /** `yyyy-MM-dd`. */
  readonly highest52WeekDate: string;
  readonly lowest52WeekPrice: Big;
  readonly lowest52WeekDate: string;
}

/** One order-book row: the n-th best ask and bid. */
export interface SimOrderBookUnit {
  readonly askPrice: Big;
  readonly bidPrice: Big;
  readonly askSize: Big;
  readonly bidSize: Big;
}

/** An order-book snapshot; totals are the exact sums of the listed sizes. */
export interface SimOrderBook {
  readonly market: string;
  readonly timestamp: number;
  readonly totalAskSize: Big;
  readonly totalBidSize: Big;
  readonly units: readonly SimOrderBookUnit[];
  /** Price grouping unit (0 = none). */
  readonly level: Big;
}
