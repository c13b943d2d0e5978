/**
 * Coinone's wire spellings of the {@link CoinoneMarket} values: REST v2 reply bodies and WebSocket
 * DATA frames in the DEFAULT and SHORT formats, with keys in the order of Coinone's published
 * examples. Prices and quantities are strings: `ticker_new`, `markets` and `chart` write at least one
 * decimal (`"50062000.0"`), orderbook, trades and WebSocket frames the shortest form (`"50048000"`).
 * Timestamps are numbers (ms), ids numeric strings.
 */
import { Big } from '../../model/decimal.js';
import type { CoinoneBook, CoinoneCandle, CoinoneLevel, CoinoneStats, CoinoneTicker, CoinoneTrade } from './market.js';
import type { WireValue } from '../server/wire-json.js';

/** A JSON object to serialise. */
export type WireObject = { readonly [key: string]: WireValue | undefined };

/** WebSocket channels. */
export const COINONE_WS_CHANNELS = ['ORDERBOOK', 'TICKER', 'TRADE', 'CHART'] as const;
/** A WebSocket channel. */
export type CoinoneWsChannel = (typeof COINONE_WS_CHANNELS)[number];
/** A WebSocket DATA format. */
export type CoinoneWsFormat = 'DEFAULT' | 'SHORT';

/**
 * `"50062000.0"`: the shortest spelling with at least one decimal.
 *
 * @example
 * ```ts
 * dotted(new Big(100)); // '100.0'
 * ```
 */
export function dotted(value: Big): string {
  const text = value.toFixed();
  return text.includes('.') ? text : `${text}.0`;
}

/**
 * The REST success envelope around `body`.
 *
 * @example
 * ```ts
 * success({ markets: [] }); // { result: 'success', error_code: '0', markets: [] }
 * ```
 */
export function success(body: WireObject): WireObject {
  return { result: 'success', error_code: '0', ...body };
}

/**
 * A `markets` row.
 *
 * @example
 * ```ts
 * toMarketRow('BTC', new Big(1000), new Big('0.00000001'), [new Big(0)]).price_unit; // '1000.0'
 * ```
 */
export function toMarketRow(target: string, tick: Big, lot: Big, bookUnits: readonly Big[]): WireObject {
  return {
    quote_currency: 'KRW',
    target_currency: target,
    price_unit: dotted(tick),
    qty_unit: dotted(lot),
    max_order_amount: '1000000000.0',
    max_price: '1000000000000.0',
    max_qty: '100000000.0',
    min_order_amount: '500.0',
    min_price: dotted(lot.lt(tick) ? lot : tick),
    min_qty: dotted(lot),
    order_book_units: bookUnits.map(dotted),
    maintenance_status: 0,
    trade_status: 1,
    order_types: ['limit', 'market', 'stop_limit'],
  };
}

function restLevel(level: CoinoneLevel | undefined, spell: (value: Big) => string): WireValue[] {
  return level === undefined ? [] : [{ price: spell(level.price), qty: spell(level.qty) }];
}

/**
 * A `ticker_new` row (lower-case currencies, as on the live wire); `additional` adds `yesterday_*`.
 *
 * @example
 * ```ts
 * toTickerRow(market.ticker('BTC', now), false).target_currency; // 'btc'
 * ```
 */
export function toTickerRow(ticker: CoinoneTicker, additional: boolean): WireObject {
  const { day, yesterday } = ticker;
  return {
    quote_currency: 'krw',
    target_currency: ticker.target.toLowerCase(),
    timestamp: ticker.timestamp,
    high: dotted(day.high),
    low: dotted(day.low),
    first: dotted(day.first),
    last: dotted(day.last),
    quote_volume: day.quoteVolume.toFixed(),
    target_volume: day.targetVolume.toFixed(),
    best_asks: restLevel(ticker.bestAsk, dotted),
    best_bids: restLevel(ticker.bestBid, dotted),
    id: ticker.id,
    ...(additional && yesterday !== undefined ? yesterdayFields(yesterday, dotted) : {}),
  };
}

