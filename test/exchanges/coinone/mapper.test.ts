import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors/index.js';
import { COINONE_DEFAULT_KEYS, COINONE_SHORT_KEYS } from '../../../src/exchanges/coinone/fields.js';
import { toCoinoneOrderBook } from '../../../src/exchanges/coinone/mapper.js';
import { compareDecimalIds } from '../../../operators/dedupeBy.js';
import { pick, pickList, pickText, readFixture, readRaw } from './fixtures.js';

const receivedAt = 1_700_000_000_123;

/** The `data` (or `d`) record of a WebSocket fixture, parsed as the transport parses frames. */
function dataOf(name: string, key: 'data' | 'd'): Readonly<Record<string, unknown>> {
  return pick(readFixture(name), key) as Readonly<Record<string, unknown>>;
}

describe('toCoinoneOrderBook updateId', () => {
  it('should carry the DEFAULT frame id exactly, keeping the timestamp as sent', () => {
    const raw = readRaw('ws_orderbook.json');
    const book = toCoinoneOrderBook(dataOf('ws_orderbook.json', 'data'), COINONE_DEFAULT_KEYS.orderBook, 'ws ORDERBOOK', receivedAt);
    expect(book.updateId).toBe(pickText(raw, 'data', 'id'));
    expect(book.updateId).toBe('1693560155038001');
    expect(book.timestamp).toBe(pick(raw, 'data', 'timestamp'));
    expect(book.timestamp).toBe(1693560155038);
    expect(book.market).toBe('KRW-XRP');
  });

  it('should carry the SHORT frame id (`i`) exactly, with the book best-first', () => {
    const raw = readRaw('ws_orderbook_short.json');
    const book = toCoinoneOrderBook(dataOf('ws_orderbook_short.json', 'd'), COINONE_SHORT_KEYS.orderBook, 'ws ORDERBOOK', receivedAt);
    expect(book.updateId).toBe(pickText(raw, 'd', 'i'));
    expect(book.updateId).toBe('1693560323040001');
    expect(book.timestamp).toBe(1693560323040);
    // wire asks run worst-first: the best ask is the last element
    const asks = pickList(raw, 'd', 'a');
    expect(book.asks[0]?.price.toFixed()).toBe(pickText(asks[asks.length - 1], 'p'));
    expect(book.asks[0]?.price.toFixed()).toBe('687.8');
  });

  it('should order the fixture books by id: the SHORT frame is the newer one', () => {
    const older = toCoinoneOrderBook(dataOf('ws_orderbook.json', 'data'), COINONE_DEFAULT_KEYS.orderBook, 'ws ORDERBOOK', receivedAt);
    const newer = toCoinoneOrderBook(dataOf('ws_orderbook_short.json', 'd'), COINONE_SHORT_KEYS.orderBook, 'ws ORDERBOOK', receivedAt);
    expect(compareDecimalIds(newer.updateId!, older.updateId!)).toBeGreaterThan(0);
    expect(compareDecimalIds(older.updateId!, older.updateId!)).toBe(0);
  });

  it('should leave updateId undefined without an id and refuse a malformed one', () => {
    const data = dataOf('ws_orderbook_short.json', 'd');
    const { i: _id, ...withoutId } = data;
    expect(toCoinoneOrderBook(withoutId, COINONE_SHORT_KEYS.orderBook, 'ws ORDERBOOK', receivedAt).updateId).toBeUndefined();
    expect(toCoinoneOrderBook({ ...data, i: null }, COINONE_SHORT_KEYS.orderBook, 'ws ORDERBOOK', receivedAt).updateId).toBeUndefined();
    expect(() => toCoinoneOrderBook({ ...data, i: '1693560323040001x' }, COINONE_SHORT_KEYS.orderBook, 'ws ORDERBOOK', receivedAt)).toThrow(ParseError);
    expect(() => toCoinoneOrderBook({ ...data, i: -1 }, COINONE_SHORT_KEYS.orderBook, 'ws ORDERBOOK', receivedAt)).toThrow(/"i" is not an id/);
  });
});
