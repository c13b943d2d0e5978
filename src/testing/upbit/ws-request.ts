/**
 * Parsing and validation of Upbit WebSocket request frames: `[{ticket}, {type, codes, ...}..., {format}?]`.
 *
 * A request is accepted or rejected whole. Which error a bad request gets (the simulator's choices,
 * Upbit documents only the names): text that is not JSON, not an array, an element that is not an
 * object or names none of `ticket`/`type`/`format`, or an unknown format → `WRONG_FORMAT`; no ticket
 * object or an empty/non-string ticket → `NO_TICKET`; no type object or an empty/non-string `type` →
 * `NO_TYPE`; `codes` absent, not an array or empty → `NO_CODES`; `myOrder`/`myAsset` (private stream,
 * not served on the public path) → `INVALID_AUTH`; an unknown type, a non-string code, an unknown or
 * unlisted market, a `.N` suffix outside 1-30 or on a non-orderbook type, a bad `level` (as REST: KRW
 * markets only, a multiple of the tick) or a non-boolean flag → `INVALID_PARAM`.
 */
import type { CandleInterval } from '../../model/candle.js';
import { Big, isWireNumber, toBig } from '../../model/decimal.js';
import { parseJsonExact } from '../../transport/json/json.js';
import type { MarketModel } from '../market/market-model.js';
import type { UpbitWsFormat } from './ws-wire.js';

/** The error names an Upbit WebSocket error frame carries. */
export type UpbitWsErrorName = 'WRONG_FORMAT' | 'NO_TICKET' | 'NO_TYPE' | 'NO_CODES' | 'INVALID_PARAM' | 'INVALID_AUTH';

/** An error frame's content: `{"error":{"name":...,"message":...}}`. */
export interface UpbitWsError {
  readonly name: UpbitWsErrorName;
  readonly message: string;
}

/** One (type, code) stream of a request. */
export interface UpbitWsSubscription {
  /** The wire type (`ticker`, `trade`, `orderbook`, `candle.1m` …). */
  readonly type: string;
  /** Market code without the depth suffix. */
  readonly code: string;
  /** Orderbook rows (the `.N` suffix). @default 30 */
  readonly depth: number;
  /** Orderbook price grouping. @default 0 */
  readonly level: Big;
  /** The candle interval of `candle.*` types. */
  readonly interval: CandleInterval | undefined;
  /** Send a SNAPSHOT first (`false` with `is_only_realtime`). */
  readonly snapshot: boolean;
  /** Send REALTIME updates (`false` with `is_only_snapshot`). */
  readonly realtime: boolean;
}

/** A valid request. */
export interface UpbitWsRequest {
  readonly ticket: string;
  readonly format: UpbitWsFormat;
  readonly subscriptions: readonly UpbitWsSubscription[];
}

/** The outcome of {@link parseUpbitWsRequest}; `parsed` is the JSON value, when the text was JSON. */
export type UpbitWsParseResult =
  | { readonly ok: true; readonly request: UpbitWsRequest; readonly parsed: unknown }
  | { readonly ok: false; readonly error: UpbitWsError; readonly parsed: unknown };

/** Wire candle types → model intervals. */
export const UPBIT_WS_CANDLE_TYPE_INTERVALS: ReadonlyMap<string, CandleInterval> = new Map<string, CandleInterval>([
  ['candle.1s', '1s'],
  ['candle.1m', '1m'],
  ['candle.3m', '3m'],
  ['candle.5m', '5m'],
  ['candle.10m', '10m'],
  ['candle.15m', '15m'],
  ['candle.30m', '30m'],
  ['candle.60m', '1h'],
  ['candle.240m', '4h'],
]);

const FORMATS: ReadonlySet<string> = new Set(['DEFAULT', 'SIMPLE', 'JSON_LIST', 'SIMPLE_LIST']);
const PRIVATE_TYPES: ReadonlySet<string> = new Set(['myOrder', 'myAsset']);
const MAX_DEPTH = 30;

class RequestError extends Error {
  constructor(readonly wsError: UpbitWsError) {
    super(wsError.message);
  }
}

function fail(name: UpbitWsErrorName, message: string): never {
  throw new RequestError({ name, message });
}

type JsonObject = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !isWireNumber(value);
}

/** A flag under its snake_case or older camelCase name; `true` when either is `true`. */
function flag(item: JsonObject, snake: string, camel: string): boolean {
  let on = false;
  for (const key of [snake, camel]) {
    const value = item[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'boolean') fail('INVALID_PARAM', `${key} must be a boolean`);
    on ||= value;
  }
  return on;
}

function parseLevel(item: JsonObject): Big {
  const value = item.level;
  if (value === undefined || value === null) return new Big(0);
  if (!isWireNumber(value) && !(typeof value === 'string' && /^\d+(?:\.\d+)?$/.test(value))) fail('INVALID_PARAM', 'level must be a number');
  const level = toBig(value);
  if (level.lt(0)) fail('INVALID_PARAM', 'level must not be negative');
  return level;
}

