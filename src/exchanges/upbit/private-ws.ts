/**
 * Upbit's private WebSocket (`/websocket/v1/private`): the request for `myOrder` and `myAsset` (both
 * in ONE request, since a request replaces the connection's set) and the frame decoder.
 *
 * @see https://docs.upbit.com/kr/reference/websocket-myorder
 * @see https://docs.upbit.com/kr/reference/websocket-myasset
 */
import { ExchangeError, ParseError } from '../../errors/index.js';
import type { PrivateEvent } from '../../model/account.js';
import { parseJsonExact } from '../../transport/json/json.js';
import { AuthenticationError } from '../../errors/index.js';
import type { PrivateSubscription, PrivateWsMessage } from '../../core/private-adapter.js';
import { readRecord, toParseError, type UpbitRecord } from './fields.js';
import {
  toMyAssetEvent,
  toMyOrderEvent,
  UPBIT_MY_ASSET_KEYS,
  UPBIT_MY_ASSET_SIMPLE_KEYS,
  UPBIT_MY_ORDER_KEYS,
  UPBIT_MY_ORDER_SIMPLE_KEYS,
} from './private-mapper.js';
import { UPBIT_ID } from './symbols.js';
import { readUpbitWsError } from './ws-decode.js';
import type { UpbitWsFormat } from './ws-request.js';

/** Upbit's private WebSocket endpoint. */
export const UPBIT_PRIVATE_WS_URL = 'wss://api.upbit.com/websocket/v1/private';

/** WebSocket error names that mean the credentials were refused. */
const WS_AUTH_ERRORS: ReadonlySet<string> = new Set(['INVALID_AUTH']);
const CHANNEL = 'ws private';
const HEARTBEAT: PrivateWsMessage = { kind: 'heartbeat' };

/**
 * The request frames for `next`: one frame with a `myOrder` type object (codes: the union of the
 * markets asked for, or none, meaning every market, when any subscription wants all) and/or a
 * `myAsset` one (which takes no codes), or `[]` when `next` is empty.
 *
 * @example
 * ```ts
 * buildUpbitPrivateRequest([{ channel: 'myOrders', market: 'KRW-BTC' }, { channel: 'myAssets' }], { ticket: 't', format: 'DEFAULT' });
 * // ['[{"ticket":"t"},{"type":"myOrder","codes":["KRW-BTC"]},{"type":"myAsset"},{"format":"DEFAULT"}]']
 * ```
 */
export function buildUpbitPrivateRequest(
  next: readonly PrivateSubscription[],
  options: { readonly ticket: string; readonly format: UpbitWsFormat },
): string[] {
  if (next.length === 0) return [];
  const orders = next.filter((s): s is Extract<PrivateSubscription, { channel: 'myOrders' }> => s.channel === 'myOrders');
  const wantsAssets = next.some((s) => s.channel === 'myAssets');
  const request: object[] = [{ ticket: options.ticket }];
  if (orders.length > 0) {
    const everyMarket = orders.some((s) => s.market === undefined);
    const codes = [...new Set(orders.map((s) => s.market).filter((m): m is string => m !== undefined))];
    request.push(everyMarket ? { type: 'myOrder' } : { type: 'myOrder', codes });
  }
  if (wantsAssets) request.push({ type: 'myAsset' });
  request.push({ format: options.format });
  return [JSON.stringify(request)];
}

/** A `{"error":{...}}` frame as an error: {@link AuthenticationError} for `INVALID_AUTH`. */
function toWsError(record: UpbitRecord): ExchangeError | undefined {
  const info = readUpbitWsError(record);
  if (info === undefined) return undefined;
  const { code, detail } = info;
  const options = { exchange: UPBIT_ID, code, raw: record };
  if (typeof code === 'string' && WS_AUTH_ERRORS.has(code)) {
    return new AuthenticationError(`Upbit private WebSocket refused the credentials: ${code}${detail}`, options);
  }
  return new ExchangeError(`Upbit private WebSocket request was refused: ${code}${detail}`, options);
}

/** A data record as an event, or `undefined` when it has no type. */
function toEvent(record: UpbitRecord, receivedAt: number): PrivateEvent | undefined {
  const type = record['type'];
  const ty = record['ty'];
  if (type === 'myOrder') return toMyOrderEvent(record, UPBIT_MY_ORDER_KEYS, receivedAt);
  if (type === 'myAsset') return toMyAssetEvent(record, UPBIT_MY_ASSET_KEYS, receivedAt);
  if (ty === 'myOrder') return toMyOrderEvent(record, UPBIT_MY_ORDER_SIMPLE_KEYS, receivedAt);
  if (ty === 'myAsset') return toMyAssetEvent(record, UPBIT_MY_ASSET_SIMPLE_KEYS, receivedAt);
  if (type !== undefined || ty !== undefined) throw toParseError(CHANNEL, `unknown type "${String(type ?? ty)}"`, record);
  return undefined;
}

/**
 * Decodes one private frame: `myOrder`/`myAsset` records in any format (lists included) → events,
 * `{"status":"UP"}` → heartbeat, `{"error":...}` → error (`INVALID_AUTH` as
 * {@link AuthenticationError}); anything else throws a {@link ParseError}.
 *
 * @example
 * ```ts
 * const message = decodeUpbitPrivateFrame(text, Date.now());
 * if (message.kind === 'events') for (const event of message.events) console.log(event.type);
 * ```
 */
export function decodeUpbitPrivateFrame(text: string, receivedAt: number): PrivateWsMessage {
  let frame: unknown;
  try {
    frame = parseJsonExact(text);
  } catch (cause) {
    throw new ParseError('Upbit private WebSocket frame is not JSON', { exchange: UPBIT_ID, channel: CHANNEL, raw: text, cause });
  }
  if (Array.isArray(frame)) {
    const events: PrivateEvent[] = [];
    for (const item of frame) {
      const event = toEvent(readRecord(item, CHANNEL), receivedAt);
      if (event === undefined) throw toParseError(CHANNEL, 'list item is not a data record', item);
      events.push(event);
    }
    return { kind: 'events', events };
  }
  const record = readRecord(frame, CHANNEL);
  const event = toEvent(record, receivedAt);
  if (event !== undefined) return { kind: 'events', events: [event] };
  if (record['status'] === 'UP') return HEARTBEAT;
  const error = toWsError(record);
  if (error !== undefined) return { kind: 'error', error };
  throw toParseError(CHANNEL, 'frame is neither data, status nor error', record);
}
