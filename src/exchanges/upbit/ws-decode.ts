/**
 * Upbit WebSocket frames → {@link WsMessage}s: data records become model events through the record
 * mappers of `mapper.ts`, `{"status":"UP"}` is the keepalive reply, `{"error":{...}}` a refused request.
 *
 * One decoder reads every format: a record with `type` is `DEFAULT`, one with `ty` is `SIMPLE`, an
 * array (`JSON_LIST`, `SIMPLE_LIST`) is a list of records. The hot path (one ticker or trade per frame)
 * allocates the model object, its one-element events array and the message, nothing else: flat
 * ticker and trade frames are decoded straight from the text by `ws-fast.ts`, everything else is
 * parsed with `parseJsonExact` and mapped through constant key tables.
 *
 * @see https://docs.upbit.com/kr/reference/websocket-guide (status and error frames)
 */
import { ExchangeError, ParseError } from '../../errors/index.js';
import { isWireNumber } from '../../model/decimal.js';
import type { MarketEvent } from '../../model/market-event.js';
import { parseJsonExact } from '../../transport/json/json.js';
import type { WsMessage } from '../../core/exchange-adapter.js';
import { readRecord, toParseError, type UpbitRecord } from './fields.js';
import { toCandle, toOrderBook, toTicker, toTrade } from './mapper.js';
import { UPBIT_ID } from './symbols.js';
import { decodeUpbitFastEvent } from './ws-fast.js';
import {
  UPBIT_WS_CANDLE_INTERVALS,
  UPBIT_WS_DEFAULT_KEYS,
  UPBIT_WS_LEGACY_DEFAULT_KEYS,
  UPBIT_WS_LEGACY_SIMPLE_KEYS,
  UPBIT_WS_SIMPLE_KEYS,
  type UpbitWsKeySet,
} from './ws-keys.js';

/** `ParseError.channel` of frame-level failures (not JSON, no type, unknown type). */
export const UPBIT_WS_CHANNEL = 'ws';

/** Channels of record-level failures, one constant per kind so no string is built per frame. */
const CHANNELS = { ticker: 'ws ticker', trade: 'ws trade', orderBook: 'ws orderbook', candle: 'ws candle' } as const;

const HEARTBEAT: WsMessage = { kind: 'heartbeat' };

/** The DEFAULT key set of a record: `code` (current) or `market` (2018 frames). */
function defaultKeys(record: UpbitRecord): UpbitWsKeySet {
  return record['code'] === undefined && record['market'] !== undefined ? UPBIT_WS_LEGACY_DEFAULT_KEYS : UPBIT_WS_DEFAULT_KEYS;
}

/** The SIMPLE key set of a record: `cd` (current) or `mk` (the 2018 example). */
function simpleKeys(record: UpbitRecord): UpbitWsKeySet {
  return record['cd'] === undefined && record['mk'] !== undefined ? UPBIT_WS_LEGACY_SIMPLE_KEYS : UPBIT_WS_SIMPLE_KEYS;
}

/** One data record of native type `type` as a model event; an unknown type is a {@link ParseError}. */
function toTypedEvent(record: UpbitRecord, type: string, keys: UpbitWsKeySet, receivedAt: number): MarketEvent {
  switch (type) {
    case 'ticker':
      return toTicker(record, keys.ticker, CHANNELS.ticker, receivedAt);
    case 'trade':
      return toTrade(record, keys.trade, CHANNELS.trade, receivedAt);
    case 'orderbook':
      return toOrderBook(record, keys.orderBook, CHANNELS.orderBook, receivedAt);
    default: {
      const interval = UPBIT_WS_CANDLE_INTERVALS.get(type);
      if (interval !== undefined) return toCandle(record, keys.candle, interval, CHANNELS.candle, receivedAt);
      throw toParseError(UPBIT_WS_CHANNEL, `unknown type "${type}"`, record);
    }
  }
}

/**
 * A data record as a model event, or `undefined` when it is not one (a status or error frame).
 * Records without a type are accepted as trades when they carry a trade id (the 2018 SIMPLE example
 * has neither `ty` nor `cd`: `{"mk":"KRW-BTC",...,"sid":...}`).
 */
function toEvent(record: UpbitRecord, receivedAt: number): MarketEvent | undefined {
  const type = record['type'];
  if (typeof type === 'string') return toTypedEvent(record, type, defaultKeys(record), receivedAt);
  const ty = record['ty'];
  if (typeof ty === 'string') return toTypedEvent(record, ty, simpleKeys(record), receivedAt);
  if (type !== undefined || ty !== undefined) throw toParseError(UPBIT_WS_CHANNEL, 'type is not a string', record);
  if (record['sid'] !== undefined) return toTrade(record, simpleKeys(record).trade, CHANNELS.trade, receivedAt);
  if (record['sequential_id'] !== undefined) return toTrade(record, defaultKeys(record).trade, CHANNELS.trade, receivedAt);
  return undefined;
}

