/**
 * The fast path of `decodeUpbitFrame` for the frames that make up nearly all stream traffic: one flat
 * ticker or trade record, in the `DEFAULT` or `SIMPLE` format.
 *
 * Instead of parsing the frame into an object, checking every number token for exactness and then
 * reading fields off the object, it scans the text once ({@link FlatJsonScanner}) and builds each
 * `Big` straight from the source digits, which is exact by construction. It gives up (returns
 * `undefined`) on anything else: other types, nested values, escapes, missing or mistyped fields,
 * negative zero, ids and timestamps that are not plain non-negative integers. The general path then decodes the frame or throws the error it
 * would always have thrown, so both paths give the same result for every text.
 */
import { toBigAt, type Big } from '../../model/decimal.js';
import type { MarketEvent } from '../../model/market-event.js';
import { TICKER_DECIMALS, type Ticker } from '../../model/ticker.js';
import type { Trade } from '../../model/trade.js';
import {
  FlatJsonScanner,
  JSON_ABSENT,
  JSON_NUMBER,
  JSON_STRING,
} from '../../transport/json/json-scan.js';
import type { UpbitTickerKeys, UpbitTradeKeys } from './fields.js';
import { toUpbitSymbol, UPBIT_ID } from './symbols.js';
import { UPBIT_WS_DEFAULT_KEYS, UPBIT_WS_SIMPLE_KEYS, type UpbitWsKeySet } from './ws-keys.js';

type TickerSlots = { readonly [K in keyof UpbitTickerKeys]: number };
type TradeSlots = { readonly [K in keyof UpbitTradeKeys]: number };

/** Every key either format's ticker or trade mapping reads, plus the type and market keys. */
const KEYS: readonly string[] = [
  ...new Set(
    [UPBIT_WS_DEFAULT_KEYS, UPBIT_WS_SIMPLE_KEYS].flatMap((set) => ['type', 'ty', ...Object.values(set.ticker), ...Object.values(set.trade)]),
  ),
];

const scanner = new FlatJsonScanner(KEYS);

/** The slots of one format's key tables. */
interface FormatSlots {
  readonly ticker: TickerSlots;
  readonly trade: TradeSlots;
  /** Slots of the ticker's decimal fields, in {@link TICKER_DECIMALS} order. */
  readonly tickerDecimals: readonly number[];
}

function slotsOf<K extends string>(keys: { readonly [P in K]: string }): { readonly [P in K]: number } {
  const slots = {} as { [P in K]: number };
  for (const field of Object.keys(keys) as K[]) slots[field] = scanner.slot(keys[field]);
  return slots;
}

function formatSlots(set: UpbitWsKeySet): FormatSlots {
  const ticker = slotsOf(set.ticker);
  return { ticker, trade: slotsOf(set.trade), tickerDecimals: TICKER_DECIMALS.map((field) => ticker[field]) };
}

const DEFAULT = formatSlots(UPBIT_WS_DEFAULT_KEYS);
const SIMPLE = formatSlots(UPBIT_WS_SIMPLE_KEYS);
const TYPE = scanner.slot('type');
const TY = scanner.slot('ty');

/** Last market seen and its symbol, so a stream of one market slices and looks up nothing. */
let lastMarket = '';
let lastSymbol = '';
const symbols = new Map<string, string | undefined>();

/** The market string in `slot` and its symbol, or `undefined` when it is not a market code. */
function readMarket(text: string, slot: number): string | undefined {
  if (scanner.kind(slot) !== JSON_STRING) return undefined;
  const start = scanner.start(slot);
  const end = scanner.end(slot);
  if (end - start === lastMarket.length && text.startsWith(lastMarket, start)) return lastMarket;
  const market = text.slice(start, end);
  let symbol = symbols.get(market);
  if (symbol === undefined && !symbols.has(market)) {
    if (symbols.size >= 4096) symbols.clear();
    symbol = toUpbitSymbol(market);
    symbols.set(market, symbol);
  }
  if (symbol === undefined) return undefined;
  lastMarket = market;
  lastSymbol = symbol;
  return market;
}

/** `true` when `slot` holds a number (any spelling: `parseJsonExact` reads every one exactly too). */
function isNumber(slot: number): boolean {
  return scanner.kind(slot) === JSON_NUMBER;
}

/**
 * The `Big` of a plain decimal in `slot`, or `undefined` for negative zero: the general path reads
 * `-0.0` as the JS number -0, whose string is `0`, so it gives a positive zero.
 */
function readBig(text: string, slot: number): Big | undefined {
  const big = toBigAt(text, scanner.start(slot), scanner.end(slot));
  return big.s < 0 && big.c[0] === 0 ? undefined : big;
}

