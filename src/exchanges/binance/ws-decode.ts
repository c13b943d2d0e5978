/**
 * Binance WebSocket frames → {@link WsMessage}s.
 *
 * Combined-stream frames (`{"stream":"btcusdt@trade","data":{...}}`) and raw ones (the bare payload) are
 * both read: `trade`, `24hrTicker`, `depthUpdate` and `kline` payloads become model events; control
 * replies (`{"result":null,"id":1}`) are ignored; control errors (`{"error":{"code":2,"msg":...},"id":1}`
 * or the bare `{"code":2,"msg":...}`) become `ExchangeError`s; the `serverShutdown` notice asks the
 * transport to reconnect at once.
 *
 * @see https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams
 */
import { ExchangeError, ParseError } from '../../errors/index.js';
import type { Candle } from '../../model/candle.js';
import type { DepthDiffEvent, MarketEvent } from '../../model/market-event.js';
import type { Ticker } from '../../model/ticker.js';
import type { Trade } from '../../model/trade.js';
import { parseJsonExact } from '../../transport/json/json.js';
import type { WsMessage } from '../../core/exchange-adapter.js';
import {
  type BinanceRecord,
  readBoolean,
  readDecimal,
  readId,
  readLevels,
  readMillis,
  readRecord,
  readString,
  toBinanceParseError,
} from './fields.js';
import { fromBinanceKlineInterval } from './rest.js';
import { BINANCE_ID, toBinanceSymbol } from './symbols.js';
import { decodeBinanceFastDepth } from './ws-fast.js';

/** `ParseError.channel` of frame-level failures (not JSON, not an object). */
export const BINANCE_WS_CHANNEL = 'ws';

/** Channels of payload-level failures, one constant per kind so no string is built per frame. */
const CHANNELS = { trade: 'ws trade', ticker: 'ws 24hrTicker', depth: 'ws depthUpdate', kline: 'ws kline' } as const;

const IGNORE: WsMessage = { kind: 'ignore' };

/** The `serverShutdown` notice: the server goes down shortly after it, so move to a new socket now. */
const SERVER_SHUTDOWN: WsMessage = { kind: 'reconnect', reason: 'Binance announced a server shutdown (serverShutdown)' };

/**
 * A `trade` payload. `m: true` means the buyer was the maker, so the taker sold (`side: 'sell'`).
 * Legacy frames with `b`/`a` order ids are read the same (the extra keys are ignored).
 *
 * @example
 * ```ts
 * toWsTrade(payload, Date.now()).side; // 'sell' when m is true
 * ```
 */
export function toWsTrade(record: BinanceRecord, receivedAt: number): Trade {
  const channel = CHANNELS.trade;
  const market = readString(record, 's', channel);
  return {
    type: 'trade',
    exchange: BINANCE_ID,
    symbol: toBinanceSymbol(market),
    market,
    timestamp: readMillis(record, 'T', channel),
    receivedAt,
    id: readId(record, 't', channel),
    price: readDecimal(record, 'p', channel),
    amount: readDecimal(record, 'q', channel),
    side: readBoolean(record, 'm', channel) ? 'sell' : 'buy',
  };
}

/**
 * A `24hrTicker` payload, mapped like the REST ticker (see `toTicker` in `mapper.ts`): rolling 24 h
 * window, `prevClose` = `x`, `change`/`changeRate` = `p` and `P / 100` (against `o`); `timestamp` is
 * the event time `E`.
 *
 * @example
 * ```ts
 * toWsTicker(payload, Date.now()).last.toFixed(); // '0.0025'
 * ```
 */
export function toWsTicker(record: BinanceRecord, receivedAt: number): Ticker {
  const channel = CHANNELS.ticker;
  const market = readString(record, 's', channel);
  const baseVolume = readDecimal(record, 'v', channel);
  const quoteVolume = readDecimal(record, 'q', channel);
  return {
    type: 'ticker',
    exchange: BINANCE_ID,
    symbol: toBinanceSymbol(market),
    market,
    timestamp: readMillis(record, 'E', channel),
    receivedAt,
    last: readDecimal(record, 'c', channel),
    open: readDecimal(record, 'o', channel),
    high: readDecimal(record, 'h', channel),
    low: readDecimal(record, 'l', channel),
    prevClose: readDecimal(record, 'x', channel),
    change: readDecimal(record, 'p', channel),
    changeRate: readDecimal(record, 'P', channel).div(100),
    baseVolume,
    quoteVolume,
    baseVolume24h: baseVolume,
    quoteVolume24h: quoteVolume,
    lastAmount: readDecimal(record, 'Q', channel),
  };
}

