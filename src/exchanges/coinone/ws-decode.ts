/**
 * Coinone WebSocket frames → {@link WsMessage}s. One decoder reads both formats: a frame with
 * `response_type` is `DEFAULT` (long keys), one with `r` is `SHORT` (`c`, `d` and abbreviated data keys).
 *
 * @see https://docs.coinone.co.kr/reference/public-websocket-orderbook
 * @see https://docs.coinone.co.kr/reference/public-websocket-ticker
 */
import { ExchangeError, ParseError } from '../../errors/index.js';
import type { CandleInterval } from '../../model/candle.js';
import { parseJsonExact } from '../../transport/json/json.js';
import type { WsMessage } from '../../core/exchange-adapter.js';
import {
  COINONE_DEFAULT_KEYS,
  COINONE_SHORT_KEYS,
  type CoinoneKeySet,
  type CoinoneRecord,
  readMarket,
  readRecord,
  readString,
  toCoinoneParseError,
} from './fields.js';
import { toCoinoneCandle, toCoinoneOrderBook, toCoinoneTicker, toCoinoneTrade } from './mapper.js';
import { COINONE_ID } from './symbols.js';

/** `ParseError.channel` of frame-level failures (not JSON, no type, unknown type). */
export const COINONE_WS_CHANNEL = 'ws';

/** Channels of record-level failures. */
const CHANNELS = { ticker: 'ws TICKER', trade: 'ws TRADE', orderBook: 'ws ORDERBOOK', chart: 'ws CHART' } as const;

/**
 * The library interval of each CHART interval Coinone streams that the library has (`2h` and `6h`
 * have no library spelling and are never subscribed).
 */
export const COINONE_WS_CANDLE_INTERVALS: ReadonlyMap<string, CandleInterval> = new Map<string, CandleInterval>([
  ['1m', '1m'],
  ['3m', '3m'],
  ['5m', '5m'],
  ['15m', '15m'],
  ['30m', '30m'],
  ['1h', '1h'],
  ['4h', '4h'],
  ['1d', '1d'],
  ['1w', '1w'],
]);

const HEARTBEAT: WsMessage = { kind: 'heartbeat' };
const IGNORE: WsMessage = { kind: 'ignore' };

/** The envelope keys of each format. */
const ENVELOPES = {
  DEFAULT: { type: 'response_type', channel: 'channel', data: 'data', keys: COINONE_DEFAULT_KEYS },
  SHORT: { type: 'r', channel: 'c', data: 'd', keys: COINONE_SHORT_KEYS },
} as const satisfies Record<string, { type: string; channel: string; data: string; keys: CoinoneKeySet }>;

type Envelope = (typeof ENVELOPES)[keyof typeof ENVELOPES];

/** A DATA frame's payload as one event. */
function decodeData(frame: CoinoneRecord, envelope: Envelope, receivedAt: number): WsMessage {
  const channel = readString(frame, envelope.channel, COINONE_WS_CHANNEL);
  const data = readRecord(frame[envelope.data], COINONE_WS_CHANNEL);
  const { keys } = envelope;
  switch (channel) {
    case 'TICKER':
      return { kind: 'events', events: [toCoinoneTicker(data, keys.ticker, CHANNELS.ticker, receivedAt)] };
    case 'TRADE': {
      const market = readMarket(data, keys.trade, CHANNELS.trade);
      return { kind: 'events', events: [toCoinoneTrade(data, keys.trade, market, CHANNELS.trade, receivedAt)] };
    }
    case 'ORDERBOOK':
      return { kind: 'events', events: [toCoinoneOrderBook(data, keys.orderBook, CHANNELS.orderBook, receivedAt)] };
    case 'CHART': {
      const native = readString(data, keys.candle.interval, CHANNELS.chart);
      const interval = COINONE_WS_CANDLE_INTERVALS.get(native);
      if (interval === undefined) throw toCoinoneParseError(CHANNELS.chart, `unknown interval "${native}"`, data);
      return { kind: 'events', events: [toCoinoneCandle(data, keys.candle, interval, CHANNELS.chart, receivedAt)] };
    }
    default:
      throw toCoinoneParseError(COINONE_WS_CHANNEL, `unknown channel "${channel}"`, frame);
  }
}

/** An ERROR frame as an {@link ExchangeError} whose `code` is the numeric error code. */
function toWsError(frame: CoinoneRecord): ExchangeError {
  const value = frame['error_code'];
  const code = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? value : undefined;
  if (code === undefined) throw toCoinoneParseError(COINONE_WS_CHANNEL, 'error frame has no error_code', frame);
  const message = typeof frame['message'] === 'string' ? ` ${frame['message']}` : '';
  const field = typeof frame['field'] === 'string' ? ` (field ${frame['field']})` : '';
  return new ExchangeError(`Coinone WebSocket request was refused: ${code}${message}${field}`, { exchange: COINONE_ID, code, raw: frame });
}

/**
 * Decodes one Coinone frame.
 *
 * - `DATA` (`DEFAULT` or `SHORT`) → `{ kind: 'events' }` with one ticker, trade, order book (full
 *   16-level replacement, both sides best-first) or candle;
 * - `PONG` → `{ kind: 'heartbeat' }`; `CONNECTED`, `SUBSCRIBED`, `UNSUBSCRIBED` → `{ kind: 'ignore' }`;
 * - `ERROR` → `{ kind: 'error' }` with an `ExchangeError` (`code` 160010 invalid request, 160011
 *   invalid type, 160012 invalid topic; the frame names no topic);
 * - anything else throws a {@link ParseError}.
 *
 * @example
 * ```ts
 * decodeCoinoneFrame('{"response_type":"PONG"}', Date.now()); // { kind: 'heartbeat' }
 * ```
 */
export function decodeCoinoneFrame(text: string, receivedAt: number): WsMessage {
  let parsed: unknown;
  try {
    parsed = parseJsonExact(text);
  } catch (error) {
    const detail = error instanceof Error ? `: ${error.message}` : '';
    const options = { exchange: COINONE_ID, channel: COINONE_WS_CHANNEL, raw: text, cause: error };
    throw new ParseError(`Coinone WebSocket frame is not JSON${detail}`, options);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw toCoinoneParseError(COINONE_WS_CHANNEL, 'frame is not an object', text);
  }
  const frame = parsed as CoinoneRecord;
  const envelope = typeof frame['response_type'] === 'string' ? ENVELOPES.DEFAULT : typeof frame['r'] === 'string' ? ENVELOPES.SHORT : undefined;
  if (envelope === undefined) throw toCoinoneParseError(COINONE_WS_CHANNEL, 'frame has no response type', frame);
  const type = frame[envelope.type];
  switch (type) {
    case 'DATA':
      return decodeData(frame, envelope, receivedAt);
    case 'PONG':
      return HEARTBEAT;
    case 'CONNECTED':
    case 'SUBSCRIBED':
    case 'UNSUBSCRIBED':
      return IGNORE;
    case 'ERROR':
      return { kind: 'error', error: toWsError(frame) };
    default:
      throw toCoinoneParseError(COINONE_WS_CHANNEL, `unknown response type "${String(type)}"`, frame);
  }
}
