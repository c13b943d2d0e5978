/**
 * Key tables and type names of Upbit's public WebSocket frames.
 *
 * The WebSocket sends the REST records under other keys: `DEFAULT` frames use the REST names with the
 * market under `code`; `SIMPLE` frames abbreviate every key (`trade_price` → `tp`). The record
 * mappers of `mapper.ts` read through a key table, so each format is one table here, not a second
 * mapper. Older frames name the market differently (`market` in DEFAULT, `mk` in the 2018 SIMPLE
 * example); those get tables of their own, picked per frame.
 *
 * @see https://docs.upbit.com/kr/reference/websocket-ticker (DEFAULT → SIMPLE key table)
 * @see https://docs.upbit.com/kr/reference/websocket-trade
 * @see https://docs.upbit.com/kr/reference/websocket-orderbook
 * @see https://docs.upbit.com/kr/reference/websocket-candle
 */
import type { CandleInterval } from '../../model/candle.js';
import {
  UPBIT_REST_CANDLE_KEYS,
  UPBIT_REST_ORDER_BOOK_KEYS,
  UPBIT_REST_TICKER_KEYS,
  type UpbitCandleKeys,
  type UpbitOrderBookKeys,
  type UpbitTickerKeys,
  type UpbitTradeKeys,
} from './fields.js';

/** The key tables of one frame format, one per record kind. */
export interface UpbitWsKeySet {
  readonly ticker: UpbitTickerKeys;
  readonly trade: UpbitTradeKeys;
  readonly orderBook: UpbitOrderBookKeys;
  readonly candle: UpbitCandleKeys;
}

/**
 * `DEFAULT` frames: the REST keys with `code` for the market. A WS trade's `timestamp` is the message
 * time, so the trade time is read from `trade_timestamp` (what REST calls `timestamp`).
 */
export const UPBIT_WS_DEFAULT_KEYS: UpbitWsKeySet = {
  ticker: { ...UPBIT_REST_TICKER_KEYS, market: 'code' },
  trade: {
    market: 'code',
    timestamp: 'trade_timestamp',
    id: 'sequential_id',
    price: 'trade_price',
    amount: 'trade_volume',
    side: 'ask_bid',
  },
  orderBook: { ...UPBIT_REST_ORDER_BOOK_KEYS, market: 'code' },
  candle: { ...UPBIT_REST_CANDLE_KEYS, market: 'code' },
};

/** `SIMPLE` frames: the abbreviated keys of Upbit's DEFAULT → SIMPLE tables. */
export const UPBIT_WS_SIMPLE_KEYS: UpbitWsKeySet = {
  ticker: {
    market: 'cd',
    timestamp: 'tms',
    last: 'tp',
    open: 'op',
    high: 'hp',
    low: 'lp',
    prevClose: 'pcp',
    change: 'scp',
    changeRate: 'scr',
    baseVolume: 'atv',
    quoteVolume: 'atp',
    baseVolume24h: 'atv24h',
    quoteVolume24h: 'atp24h',
    lastAmount: 'tv',
  },
  trade: { market: 'cd', timestamp: 'ttms', id: 'sid', price: 'tp', amount: 'tv', side: 'ab' },
  orderBook: { market: 'cd', timestamp: 'tms', units: 'obu', askPrice: 'ap', askSize: 'as', bidPrice: 'bp', bidSize: 'bs' },
  candle: {
    market: 'cd',
    openTime: 'cdttmu',
    timestamp: 'tms',
    open: 'op',
    high: 'hp',
    low: 'lp',
    close: 'tp',
    baseVolume: 'catv',
    quoteVolume: 'catp',
  },
};

/** Older `DEFAULT` frames (2018): the market under `market`, as in REST. */
export const UPBIT_WS_LEGACY_DEFAULT_KEYS: UpbitWsKeySet = withMarketKey(UPBIT_WS_DEFAULT_KEYS, 'market');

/** Older `SIMPLE` frames (the 2018 example): the market under `mk`, not `cd`. */
export const UPBIT_WS_LEGACY_SIMPLE_KEYS: UpbitWsKeySet = withMarketKey(UPBIT_WS_SIMPLE_KEYS, 'mk');

function withMarketKey(keys: UpbitWsKeySet, market: string): UpbitWsKeySet {
  return {
    ticker: { ...keys.ticker, market },
    trade: { ...keys.trade, market },
    orderBook: { ...keys.orderBook, market },
    candle: { ...keys.candle, market },
  };
}

/**
 * The candle type of every interval Upbit streams: seconds and minute units up to 240; hours are
 * minutes there. Day and longer candles exist over REST only.
 */
export const UPBIT_WS_CANDLE_TYPES = {
  '1s': 'candle.1s',
  '1m': 'candle.1m',
  '3m': 'candle.3m',
  '5m': 'candle.5m',
  '10m': 'candle.10m',
  '15m': 'candle.15m',
  '30m': 'candle.30m',
  '1h': 'candle.60m',
  '4h': 'candle.240m',
} as const satisfies Partial<Record<CandleInterval, string>>;

/** An interval Upbit streams candles for. */
export type UpbitWsCandleInterval = keyof typeof UPBIT_WS_CANDLE_TYPES;

/** Candle type → interval, for decoding (a `Map`, so no prototype key can match). */
export const UPBIT_WS_CANDLE_INTERVALS: ReadonlyMap<string, UpbitWsCandleInterval> = new Map(
  Object.entries(UPBIT_WS_CANDLE_TYPES).map(([interval, type]) => [type, interval as UpbitWsCandleInterval]),
);

/**
 * `true` when Upbit streams candles of `interval` (`1s` … `4h`); the others need REST polling.
 *
 * @example
 * ```ts
 * isUpbitWsCandleInterval('1h'); // true  (sent as candle.60m)
 * isUpbitWsCandleInterval('1d'); // false
 * ```
 */
export function isUpbitWsCandleInterval(interval: CandleInterval): interval is UpbitWsCandleInterval {
  return Object.hasOwn(UPBIT_WS_CANDLE_TYPES, interval);
}

/** Order-book depths the server serves as a `.N` code suffix; other counts fall back to 30. */
export const UPBIT_WS_ORDER_BOOK_DEPTHS = [1, 5, 15, 30] as const;