/**
 * A `depthUpdate` payload as a {@link DepthDiffEvent}: `U`/`u` as exact digit strings, levels with
 * absolute amounts (zero deletes), in the order sent. `timestamp` is the event time `E`.
 *
 * @example
 * ```ts
 * toDepthDiff(payload, Date.now()).finalUpdateId; // '160'
 * ```
 */
export function toDepthDiff(record: BinanceRecord, receivedAt: number): DepthDiffEvent {
  const channel = CHANNELS.depth;
  const market = readString(record, 's', channel);
  return {
    type: 'depthDiff',
    exchange: BINANCE_ID,
    symbol: toBinanceSymbol(market),
    market,
    timestamp: readMillis(record, 'E', channel),
    receivedAt,
    firstUpdateId: readId(record, 'U', channel),
    finalUpdateId: readId(record, 'u', channel),
    bids: readLevels(record['b'], 'b', channel),
    asks: readLevels(record['a'], 'a', channel),
  };
}

/**
 * A `kline` payload as a {@link Candle}, or `undefined` for an interval the library lacks (`2h`).
 * `timestamp` is the event time `E`; the candle may still be open (`k.x` false).
 *
 * @example
 * ```ts
 * toWsCandle(payload, Date.now())?.openTime; // 1672515780000
 * ```
 */
export function toWsCandle(record: BinanceRecord, receivedAt: number): Candle | undefined {
  const channel = CHANNELS.kline;
  const market = readString(record, 's', channel);
  const k = readRecord(record['k'], channel);
  const interval = fromBinanceKlineInterval(readString(k, 'i', channel));
  if (interval === undefined) return undefined;
  return {
    type: 'candle',
    exchange: BINANCE_ID,
    symbol: toBinanceSymbol(market),
    market,
    timestamp: readMillis(record, 'E', channel),
    receivedAt,
    interval,
    openTime: readMillis(k, 't', channel),
    open: readDecimal(k, 'o', channel),
    high: readDecimal(k, 'h', channel),
    low: readDecimal(k, 'l', channel),
    close: readDecimal(k, 'c', channel),
    baseVolume: readDecimal(k, 'v', channel),
    quoteVolume: readDecimal(k, 'q', channel),
  };
}

/**
 * One stream payload as a model event, or `undefined` for a payload the library does not map
 * (`aggTrade`, `24hrMiniTicker`, `bookTicker`, partial depth, ...).
 */
function toEvent(payload: BinanceRecord, receivedAt: number): MarketEvent | undefined {
  switch (payload['e']) {
    case 'trade':
      return toWsTrade(payload, receivedAt);
    case '24hrTicker':
      return toWsTicker(payload, receivedAt);
    case 'depthUpdate':
      return toDepthDiff(payload, receivedAt);
    case 'kline':
      return toWsCandle(payload, receivedAt);
    default:
      return undefined;
  }
}

/** A stream payload (an object, or an array of them for `!…@arr` streams) as a message. */
function decodePayload(data: unknown, receivedAt: number): WsMessage {
  if (Array.isArray(data)) {
    const events: MarketEvent[] = [];
    for (const item of data) {
      const event = toEvent(readRecord(item, BINANCE_WS_CHANNEL), receivedAt);
      if (event !== undefined) events.push(event);
    }
    return events.length === 0 ? IGNORE : { kind: 'events', events };
  }
  const payload = readRecord(data, BINANCE_WS_CHANNEL);
  if (payload['e'] === 'serverShutdown') return SERVER_SHUTDOWN;
  const event = toEvent(payload, receivedAt);
  return event === undefined ? IGNORE : { kind: 'events', events: [event] };
}