function yesterdayFields(stats: CoinoneStats, spell: (value: Big) => string): WireObject {
  return {
    yesterday_high: spell(stats.high),
    yesterday_low: spell(stats.low),
    yesterday_first: spell(stats.first),
    yesterday_last: spell(stats.last),
    yesterday_quote_volume: stats.quoteVolume.toFixed(),
    yesterday_target_volume: stats.targetVolume.toFixed(),
  };
}

function levels(list: readonly CoinoneLevel[]): WireValue[] {
  return list.map((level) => ({ price: level.price.toFixed(), qty: level.qty.toFixed() }));
}

/**
 * The REST orderbook reply (asks best first, ascending).
 *
 * @example
 * ```ts
 * toOrderBookReply(market.book('BTC', now, 15)).asks; // [{ price: '147511000', qty: '0.01' }, …]
 * ```
 */
export function toOrderBookReply(book: CoinoneBook): WireObject {
  return success({
    timestamp: book.timestamp,
    id: book.id,
    quote_currency: 'KRW',
    target_currency: book.target,
    order_book_unit: dotted(book.unit),
    bids: levels(book.bids),
    asks: levels(book.asks),
  });
}

/**
 * A REST `transactions` row.
 *
 * @example
 * ```ts
 * toTradeRow(trade); // { id: '1693560450996001', timestamp: 1693560450996, price: '688.3', qty: '5000', is_seller_maker: true }
 * ```
 */
export function toTradeRow(trade: CoinoneTrade): WireObject {
  return { id: trade.id, timestamp: trade.timestamp, price: trade.price.toFixed(), qty: trade.qty.toFixed(), is_seller_maker: trade.isSellerMaker };
}

/**
 * A REST `chart` row.
 *
 * @example
 * ```ts
 * toCandleRow(candle).open; // '15133000.0'
 * ```
 */
export function toCandleRow(candle: CoinoneCandle): WireObject {
  return {
    timestamp: candle.timestamp,
    open: dotted(candle.open),
    high: dotted(candle.high),
    low: dotted(candle.low),
    close: dotted(candle.close),
    target_volume: dotted(candle.targetVolume),
    quote_volume: dotted(candle.quoteVolume),
  };
}

/** DEFAULT → SHORT keys per channel, in the order SHORT frames list them. */
const SHORT_KEYS: Readonly<Record<CoinoneWsChannel, ReadonlyArray<readonly [string, string]>>> = {
  ORDERBOOK: [['quote_currency', 'qc'], ['target_currency', 'tc'], ['timestamp', 't'], ['id', 'i'], ['asks', 'a'], ['bids', 'b']],
  TRADE: [['quote_currency', 'qc'], ['target_currency', 'tc'], ['id', 'i'], ['timestamp', 't'], ['price', 'p'], ['qty', 'q'], ['is_seller_maker', 'sm']],
  TICKER: [
    ['quote_currency', 'qc'], ['target_currency', 'tc'], ['timestamp', 't'], ['quote_volume', 'qv'], ['target_volume', 'tv'],
    ['first', 'fi'], ['low', 'lo'], ['high', 'hi'], ['last', 'la'], ['volume_power', 'vp'],
    ['ask_best_price', 'abp'], ['ask_best_qty', 'abq'], ['bid_best_price', 'bbp'], ['bid_best_qty', 'bbq'], ['id', 'i'],
    ['yesterday_first', 'yfi'], ['yesterday_low', 'ylo'], ['yesterday_high', 'yhi'], ['yesterday_last', 'yla'],
    ['yesterday_quote_volume', 'yqv'], ['yesterday_target_volume', 'ytv'],
  ],
  CHART: [
    ['quote_currency', 'qc'], ['target_currency', 'tc'], ['interval', 'iv'], ['timestamp', 't'], ['id', 'i'], ['candle_timestamp', 'ct'],
    ['first', 'fi'], ['low', 'lo'], ['high', 'hi'], ['last', 'la'], ['quote_volume', 'qv'], ['target_volume', 'tv'],
  ],
};

/** Book levels' short keys. */
function shortLevels(value: WireValue | undefined): WireValue | undefined {
  if (!Array.isArray(value)) return value;
  return (value as ReadonlyArray<{ readonly price?: WireValue; readonly qty?: WireValue }>).map((level) => ({ p: level.price, q: level.qty }));
}