/** A millisecond timestamp in `slot` (non-negative integer token of at most 15 digits), or -1 to give up. */
function readMillis(text: string, slot: number): number {
  if (!isPlainInteger(slot)) return -1;
  const end = scanner.end(slot);
  let i = scanner.start(slot);
  if (end - i > 15) return -1;
  let ms = 0;
  for (; i < end; i++) ms = ms * 10 + text.charCodeAt(i) - 48;
  return ms;
}

/** `true` when `slot` holds a non-negative integer token without fraction or exponent. */
function isPlainInteger(slot: number): boolean {
  return scanner.kind(slot) === JSON_NUMBER && scanner.flags(slot) === 0;
}

function toFastTicker(text: string, slots: FormatSlots, receivedAt: number): Ticker | undefined {
  const keys = slots.ticker;
  const market = readMarket(text, keys.market);
  if (market === undefined) return undefined;
  const timestamp = readMillis(text, keys.timestamp);
  if (timestamp < 0) return undefined;
  const decimals = slots.tickerDecimals;
  for (let i = 0; i < decimals.length; i++) if (!isNumber(decimals[i] ?? -1)) return undefined;
  const last = readBig(text, keys.last);
  const open = readBig(text, keys.open);
  const high = readBig(text, keys.high);
  const low = readBig(text, keys.low);
  const prevClose = readBig(text, keys.prevClose);
  const change = readBig(text, keys.change);
  const changeRate = readBig(text, keys.changeRate);
  const baseVolume = readBig(text, keys.baseVolume);
  const quoteVolume = readBig(text, keys.quoteVolume);
  const baseVolume24h = readBig(text, keys.baseVolume24h);
  const quoteVolume24h = readBig(text, keys.quoteVolume24h);
  const lastAmount = readBig(text, keys.lastAmount);
  if (
    last === undefined || open === undefined || high === undefined || low === undefined || prevClose === undefined ||
    change === undefined || changeRate === undefined || baseVolume === undefined || quoteVolume === undefined ||
    baseVolume24h === undefined || quoteVolume24h === undefined || lastAmount === undefined
  ) return undefined;
  return {
    type: 'ticker',
    exchange: UPBIT_ID,
    symbol: lastSymbol,
    market,
    timestamp,
    receivedAt,
    last,
    open,
    high,
    low,
    prevClose,
    change,
    changeRate,
    baseVolume,
    quoteVolume,
    baseVolume24h,
    quoteVolume24h,
    lastAmount,
  };
}

function toFastTrade(text: string, slots: FormatSlots, receivedAt: number): Trade | undefined {
  const keys = slots.trade;
  const market = readMarket(text, keys.market);
  if (market === undefined) return undefined;
  const side = scanner.isString(text, keys.side, 'BID') ? 'buy' : scanner.isString(text, keys.side, 'ASK') ? 'sell' : undefined;
  if (side === undefined) return undefined;
  const timestamp = readMillis(text, keys.timestamp);
  if (timestamp < 0) return undefined;
  // The id is the token itself when it is a non-negative integer: the general path gives the same
  // digits whether it reads a safe integer, a double that round-trips or a lossless number.
  const id = keys.id;
  if (!isPlainInteger(id)) return undefined;
  if (!isNumber(keys.price) || !isNumber(keys.amount)) return undefined;
  const price = readBig(text, keys.price);
  const amount = readBig(text, keys.amount);
  if (price === undefined || amount === undefined) return undefined;
  return {
    type: 'trade',
    exchange: UPBIT_ID,
    symbol: lastSymbol,
    market,
    timestamp,
    receivedAt,
    id: text.slice(scanner.start(id), scanner.end(id)),
    price,
    amount,
    side,
  };
}

/**
 * The event of a flat ticker or trade frame, or `undefined` when the frame needs the general path.
 * Only frames whose every field the general path would accept come out here, with the same values.
 *
 * @example
 * ```ts
 * const event = decodeUpbitFastEvent('{"ty":"trade","cd":"KRW-BTC","ttms":1,"sid":7,"tp":1.5,"tv":2,"ab":"BID"}', Date.now());
 * event?.type; // 'trade'
 * ```
 */
export function decodeUpbitFastEvent(text: string, receivedAt: number): MarketEvent | undefined {
  if (!scanner.scan(text)) return undefined;
  // `type` decides the format even when it is not a string (the general path then tries `ty`; here
  // the frame goes there). Frames with the 2018 market keys lack `code`/`cd`, so readMarket declines.
  const isDefault = scanner.kind(TYPE) !== JSON_ABSENT;
  const slots = isDefault ? DEFAULT : SIMPLE;
  const type = isDefault ? TYPE : TY;
  if (scanner.isString(text, type, 'ticker')) return toFastTicker(text, slots, receivedAt);
  if (scanner.isString(text, type, 'trade')) return toFastTrade(text, slots, receivedAt);
  return undefined;
}