/** Splits `KRW-BTC.5` into the code and depth, checking both. */
function parseCode(model: MarketModel, raw: unknown, type: string, level: Big, at: number): { code: string; depth: number } {
  if (typeof raw !== 'string') fail('INVALID_PARAM', `codes must be strings, got ${JSON.stringify(raw)}`);
  const match = /^(.*?)(?:\.(\d+))?$/.exec(raw);
  const code = match?.[1] ?? raw;
  const suffix = match?.[2];
  if (suffix !== undefined && type !== 'orderbook') fail('INVALID_PARAM', `${raw}: a depth suffix is for orderbook only`);
  const depth = suffix === undefined ? MAX_DEPTH : Number(suffix);
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_DEPTH) fail('INVALID_PARAM', `${raw}: depth must be 1-${MAX_DEPTH}`);
  if (!model.hasMarket(code, at)) fail('INVALID_PARAM', `Unknown code: ${code}`);
  const market = model.market(code);
  if (level.gt(0) && (market?.quote !== 'KRW' || !level.mod(market.tickSize).eq(0))) {
    fail('INVALID_PARAM', `level ${level.toFixed()} is not a price unit of ${code}`);
  }
  return { code, depth };
}

function parseTypeObject(model: MarketModel, item: JsonObject, at: number): UpbitWsSubscription[] {
  const type = item.type;
  if (typeof type !== 'string' || type === '') fail('NO_TYPE', 'type must be a non-empty string');
  if (PRIVATE_TYPES.has(type)) fail('INVALID_AUTH', `${type} needs an authenticated connection on /websocket/v1/private`);
  const interval = UPBIT_WS_CANDLE_TYPE_INTERVALS.get(type);
  if (type !== 'ticker' && type !== 'trade' && type !== 'orderbook' && interval === undefined) fail('INVALID_PARAM', `Unknown type: ${type}`);
  const codes = item.codes;
  if (!Array.isArray(codes) || codes.length === 0) fail('NO_CODES', `codes are required for ${type}`);
  const level = type === 'orderbook' ? parseLevel(item) : new Big(0);
  const snapshot = !flag(item, 'is_only_realtime', 'isOnlyRealtime');
  const realtime = !flag(item, 'is_only_snapshot', 'isOnlySnapshot');
  return codes.map((raw: unknown) => {
    const { code, depth } = parseCode(model, raw, type, level, at);
    return { type, code, depth, level, interval, snapshot, realtime };
  });
}

/** Later duplicates of a (type, code, depth) replace earlier ones, keeping the first position. */
function dedupe(subscriptions: readonly UpbitWsSubscription[]): UpbitWsSubscription[] {
  const byKey = new Map<string, UpbitWsSubscription>();
  for (const sub of subscriptions) byKey.set(`${sub.type}|${sub.code}|${sub.depth}`, sub);
  return [...byKey.values()];
}

function parseElements(model: MarketModel, parsed: unknown, at: number): UpbitWsRequest {
  if (!Array.isArray(parsed)) fail('WRONG_FORMAT', 'A request is a JSON array');
  let ticket: string | undefined;
  let format: UpbitWsFormat = 'DEFAULT';
  const typeObjects: JsonObject[] = [];
  for (const item of parsed as unknown[]) {
    if (!isObject(item)) fail('WRONG_FORMAT', 'Request elements are objects');
    if ('ticket' in item) {
      if (typeof item.ticket !== 'string' || item.ticket === '') fail('NO_TICKET', 'ticket must be a non-empty string');
      ticket = item.ticket;
    } else if ('format' in item) {
      if (typeof item.format !== 'string' || !FORMATS.has(item.format)) fail('WRONG_FORMAT', `Unknown format: ${JSON.stringify(item.format)}`);
      format = item.format as UpbitWsFormat;
    } else if ('type' in item) {
      typeObjects.push(item);
    } else {
      fail('WRONG_FORMAT', 'Request elements hold a ticket, a type or a format');
    }
  }
  if (ticket === undefined) fail('NO_TICKET', 'No ticket');
  if (typeObjects.length === 0) fail('NO_TYPE', 'No type');
  const subscriptions = dedupe(typeObjects.flatMap((item) => parseTypeObject(model, item, at)));
  return { ticket, format, subscriptions };
}

/**
 * Parses one request frame's text against the model's markets at `at`.
 *
 * @example
 * ```ts
 * const result = parseUpbitWsRequest(model, '[{"ticket":"t"},{"type":"orderbook","codes":["KRW-BTC.5"]}]', now);
 * if (result.ok) result.request.subscriptions[0]?.depth; // 5
 * ```
 */
export function parseUpbitWsRequest(model: MarketModel, text: string, at: number): UpbitWsParseResult {
  let parsed: unknown;
  try {
    parsed = parseJsonExact(text);
  } catch {
    return { ok: false, error: { name: 'WRONG_FORMAT', message: 'Request is not JSON' }, parsed: undefined };
  }
  try {
    return { ok: true, request: parseElements(model, parsed, at), parsed };
  } catch (error) {
    if (error instanceof RequestError) return { ok: false, error: error.wsError, parsed };
    throw error;
  }
}