/**
 * A DATA frame of `channel` in `format`: `{response_type, channel, data}` or `{r, c, d}` with short keys.
 *
 * @example
 * ```ts
 * toDataFrame('TRADE', toWsTradeData(trade), 'SHORT'); // { r: 'DATA', c: 'TRADE', d: { qc: 'KRW', … } }
 * ```
 */
export function toDataFrame(channel: CoinoneWsChannel, data: WireObject, format: CoinoneWsFormat): WireObject {
  if (format === 'DEFAULT') return { response_type: 'DATA', channel, data };
  const short: Record<string, WireValue | undefined> = {};
  for (const [long, key] of SHORT_KEYS[channel]) short[key] = long === 'asks' || long === 'bids' ? shortLevels(data[long]) : data[long];
  return { r: 'DATA', c: channel, d: short };
}

/**
 * ORDERBOOK data: bids best first, **asks worst first** (descending, the best ask last).
 *
 * @example
 * ```ts
 * toWsBookData(book).asks; // [{ price: '695.5', … }, …, { price: '687.5', … }]
 * ```
 */
export function toWsBookData(book: CoinoneBook): WireObject {
  return { quote_currency: 'KRW', target_currency: book.target, timestamp: book.timestamp, id: book.id, asks: levels([...book.asks].reverse()), bids: levels(book.bids) };
}

/**
 * TRADE data.
 *
 * @example
 * ```ts
 * toWsTradeData(trade).is_seller_maker; // true when the taker bought
 * ```
 */
export function toWsTradeData(trade: CoinoneTrade): WireObject {
  const { id, timestamp, price, qty, is_seller_maker } = toTradeRow(trade);
  return { quote_currency: 'KRW', target_currency: trade.target, id, timestamp, price, qty, is_seller_maker };
}

const ZERO = new Big(0);
const ZERO_STATS: CoinoneStats = { high: ZERO, low: ZERO, first: ZERO, last: ZERO, quoteVolume: ZERO, targetVolume: ZERO, volumePower: ZERO };

/**
 * TICKER data (`yesterday_*` are `"0"` when nothing traded in the previous 24 h).
 *
 * @example
 * ```ts
 * toWsTickerData(ticker).ask_best_price; // '687.9'
 * ```
 */
export function toWsTickerData(ticker: CoinoneTicker): WireObject {
  const { day } = ticker;
  const plain = (value: Big): string => value.toFixed();
  return {
    quote_currency: 'KRW',
    target_currency: ticker.target,
    timestamp: ticker.timestamp,
    quote_volume: day.quoteVolume.toFixed(),
    target_volume: day.targetVolume.toFixed(),
    high: plain(day.high),
    low: plain(day.low),
    first: plain(day.first),
    last: plain(day.last),
    volume_power: plain(day.volumePower),
    ask_best_price: ticker.bestAsk === undefined ? null : plain(ticker.bestAsk.price),
    ask_best_qty: ticker.bestAsk === undefined ? null : plain(ticker.bestAsk.qty),
    bid_best_price: ticker.bestBid === undefined ? null : plain(ticker.bestBid.price),
    bid_best_qty: ticker.bestBid === undefined ? null : plain(ticker.bestBid.qty),
    id: ticker.id,
    ...yesterdayFields(ticker.yesterday ?? ZERO_STATS, plain),
  };
}

/**
 * CHART data: the candle of `interval`, last changed at `timestamp` by the trade `id`.
 *
 * @example
 * ```ts
 * toWsChartData('XRP', '1m', candle, trade.timestamp, trade.id).candle_timestamp; // candle.timestamp
 * ```
 */
export function toWsChartData(target: string, interval: string, candle: CoinoneCandle, timestamp: number, id: string): WireObject {
  return {
    quote_currency: 'KRW',
    target_currency: target,
    interval,
    timestamp,
    id,
    candle_timestamp: candle.timestamp,
    high: candle.high.toFixed(),
    low: candle.low.toFixed(),
    first: candle.open.toFixed(),
    last: candle.close.toFixed(),
    quote_volume: candle.quoteVolume.toFixed(),
    target_volume: candle.targetVolume.toFixed(),
  };
}
