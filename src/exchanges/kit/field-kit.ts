/**
 * Exchange-neutral checked readers over a parsed JSON record (from `parseJsonExact`). Each exchange's
 * `fields.ts` binds them to its id with {@link fieldReaders}; nothing here names an exchange.
 *
 * Every reader throws a {@link ParseError} naming the field and the channel, with the offending value
 * as exact text in `raw`, and allocates nothing on the good path. Decimals and ids never go through a
 * float: a decimal is built from its text by `toBig`, and an id beyond 2^53 is accepted only as text or
 * as a `LosslessNumber`, never as a JS number, whose digits cannot be trusted that far.
 */
import { ParseError } from '../../errors/index.js';
import { type Big, isWireNumber, toBig } from '../../model/decimal.js';
import { isLosslessNumber } from 'lossless-json';
import { toRawText } from './raw-text.js';

/** A JSON object as it came off the wire (not an array, not `null`). */
export type FieldRecord = Readonly<Record<string, unknown>>;

/** The decimal digits of a non-negative integer id. */
const DIGITS = /^\d+$/;

/** The display name of an exchange id in a message: `binance` → `Binance`. */
function toExchangeName(exchange: string): string {
  return exchange.length === 0 ? exchange : exchange.charAt(0).toUpperCase() + exchange.slice(1);
}

/**
 * A {@link ParseError} for a reply or frame of `exchange` that does not have the expected shape; `raw`
 * is the offending value, stringified exactly. The message reads `Binance ws trade could not be parsed:
 * "p" is not a decimal`.
 *
 * @param exchange The exchange id (`error.exchange`); its capitalised form starts the message.
 * @param channel The endpoint path or stream channel being parsed.
 * @param problem What is wrong, naming the field.
 * @param raw The offending value or record.
 * @param cause The lower-level error, when there is one (big.js's, for a bad decimal).
 * @example
 * ```ts
 * throw toFieldParseError('binance', '/api/v3/trades', '"price" is missing', record);
 * ```
 */
export function toFieldParseError(exchange: string, channel: string, problem: string, raw: unknown, cause?: unknown): ParseError {
  return new ParseError(`${toExchangeName(exchange)} ${channel} could not be parsed: ${problem}`, { exchange, channel, raw: toRawText(raw), cause });
}

/** The readers {@link fieldReaders} binds to one exchange. `channel` names what is parsed in errors. */
export interface FieldReaders {
  /** A {@link ParseError} of this exchange (see {@link toFieldParseError}). */
  readonly toParseError: (channel: string, problem: string, raw: unknown, cause?: unknown) => ParseError;
  /** `value` as a JSON object; otherwise `item is not an object`. */
  readonly readRecord: (value: unknown, channel: string) => FieldRecord;
  /** `value` (a whole reply) as a JSON array; otherwise `reply is not an array`. */
  readonly readArray: (value: unknown, channel: string) => readonly unknown[];
  /** An array field; otherwise `"key" is not an array`. */
  readonly readList: (record: FieldRecord, key: string, channel: string) => readonly unknown[];
  /** A string field; otherwise `"key" is not a string`. */
  readonly readString: (record: FieldRecord, key: string, channel: string) => string;
  /** A decimal field (decimal text or a JSON number) as an exact `Big`; otherwise `"key" is not a decimal`. */
  readonly readDecimal: (record: FieldRecord, key: string, channel: string) => Big;
  /** Like `readDecimal`, but an absent or `null` field gives `undefined`. */
  readonly readOptionalDecimal: (record: FieldRecord, key: string, channel: string) => Big | undefined;
  /** A decimal value (an array element, say) as an exact `Big`; `what` names it and `raw` is reported. */
  readonly toDecimal: (value: unknown, what: string, raw: unknown, channel: string) => Big;
  /** A ms-since-epoch field (a JSON integer); otherwise `"key" is not a millisecond timestamp`. */
  readonly readMillis: (record: FieldRecord, key: string, channel: string) => number;
  /** A ms-since-epoch value (a JSON integer); `what` names it and `raw` is reported. */
  readonly toMillis: (value: unknown, what: string, raw: unknown, channel: string) => number;
  /** A non-negative integer id as its exact digits; otherwise `"key" is not an id`. */
  readonly readId: (record: FieldRecord, key: string, channel: string) => string;
  /** Like `readId`, but an absent or `null` field gives `undefined`. */
  readonly readOptionalId: (record: FieldRecord, key: string, channel: string) => string | undefined;
  /** A boolean field; otherwise `"key" is not a boolean`. */
  readonly readBoolean: (record: FieldRecord, key: string, channel: string) => boolean;
}

