/**
 * Checked field readers shared by the Binance REST and WebSocket mappers. Each throws a
 * {@link ParseError} naming the field and the channel; none allocates on the good path.
 *
 * Binance sends prices and quantities as JSON strings (`"4.00000200"`) and ids, counts and times as
 * JSON numbers; the readers accept both spellings for decimals and ids, so a reply that switches never
 * loses a digit.
 */
import { ParseError } from '../../errors.js';
import { type Big, isWireNumber, toBig, toIdString } from '../../model/decimal.js';
import type { OrderBookLevel } from '../../model/order-book.js';
import { isLosslessNumber } from 'lossless-json';
import { toRawText } from '../raw-text.js';
import { BINANCE_ID } from './symbols.js';

/** A JSON object as it came off the wire. */
export type BinanceRecord = Readonly<Record<string, unknown>>;

/**
 * A {@link ParseError} for a Binance reply or frame that does not have the expected shape.
 *
 * @example
 * ```ts
 * throw toBinanceParseError('/api/v3/trades', '"price" is missing', record);
 * ```
 */
export function toBinanceParseError(channel: string, problem: string, raw: unknown): ParseError {
  return new ParseError(`Binance ${channel} could not be parsed: ${problem}`, { exchange: BINANCE_ID, channel, raw: toRawText(raw) });
}

/**
 * `value` as a JSON object, or a {@link ParseError}.
 *
 * @example
 * ```ts
 * const record = readRecord(body, '/api/v3/depth');
 * ```
 */
export function readRecord(value: unknown, channel: string): BinanceRecord {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as BinanceRecord;
  throw toBinanceParseError(channel, 'item is not an object', value);
}

/**
 * `value` as a JSON array, or a {@link ParseError}.
 *
 * @example
 * ```ts
 * for (const row of readArray(body, '/api/v3/klines')) console.log(row);
 * ```
 */
export function readArray(value: unknown, channel: string): readonly unknown[] {
  if (Array.isArray(value)) return value;
  throw toBinanceParseError(channel, 'reply is not an array', value);
}

/**
 * A string field, or a {@link ParseError}.
 *
 * @example
 * ```ts
 * readString({ symbol: 'BTCUSDT' }, 'symbol', '/api/v3/ticker/24hr'); // 'BTCUSDT'
 * ```
 */
export function readString(record: BinanceRecord, key: string, channel: string): string {
  const value = record[key];
  if (typeof value === 'string') return value;
  throw toBinanceParseError(channel, `"${key}" is not a string`, record);
}

/**
 * A decimal (string or JSON number) as an exact `Big`; anything else is a {@link ParseError}.
 *
 * @example
 * ```ts
 * readDecimal({ p: '0.00100000' }, 'p', 'ws trade').toFixed(); // '0.001'
 * ```
 */
export function readDecimal(record: BinanceRecord, key: string, channel: string): Big {
  return toDecimal(record[key], key, record, channel);
}

/**
 * A decimal array element or field value as a `Big`; `what` names it in the error.
 *
 * @example
 * ```ts
 * toDecimal('4.00000200', 'price', row, '/api/v3/depth').toFixed(); // '4.000002'
 * ```
 */
export function toDecimal(value: unknown, what: string, raw: unknown, channel: string): Big {
  if (typeof value === 'string' || isWireNumber(value)) {
    try {
      return toBig(value);
    } catch {
      // big.js rejected the text; reported below with the field name
    }
  }
  throw toBinanceParseError(channel, `"${what}" is not a decimal`, raw);
}

/**
 * A time field (ms since epoch, a JSON integer), or a {@link ParseError}.
 *
 * @example
 * ```ts
 * readMillis({ T: 1672515782136 }, 'T', 'ws trade'); // 1672515782136
 * ```
 */
export function readMillis(record: BinanceRecord, key: string, channel: string): number {
  return toMillis(record[key], key, record, channel);
}

/**
 * A time value (ms since epoch, a JSON integer) as a number; `what` names it in the error.
 *
 * @example
 * ```ts
 * toMillis(row[0], 'openTime', row, '/api/v3/klines'); // 1750477740000
 * ```
 */
export function toMillis(value: unknown, what: string, raw: unknown, channel: string): number {
  const ms = typeof value === 'number' ? value : isLosslessNumber(value) ? Number(value.value) : Number.NaN;
  if (Number.isSafeInteger(ms)) return ms;
  throw toBinanceParseError(channel, `"${what}" is not a time in ms`, raw);
}

/**
 * An integer id (trade id, update id) as its exact decimal digits, even beyond 2^53.
 *
 * @example
 * ```ts
 * readId(parseJsonExact('{"t":90071992547409931}') as BinanceRecord, 't', 'ws trade'); // '90071992547409931'
 * ```
 */
export function readId(record: BinanceRecord, key: string, channel: string): string {
  const value = record[key];
  if (isWireNumber(value) || (typeof value === 'string' && /^\d+$/.test(value))) {
    const id = toIdString(value);
    if (/^\d+$/.test(id)) return id;
  }
  throw toBinanceParseError(channel, `"${key}" is not an integer id`, record);
}

/**
 * A boolean field, or a {@link ParseError}.
 *
 * @example
 * ```ts
 * readBoolean({ m: true }, 'm', 'ws trade'); // true
 * ```
 */
export function readBoolean(record: BinanceRecord, key: string, channel: string): boolean {
  const value = record[key];
  if (typeof value === 'boolean') return value;
  throw toBinanceParseError(channel, `"${key}" is not a boolean`, record);
}

/**
 * Price levels `[[price, qty], ...]` in the order sent (REST depth, `depthUpdate` `b`/`a`).
 *
 * @example
 * ```ts
 * readLevels([['4.00000000', '431.00000000']], 'bids', '/api/v3/depth')[0]?.amount.toFixed(); // '431'
 * ```
 */
export function readLevels(value: unknown, what: string, channel: string): OrderBookLevel[] {
  if (!Array.isArray(value)) throw toBinanceParseError(channel, `"${what}" is not an array of levels`, value);
  const levels: OrderBookLevel[] = [];
  for (const level of value) {
    if (!Array.isArray(level) || level.length < 2) throw toBinanceParseError(channel, `"${what}" holds a level that is not [price, qty]`, level);
    levels.push({ price: toDecimal(level[0], `${what} price`, level, channel), amount: toDecimal(level[1], `${what} qty`, level, channel) });
  }
  return levels;
}
