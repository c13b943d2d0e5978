import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors/index.js';
import { readId as readBinanceId, toBinanceParseError } from '../../src/exchanges/binance/fields.js';
import { readDecimal as readCoinoneDecimal } from '../../src/exchanges/coinone/fields.js';
import { type FieldRecord, fieldReaders, toFieldParseError } from '../../src/exchanges/kit/field-kit.js';
import { toParseError as toUpbitParseError } from '../../src/exchanges/upbit/fields.js';
import { parseJsonExact } from '../../src/transport/json/json.js';

const kit = fieldReaders('someex');
const CHANNEL = 'ws trade';

/** The ParseError `read` throws (fails the test when it returns). */
function parseErrorOf(read: () => unknown): ParseError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ParseError);
    return error as ParseError;
  }
  throw new Error('expected a ParseError');
}

function record(json: string): FieldRecord {
  return parseJsonExact(json) as FieldRecord;
}

describe('toFieldParseError', () => {
  it('names the exchange, channel and problem and keeps every digit of raw', () => {
    const cause = new Error('inner');
    const error = toFieldParseError('someex', '/api/trades', '"p" is missing', record('{"id":123456789012345678901}'), cause);
    expect(error.message).toBe('Someex /api/trades could not be parsed: "p" is missing');
    expect(error.exchange).toBe('someex');
    expect(error.channel).toBe('/api/trades');
    expect(error.raw).toBe('{"id":123456789012345678901}');
    expect(error.cause).toBe(cause);
  });

  it('is what each exchange binding throws, with its own id', () => {
    expect(toBinanceParseError('c', 'p', 'x').exchange).toBe('binance');
    expect(toUpbitParseError('c', 'p', 'x').message).toBe('Upbit c could not be parsed: p');
    expect(parseErrorOf(() => readBinanceId({ t: -1 }, 't', CHANNEL)).exchange).toBe('binance');
    expect(parseErrorOf(() => readCoinoneDecimal({ last: true }, 'last', CHANNEL)).message).toBe('Coinone ws trade could not be parsed: "last" is not a decimal');
  });
});