/**
 * An id's digits: digit text, a safe non-negative JS integer, or a `LosslessNumber` of digits (what
 * `parseJsonExact` gives for an integer a double cannot hold); `undefined` for anything else.
 */
function toIdDigits(value: unknown): string | undefined {
  if (typeof value === 'string') return DIGITS.test(value) ? value : undefined;
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined;
  return isLosslessNumber(value) && DIGITS.test(value.value) ? value.value : undefined;
}

/** A ms time as a safe integer, or `NaN`. */
function toSafeMillis(value: unknown): number {
  const ms = typeof value === 'number' ? value : isLosslessNumber(value) ? Number(value.value) : Number.NaN;
  return Number.isSafeInteger(ms) ? ms : Number.NaN;
}

/**
 * The checked field readers bound to one exchange id, whose errors carry that id and its name.
 *
 * Inputs accepted: decimals as decimal text or JSON numbers (exact either way, see `toBig`); ids as
 * digit text, safe non-negative integers, or `LosslessNumber`s of digits (a JS number beyond 2^53 is
 * refused: its digits may already be rounded); times as safe integers (JS numbers or `LosslessNumber`s).
 *
 * @param exchange The exchange id, such as `'binance'`.
 * @returns An object of readers; destructure it into a `fields.ts`'s exports.
 * @example
 * ```ts
 * export const { readRecord, readString, readDecimal } = fieldReaders('binance');
 * readDecimal({ p: '0.00100000' }, 'p', 'ws trade').toFixed(); // '0.001'
 * ```
 */
export function fieldReaders(exchange: string): FieldReaders {
  const toParseError = (channel: string, problem: string, raw: unknown, cause?: unknown): ParseError =>
    toFieldParseError(exchange, channel, problem, raw, cause);

  const toDecimal = (value: unknown, what: string, raw: unknown, channel: string): Big => {
    if (typeof value === 'string' || isWireNumber(value)) {
      try {
        return toBig(value);
      } catch (error) {
        throw toParseError(channel, `"${what}" is not a decimal`, raw, error);
      }
    }
    throw toParseError(channel, `"${what}" is not a decimal`, raw);
  };

  const toMillis = (value: unknown, what: string, raw: unknown, channel: string): number => {
    const ms = toSafeMillis(value);
    if (!Number.isNaN(ms)) return ms;
    throw toParseError(channel, `"${what}" is not a millisecond timestamp`, raw);
  };

  const readDecimal = (record: FieldRecord, key: string, channel: string): Big => toDecimal(record[key], key, record, channel);

  const readId = (record: FieldRecord, key: string, channel: string): string => {
    const id = toIdDigits(record[key]);
    if (id !== undefined) return id;
    throw toParseError(channel, `"${key}" is not an id`, record);
  };

  return {
    toParseError,
    readRecord(value, channel) {
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as FieldRecord;
      throw toParseError(channel, 'item is not an object', value);
    },
    readArray(value, channel) {
      if (Array.isArray(value)) return value;
      throw toParseError(channel, 'reply is not an array', value);
    },
    readList(record, key, channel) {
      const value = record[key];
      if (Array.isArray(value)) return value;
      throw toParseError(channel, `"${key}" is not an array`, record);
    },
    readString(record, key, channel) {
      const value = record[key];
      if (typeof value === 'string') return value;
      throw toParseError(channel, `"${key}" is not a string`, record);
    },
    readDecimal,
    readOptionalDecimal(record, key, channel) {
      const value = record[key];
      return value === undefined || value === null ? undefined : readDecimal(record, key, channel);
    },
    toDecimal,
    readMillis: (record, key, channel) => toMillis(record[key], key, record, channel),
    toMillis,
    readId,
    readOptionalId(record, key, channel) {
      const value = record[key];
      return value === undefined || value === null ? undefined : readId(record, key, channel);
    },
    readBoolean(record, key, channel) {
      const value = record[key];
      if (typeof value === 'boolean') return value;
      throw toParseError(channel, `"${key}" is not a boolean`, record);
    },
  };
}