/** The `error` of an Upbit WebSocket error frame, read by {@link readUpbitWsError}. */
export interface UpbitWsErrorInfo {
  /** `name` as sent: a string (`NO_CODES`) or a number. */
  readonly code: string | number;
  /** ` (<message>)` for a message, else empty: ready to append to an error message. */
  readonly detail: string;
}

/**
 * The `error` of a public or private WebSocket error frame (`{"error":{"name":...,"message":...}}`), or
 * `undefined` when the record carries no readable one.
 *
 * @example
 * ```ts
 * readUpbitWsError({ error: { name: 'NO_CODES', message: 'no codes' } }); // { code: 'NO_CODES', detail: ' (no codes)' }
 * ```
 */
export function readUpbitWsError(record: UpbitRecord): UpbitWsErrorInfo | undefined {
  const error = record['error'];
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, message } = error as { readonly name?: unknown; readonly message?: unknown };
  const code = typeof name === 'string' ? name : isWireNumber(name) ? Number(name) : undefined;
  if (code === undefined) return undefined;
  return { code, detail: typeof message === 'string' ? ` (${message})` : '' };
}

/** `{"error":{"name":"NO_CODES","message":"..."}}` as an {@link ExchangeError} with `name` as `code`. */
function toWsError(record: UpbitRecord): ExchangeError | undefined {
  const info = readUpbitWsError(record);
  if (info === undefined) return undefined;
  return new ExchangeError(`Upbit WebSocket request was refused: ${info.code}${info.detail}`, { exchange: UPBIT_ID, code: info.code, raw: record });
}

/** A single-object frame: data, keepalive reply or error. */
function decodeRecord(record: UpbitRecord, receivedAt: number): WsMessage {
  const event = toEvent(record, receivedAt);
  if (event !== undefined) return { kind: 'events', events: [event] };
  if (record['status'] === 'UP') return HEARTBEAT;
  if (record['error'] !== undefined) {
    const error = toWsError(record);
    if (error !== undefined) return { kind: 'error', error };
    throw toParseError(UPBIT_WS_CHANNEL, 'error frame has no name', record);
  }
  throw toParseError(UPBIT_WS_CHANNEL, 'frame is neither data, status nor error', record);
}

/**
 * Decodes one Upbit frame (the UTF-8 text of a binary frame, or a text frame).
 *
 * - data record (`type` or `ty`; typeless records with a trade id) → `{ kind: 'events' }` with one
 *   event; list frames (arrays) → one event per element;
 * - `{"status":"UP"}` → `{ kind: 'heartbeat' }`;
 * - `{"error":{"name":...}}` → `{ kind: 'error' }` with an `ExchangeError` whose `code` is the name;
 * - anything else, including unknown types, throws a {@link ParseError} (the transport reports it and
 *   keeps the connection), so nothing vanishes silently.
 *
 * @example
 * ```ts
 * decodeUpbitFrame('{"status":"UP"}', Date.now()); // { kind: 'heartbeat' }
 * const message = decodeUpbitFrame(text, Date.now());
 * if (message.kind === 'events') for (const event of message.events) console.log(event.type);
 * ```
 */
export function decodeUpbitFrame(text: string, receivedAt: number): WsMessage {
  const fast = decodeUpbitFastEvent(text, receivedAt);
  if (fast !== undefined) return { kind: 'events', events: [fast] };
  return decodeUpbitFrameGeneral(text, receivedAt);
}

/**
 * {@link decodeUpbitFrame} without its fast path: parses the frame with `parseJsonExact` and maps the
 * resulting object. The reference the fast path is tested against; it decodes every frame the same.
 *
 * @example
 * ```ts
 * decodeUpbitFrameGeneral('{"status":"UP"}', Date.now()); // { kind: 'heartbeat' }
 * ```
 */
export function decodeUpbitFrameGeneral(text: string, receivedAt: number): WsMessage {
  let frame: unknown;
  try {
    frame = parseJsonExact(text);
  } catch (error) {
    const detail = error instanceof Error ? `: ${error.message}` : '';
    const options = { exchange: UPBIT_ID, channel: UPBIT_WS_CHANNEL, raw: text, cause: error };
    throw new ParseError(`Upbit WebSocket frame is not JSON${detail}`, options);
  }
  if (typeof frame !== 'object' || frame === null) throw toParseError(UPBIT_WS_CHANNEL, 'frame is not an object or array', text);
  if (!Array.isArray(frame)) return decodeRecord(frame as UpbitRecord, receivedAt);
  const events: MarketEvent[] = [];
  for (const item of frame) {
    const record = readRecord(item, UPBIT_WS_CHANNEL);
    const event = toEvent(record, receivedAt);
    if (event === undefined) throw toParseError(UPBIT_WS_CHANNEL, 'list item is not a data record', record);
    events.push(event);
  }
  return { kind: 'events', events };
}