describe('fieldReaders', () => {
  it('reads records, arrays and lists, and rejects other shapes', () => {
    const body = record('{"rows":[1,2]}');
    expect(kit.readRecord(body, CHANNEL)).toBe(body);
    expect(kit.readList(body, 'rows', CHANNEL)).toEqual([1, 2]);
    expect(kit.readArray([3], CHANNEL)).toEqual([3]);
    expect(parseErrorOf(() => kit.readRecord([], CHANNEL)).message).toMatch(/item is not an object$/);
    expect(parseErrorOf(() => kit.readRecord(null, CHANNEL)).raw).toBe('null');
    expect(parseErrorOf(() => kit.readArray({}, CHANNEL)).message).toMatch(/reply is not an array$/);
    expect(parseErrorOf(() => kit.readList({ rows: 'x' }, 'rows', CHANNEL)).message).toMatch(/"rows" is not an array$/);
  });

  it('reads strings and booleans', () => {
    expect(kit.readString({ s: 'BTCUSDT' }, 's', CHANNEL)).toBe('BTCUSDT');
    expect(kit.readBoolean({ m: false }, 'm', CHANNEL)).toBe(false);
    expect(parseErrorOf(() => kit.readString({ s: 1 }, 's', CHANNEL)).message).toMatch(/"s" is not a string$/);
    expect(parseErrorOf(() => kit.readBoolean({ m: 'true' }, 'm', CHANNEL)).message).toMatch(/"m" is not a boolean$/);
  });

  it('reads decimals from text and from JSON numbers of any length without losing a digit', () => {
    const row = record('{"p":"0.00100000","q":0.1,"v":1234567890.123456789012345678}');
    expect(kit.readDecimal(row, 'p', CHANNEL).toFixed()).toBe('0.001');
    expect(kit.readDecimal(row, 'q', CHANNEL).toFixed()).toBe('0.1');
    expect(kit.readDecimal(row, 'v', CHANNEL).toFixed()).toBe('1234567890.123456789012345678');
    expect(kit.toDecimal('4.00000200', 'bids price', ['4.00000200', '1'], CHANNEL).toFixed()).toBe('4.000002');
    expect(kit.readOptionalDecimal({ y: null }, 'y', CHANNEL)).toBeUndefined();
    expect(kit.readOptionalDecimal({}, 'y', CHANNEL)).toBeUndefined();
    expect(kit.readOptionalDecimal({ y: '2' }, 'y', CHANNEL)?.toFixed()).toBe('2');
  });

  it('rejects what is not a decimal, with big.js error as the cause when it was text', () => {
    const bad = parseErrorOf(() => kit.readDecimal({ p: 'abc' }, 'p', CHANNEL));
    expect(bad.message).toBe('Someex ws trade could not be parsed: "p" is not a decimal');
    expect(bad.raw).toBe('{"p":"abc"}');
    expect(bad.cause).toBeInstanceOf(Error);
    const wrongType = parseErrorOf(() => kit.toDecimal(true, 'asks qty', [1, true], CHANNEL));
    expect(wrongType.message).toMatch(/"asks qty" is not a decimal$/);
    expect(wrongType.raw).toBe('[1,true]');
    expect(wrongType.cause).toBeUndefined();
    expect(() => kit.readOptionalDecimal({ y: 'x' }, 'y', CHANNEL)).toThrow(/"y" is not a decimal/);
  });

  it('reads ms timestamps as safe integers only', () => {
    expect(kit.readMillis(record('{"T":1672515782136}'), 'T', CHANNEL)).toBe(1672515782136);
    expect(kit.toMillis(record('[1750477740000]')[0], 'openTime', [], CHANNEL)).toBe(1750477740000);
    expect(parseErrorOf(() => kit.readMillis({ T: 1.5 }, 'T', CHANNEL)).message).toMatch(/"T" is not a millisecond timestamp$/);
    expect(() => kit.readMillis({ T: '1672515782136' }, 'T', CHANNEL)).toThrow(/"T" is not a millisecond timestamp/);
    expect(() => kit.readMillis(record('{"T":90071992547409931}'), 'T', CHANNEL)).toThrow(/"T" is not a millisecond timestamp/);
    expect(() => kit.toMillis(undefined, 'openTime', [], CHANNEL)).toThrow(/"openTime" is not a millisecond timestamp/);
  });

  it('reads ids as exact digits from text, safe integers and LosslessNumbers', () => {
    const row = record('{"t":90071992547409931,"u":12345,"i":"1644488410702001","big":"123456789012345678901234"}');
    expect(typeof row['t']).not.toBe('number'); // beyond 2^53 and not a double: parseJsonExact keeps the digits
    expect(kit.readId(row, 't', CHANNEL)).toBe('90071992547409931');
    expect(kit.readId(row, 'u', CHANNEL)).toBe('12345');
    expect(kit.readId(row, 'i', CHANNEL)).toBe('1644488410702001');
    expect(kit.readId(row, 'big', CHANNEL)).toBe('123456789012345678901234');
    // beyond 2^53 yet a double holds it exactly (trailing zeros): still kept as digits, so still an id
    const even = record('{"i":17877285547970000,"n":-17877285547970000}');
    expect(typeof even['i']).not.toBe('number');
    expect(kit.readId(even, 'i', CHANNEL)).toBe('17877285547970000');
    expect(() => kit.readId(even, 'n', CHANNEL)).toThrow(/"n" is not an id/);
    expect(kit.readOptionalId({ i: null }, 'i', CHANNEL)).toBeUndefined();
    expect(kit.readOptionalId({ i: 7 }, 'i', CHANNEL)).toBe('7');
  });

  it('rejects ids that are negative, fractional, not digits, or JS numbers beyond 2^53', () => {
    expect(parseErrorOf(() => kit.readId({ i: -1 }, 'i', CHANNEL)).message).toBe('Someex ws trade could not be parsed: "i" is not an id');
    expect(() => kit.readId({ i: 1.5 }, 'i', CHANNEL)).toThrow(/"i" is not an id/);
    expect(() => kit.readId({ i: '12a' }, 'i', CHANNEL)).toThrow(/"i" is not an id/);
    expect(() => kit.readId({ i: '' }, 'i', CHANNEL)).toThrow(/"i" is not an id/);
    expect(() => kit.readId(record('{"i":-5.0e3}'), 'i', CHANNEL)).toThrow(/"i" is not an id/);
    // 2^53 + 1 as a JS number has already been rounded to 2^53; its digits cannot be trusted
    expect(() => kit.readId({ i: 9007199254740993 }, 'i', CHANNEL)).toThrow(/"i" is not an id/);
    expect(() => kit.readOptionalId({ i: false }, 'i', CHANNEL)).toThrow(/"i" is not an id/);
  });
});
