/**
 * Checked field readers shared by the Binance REST and WebSocket mappers: the exchange-neutral readers
 * of `field-kit.ts` bound to Binance, plus the price-level reader. Each throws a {@link ParseError}
 * naming the field and the channel; none allocates on the good path.
 *
 * Binance sends prices and quantities as JSON strings (`"4.00000200"`) and ids, counts and times as
 * JSON numbers; the readers accept both spellings for decimals and ids, so a reply that switches never
 * loses a digit.
 */
import type { OrderBookLevel } from '../../model/order-book.js';
import { type FieldRecord, fieldReaders } from '../kit/field-kit.js';
import { BINANCE_ID } from './symbols.js';

/** A JSON object as it came off the wire. */
export type BinanceRecord = FieldRecord;

/**
 * The checked readers bound to Binance (see {@link fieldReaders} for what each accepts):
 * `readRecord(value, channel)`, `readArray(value, channel)`, `readString`/`readDecimal`/`readMillis`/
 * `readId`/`readBoolean(record, key, channel)`, `toDecimal`/`toMillis(value, what, raw, channel)` for
 * array elements, and `toBinanceParseError(channel, problem, raw, cause?)` for any other shape problem.
 *
 * @example
 * ```ts
 * readDecimal({ p: '0.00100000' }, 'p', 'ws trade').toFixed(); // '0.001'
 * toMillis(row[0], 'openTime', row, '/api/v3/klines'); // 1750477740000
 * ```
 */
export const { readRecord, readArray, readString, readDecimal, toDecimal, readMillis, toMillis, readId, readBoolean, toParseError: toBinanceParseError } =
  fieldReaders(BINANCE_ID);

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