/** `{code, msg}` (a control error, bare or under `error`) as an {@link ExchangeError}. */
function toControlError(info: BinanceRecord, frame: BinanceRecord): ExchangeError {
  const { code, msg } = info;
  const value = typeof code === 'number' ? code : typeof code === 'string' ? code : 'unknown';
  const id = frame['id'] === undefined || frame['id'] === null ? '' : ` (request ${String(frame['id'])})`;
  const detail = typeof msg === 'string' ? `: ${msg}` : '';
  return new ExchangeError(`Binance WebSocket request was refused${id}: ${value}${detail}`, { exchange: BINANCE_ID, code: value, raw: frame });
}

/**
 * Decodes one Binance frame (text).
 *
 * - `{"stream":…,"data":…}` (combined) or a bare payload (raw stream) → `{ kind: 'events' }` for
 *   `trade`, `24hrTicker`, `depthUpdate` and `kline`; other payloads → `{ kind: 'ignore' }`;
 * - `serverShutdown` (raw `{"e":"serverShutdown","E":…}`, or the `!serverShutdown` stream) →
 *   `{ kind: 'reconnect' }`: the server goes down shortly after it, and waiting for that close would
 *   lose the data of the backoff that follows, so the transport replaces the socket at once;
 * - control replies `{"result":…,"id":…}` → `{ kind: 'ignore' }`;
 * - control errors `{"error":{"code","msg"},"id"}` or `{"code","msg"}` → `{ kind: 'error' }`;
 * - text that is not JSON, not an object, or a mapped payload of the wrong shape → throws
 *   {@link ParseError}.
 *
 * @example
 * ```ts
 * decodeBinanceFrame('{"result":null,"id":1}', Date.now()); // { kind: 'ignore' }
 * const message = decodeBinanceFrame(text, Date.now());
 * if (message.kind === 'events') for (const event of message.events) console.log(event.type);
 * ```
 */
export function decodeBinanceFrame(text: string, receivedAt: number): WsMessage {
  const depth = decodeBinanceFastDepth(text, receivedAt);
  if (depth !== undefined) return { kind: 'events', events: [depth] };
  return decodeBinanceFrameGeneral(text, receivedAt);
}

/**
 * {@link decodeBinanceFrame} without its fast path (`ws-fast.ts`, `depthUpdate` frames): parses the
 * frame with `parseJsonExact` and maps the resulting object. The reference the fast path is tested
 * against; it decodes every frame the same.
 *
 * @example
 * ```ts
 * decodeBinanceFrameGeneral('{"result":null,"id":1}', Date.now()); // { kind: 'ignore' }
 * ```
 */
export function decodeBinanceFrameGeneral(text: string, receivedAt: number): WsMessage {
  let frame: unknown;
  try {
    frame = parseJsonExact(text);
  } catch (error) {
    const detail = error instanceof Error ? `: ${error.message}` : '';
    const options = { exchange: BINANCE_ID, channel: BINANCE_WS_CHANNEL, raw: text, cause: error };
    throw new ParseError(`Binance WebSocket frame is not JSON${detail}`, options);
  }
  if (Array.isArray(frame)) return decodePayload(frame, receivedAt);
  const record = readRecord(frame, BINANCE_WS_CHANNEL);
  if (typeof record['stream'] === 'string' && record['data'] !== undefined) return decodePayload(record['data'], receivedAt);
  if (typeof record['e'] === 'string') return decodePayload(record, receivedAt);
  if (record['error'] !== undefined && record['error'] !== null) return { kind: 'error', error: toControlError(readRecord(record['error'], BINANCE_WS_CHANNEL), record) };
  if (record['code'] !== undefined && typeof record['msg'] === 'string') return { kind: 'error', error: toControlError(record, record) };
  if ('result' in record && 'id' in record) return IGNORE;
  // Raw-stream payloads without `e`: bookTicker (`u`, `s`, `b`, …) and partial depth (`lastUpdateId`).
  if (record['lastUpdateId'] !== undefined || (record['u'] !== undefined && record['s'] !== undefined)) return IGNORE;
  throw toBinanceParseError(BINANCE_WS_CHANNEL, 'frame is neither a stream event nor a control reply', record);
}
