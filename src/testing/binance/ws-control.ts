/**
 * Binance WebSocket control requests (`SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`,
 * `SET_PROPERTY`, `GET_PROPERTY`): parsing and the exact reply texts, errors spelled byte for byte as
 * the documented templates (`ws_control_error_templates.json`).
 */
import { isLosslessNumber } from 'lossless-json';
import { parseJsonExact } from '../../transport/json/json.js';
import { RawNumber, stringifyWire, type WireValue } from '../server/wire-json.js';

/** A valid control request. */
export type BinanceControlRequest =
  | { readonly method: 'SUBSCRIBE' | 'UNSUBSCRIBE'; readonly params: readonly string[]; readonly id: WireValue }
  | { readonly method: 'LIST_SUBSCRIPTIONS'; readonly id: WireValue }
  | { readonly method: 'SET_PROPERTY'; readonly property: string; readonly value: boolean; readonly id: WireValue }
  | { readonly method: 'GET_PROPERTY'; readonly property: string; readonly id: WireValue };

/** A parse result: the request, or the error reply text. */
export type BinanceControlResult = { readonly ok: true; readonly request: BinanceControlRequest } | { readonly ok: false; readonly reply: string };

const METHODS = ['SUBSCRIBE', 'UNSUBSCRIBE', 'LIST_SUBSCRIPTIONS', 'SET_PROPERTY', 'GET_PROPERTY'];
const ID_STRING = /^[A-Za-z0-9]{1,36}$/;
const INT64_MAX = 9_223_372_036_854_775_807n;

/**
 * The `{"result":…,"id":…}` reply text.
 *
 * @example
 * ```ts
 * controlReply(null, 1); // '{"result":null,"id":1}'
 * ```
 */
export function controlReply(result: WireValue, id: WireValue): string {
  return stringifyWire({ result, id });
}

/** Error texts from the documented templates (spacing kept). */
export const CONTROL_ERRORS = {
  unknownProperty: (id: WireValue): string => `{"code": 0, "msg": "Unknown property","id": ${stringifyWire(id)}}`,
  expectedBoolean: (): string => '{"code": 1, "msg": "Invalid value type: expected Boolean"}',
  propertyNotString: (): string => '{"code": 2, "msg": "Invalid request: property name must be a string"}',
  badId: (): string => '{"code": 2, "msg": "Invalid request: request ID must be an unsigned integer"}',
  unknownMethod: (method: string, column: number): string =>
    `{"code": 2, "msg": "Invalid request: unknown variant \`${method}\`, expected one of \`SUBSCRIBE\`, \`UNSUBSCRIBE\`, \`LIST_SUBSCRIPTIONS\`, \`SET_PROPERTY\`, \`GET_PROPERTY\` at line 1 column ${column}"}`,
  tooManyParameters: (): string => '{"code": 2, "msg": "Invalid request: too many parameters"}',
  missingMethod: (column: number): string => `{"code": 2, "msg": "Invalid request: missing field \`method\` at line 1 column ${column}"}`,
  invalidJson: (line: number, column: number): string => `{"code":3,"msg":"Invalid JSON: expected value at line ${line} column ${column}"}`,
} as const;

/** Line and column (1-based) of the first character that is not valid JSON in `text`. */
function errorPosition(text: string, error: unknown): { line: number; column: number } {
  const match = /position (\d+)/.exec(error instanceof Error ? error.message : '');
  const offset = match === null ? 0 : Number(match[1]);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

/** The request id as it is echoed: integers (int64), alphanumeric strings up to 36, or null. */
function idOf(raw: unknown): WireValue | undefined {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string') return ID_STRING.test(raw) ? raw : undefined;
  const text = typeof raw === 'number' ? String(raw) : isLosslessNumber(raw) ? raw.toString() : undefined;
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
  const value = BigInt(text);
  if (value > INT64_MAX || value < -INT64_MAX - 1n) return undefined;
  return typeof raw === 'number' && Number.isSafeInteger(raw) ? raw : new RawNumber(text);
}

/**
 * Parses one client text frame.
 *
 * @example
 * ```ts
 * parseControl('{"method":"LIST_SUBSCRIPTIONS","id":3}'); // { ok: true, request: { method: 'LIST_SUBSCRIPTIONS', id: 3 } }
 * ```
 */
export function parseControl(text: string): BinanceControlResult {
  let parsed: unknown;
  try {
    parsed = parseJsonExact(text);
  } catch (error) {
    const { line, column } = errorPosition(text, error);
    return { ok: false, reply: CONTROL_ERRORS.invalidJson(line, column) };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, reply: CONTROL_ERRORS.missingMethod(text.length) };
  const body = parsed as Record<string, unknown>;
  const id = idOf(body['id']);
  if (id === undefined) return { ok: false, reply: CONTROL_ERRORS.badId() };
  const method = body['method'];
  if (method === undefined) return { ok: false, reply: CONTROL_ERRORS.missingMethod(text.length) };
  if (typeof method !== 'string' || !METHODS.includes(method)) {
    const shown = typeof method === 'string' ? method : String(method);
    const at = text.indexOf(JSON.stringify(shown));
    return { ok: false, reply: CONTROL_ERRORS.unknownMethod(shown, at < 0 ? text.length : at + JSON.stringify(shown).length) };
  }
  const params = body['params'] ?? [];
  if (!Array.isArray(params)) return { ok: false, reply: CONTROL_ERRORS.tooManyParameters() };
  if (method === 'LIST_SUBSCRIPTIONS') {
    return params.length > 0 ? { ok: false, reply: CONTROL_ERRORS.tooManyParameters() } : { ok: true, request: { method, id } };
  }
  if (method === 'SUBSCRIBE' || method === 'UNSUBSCRIBE') {
    if (!params.every((p): p is string => typeof p === 'string')) return { ok: false, reply: CONTROL_ERRORS.propertyNotString() };
    return { ok: true, request: { method, params, id } };
  }
  const [property, value, ...extra] = params as unknown[];
  if (typeof property !== 'string') return { ok: false, reply: CONTROL_ERRORS.propertyNotString() };
  if (method === 'GET_PROPERTY') {
    return value !== undefined ? { ok: false, reply: CONTROL_ERRORS.tooManyParameters() } : { ok: true, request: { method, property, id } };
  }
  if (extra.length > 0) return { ok: false, reply: CONTROL_ERRORS.tooManyParameters() };
  if (typeof value !== 'boolean') return { ok: false, reply: CONTROL_ERRORS.expectedBoolean() };
  return { ok: true, request: { method: 'SET_PROPERTY', property, value, id } };
}
