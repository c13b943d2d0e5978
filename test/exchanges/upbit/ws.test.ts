import { describe, expect, it } from 'vitest';
import { ExchangeError, MarketDataError, ParseError } from '../../../src/errors/index.js';
import type { Subscription, WsMessage } from '../../../src/core/exchange-adapter.js';
import { createUpbitWs, upbitAdapter, upbitWs } from '../../../src/exchanges/upbit/index.js';
import { Big } from '../../../src/model/decimal.js';
import type { MarketEvent } from '../../../src/model/market-event.js';
import type { OrderBookLevel } from '../../../src/model/order-book.js';
import { readFixtureText } from './fixtures.js';
import { SIMPLE_KEYS, splitFrames, toSimpleText } from './ws-simple.js';

const receivedAt = 1_800_000_000_000;
const decode = (text: string): WsMessage => upbitWs.decode(text, receivedAt);

/** Every `Big` as its plain decimal string, for exact and readable comparisons. */
function plain(value: unknown): unknown {
  if (value instanceof Big) return value.toFixed();
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
  }
  return value;
}

function eventsOf(text: string): MarketEvent[] {
  const message = decode(text);
  if (message.kind !== 'events') throw new Error(`expected events, got ${message.kind}`);
  return [...message.events];
}

function only(text: string): unknown {
  const events = eventsOf(text);
  expect(events).toHaveLength(1);
  return plain(events[0]);
}

function parseErrorOf(text: string): ParseError {
  try {
    decode(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).exchange).toBe('upbit');
    return error as ParseError;
  }
  throw new Error('expected a ParseError');
}

const sumOf = (levels: readonly OrderBookLevel[]): string => levels.reduce((t, l) => t.plus(l.amount), new Big(0)).toFixed();
const base = { exchange: 'upbit', receivedAt } as const;

describe('upbitWs.decode: ticker', () => {
  const text = readFixtureText('ws_ticker_default.json');

  it('should map the DEFAULT example exactly (signed change, padded and 16-digit numbers)', () => {
    expect(only(text)).toEqual({
      ...base, type: 'ticker', symbol: 'BTC/KRW', market: 'KRW-BTC', timestamp: 1676965262177,
      last: '32287000', open: '31883000', high: '32310000', low: '31855000', prevClose: '31883000',
      change: '404000', changeRate: '0.0126713295', baseVolume: '2429.58834336', quoteVolume: '78039261076.51241',
      baseVolume24h: '7158.8028356', quoteVolume24h: '228827082483.70729', lastAmount: '0.03103806',
    });
  });

  it('should give the same event for the SIMPLE form of the same record, signed when falling', () => {
    expect(only(toSimpleText(text, 'ticker'))).toEqual(only(text));
    const falling = text
      .replace('"RISE"', '"FALL"')
      .replace('"signed_change_price": 404000.00000000', '"signed_change_price": -404000.00000000')
      .replace('"signed_change_rate": 0.0126713295', '"signed_change_rate": -0.0126713295');
    expect(only(falling)).toMatchObject({ change: '-404000', changeRate: '-0.0126713295' });
    expect(only(toSimpleText(falling, 'ticker'))).toEqual(only(falling));
  });

  it('should read the SIMPLE keys of the elided SIMPLE_LIST example, and name a missing field', () => {
    const elided = readFixtureText('ws_ticker_simple_list_elided.json');
    const [record] = JSON.parse(elided) as [Record<string, unknown>];
    const known: readonly string[] = Object.values(SIMPLE_KEYS.ticker);
    expect(Object.keys(record).filter((key) => !known.includes(key))).toEqual([]);
    const error = parseErrorOf(elided);
    expect(error.channel).toBe('ws ticker');
    expect(error.message).toMatch(/"tms" is not a millisecond timestamp/);
    const completed = elided.replace('"st": "SNAPSHOT"', '"st": "SNAPSHOT", "tms": 1751854855960, "atv24h": 1.5E3, "atp24h": 2.2882708248370729E11');
    const [ticker] = eventsOf(completed).map(plain);
    expect(ticker).toMatchObject({
      type: 'ticker', symbol: 'BTC/KRW', timestamp: 1751854855960, last: '148956000', open: '148500000',
      change: '456000', changeRate: '0.0030707071', quoteVolume: '16115868486.03173', lastAmount: '0.0602652',
      baseVolume24h: '1500', quoteVolume24h: '228827082483.70729',
    });
  });

  it('should read exponent spellings exactly in a SIMPLE frame', () => {
    const frame = '{"ty":"ticker","cd":"KRW-BTC","op":1.16E8,"hp":1.17E8,"lp":1.15E8,"tp":1.16539E8,"pcp":1.16E8,' +
      '"scp":5.39E5,"scr":4.6465517241E-3,"tv":7.9276E-4,"atv":1.2345E2,"atp":1.4388259E10,"atv24h":2.5E2,' +
      '"atp24h":2.88E10,"tms":1751854855934,"st":"REALTIME"}';
    expect(only(frame)).toMatchObject({ last: '116539000', lastAmount: '0.00079276', change: '539000', changeRate: '0.0046465517241', quoteVolume: '14388259000' });
  });
});

describe('upbitWs.decode: trade', () => {
  const text = readFixtureText('ws_trade_default.json');
  const [btc = '', eth = ''] = splitFrames(text);

  it('should map the DEFAULT examples: exact id beyond 2^53, taker side, trade time', () => {
    expect(only(btc)).toEqual({
      ...base, type: 'trade', symbol: 'BTC/KRW', market: 'KRW-BTC', timestamp: 1787728554797,
      id: '17877285547970000', price: '109847000', amount: '0.00509799', side: 'sell',
    });
    expect(only(eth)).toMatchObject({ symbol: 'ETH/KRW', id: '17877285516960000', price: '3427000', side: 'buy' });
  });

  it('should give the same events for the SIMPLE forms and for a JSON_LIST frame of both', () => {
    expect(only(toSimpleText(btc, 'trade'))).toEqual(only(btc));
    expect(only(toSimpleText(eth, 'trade'))).toEqual(only(eth));
    expect(eventsOf(text).map(plain)).toEqual([only(btc), only(eth)]);
  });

  it('should keep every digit of an id a double cannot hold', () => {
    const frame = toSimpleText(btc, 'trade').replace('17877285547970000', '17103275719220001');
    expect(only(frame)).toMatchObject({ id: '17103275719220001' });
  });

  it('should map the 2018 SIMPLE example (mk, no ty) as trades', () => {
    const lines = readFixtureText('ws_trade_simple_doc2018.json').split('\n').filter((line) => line.startsWith('{'));
    expect(lines).toHaveLength(3);
    const trades = lines.map((line) => only(line.replace(/,$/, '')));
    expect(trades[1]).toEqual({
      ...base, type: 'trade', symbol: 'BCH/BTC', market: 'BTC-BCH', timestamp: 1523531748370,
      id: '15235317454810000', price: '0.09601999', amount: '0.18711789', side: 'buy',
    });
    expect(trades.map((t) => (t as { id: string }).id)).toEqual(['1523531768829000', '15235317454810000', '1523531769250000']);
  });

  it('should reject a side that is neither ASK nor BID', () => {
    const error = parseErrorOf(btc.replace('"ASK"', '"SELL"'));
    expect(error.channel).toBe('ws trade');
    expect(error.message).toMatch(/"ask_bid" is neither ASK nor BID/);
  });
});

describe('upbitWs.decode: orderbook', () => {
  const text = readFixtureText('ws_orderbook_default.json');
  const [btcText = '', ethText = ''] = splitFrames(text);

  it('should map all 30 levels best-first, summing to the totals', () => {
    const [btc] = eventsOf(btcText);
    if (btc?.type !== 'orderBook') throw new Error('expected an order book');
    expect([btc.symbol, btc.timestamp, btc.asks.length, btc.bids.length]).toEqual(['BTC/KRW', 1787727947526, 30, 30]);
    expect(plain([btc.asks[0], btc.bids[0], btc.asks[29], btc.bids[29]])).toEqual([
      { price: '109950000', amount: '0.00342134' }, { price: '109880000', amount: '0.18819864' },
      { price: '110240000', amount: '0.000584' }, { price: '109560000', amount: '0.33034109' },
    ]);
    for (let i = 1; i < 30; i++) {
      expect(btc.asks[i]!.price.gt(btc.asks[i - 1]!.price)).toBe(true);
      expect(btc.bids[i]!.price.lt(btc.bids[i - 1]!.price)).toBe(true);
    }
    expect([sumOf(btc.asks), sumOf(btc.bids)]).toEqual(['18.93431797', '11.48721726']);
  });

  it('should give the same books for the SIMPLE forms', () => {
    expect(only(toSimpleText(btcText, 'orderbook'))).toEqual(only(btcText));
    expect(only(toSimpleText(ethText, 'orderbook'))).toEqual(only(ethText));
    expect(only(ethText)).toMatchObject({ symbol: 'ETH/KRW', asks: expect.arrayContaining([{ price: '3426000', amount: '80.27690046' }]) });
  });
});

describe('upbitWs.decode: candle', () => {
  const text = readFixtureText('ws_candle.json');
  const [oneMinute = '', fifteen = ''] = splitFrames(text);

  it('should map candle.1m and candle.15m with the period start as openTime', () => {
    expect(only(oneMinute)).toEqual({
      ...base, type: 'candle', symbol: 'BTC/KRW', market: 'KRW-BTC', timestamp: 1787731717049, interval: '1m',
      openTime: Date.UTC(2026, 7, 26, 8, 8), open: '109715000', high: '109756000', low: '109714000',
      close: '109756000', baseVolume: '0.71326612', quoteVolume: '78269528.64757',
    });
    expect(only(fifteen)).toMatchObject({ interval: '15m', openTime: Date.UTC(2026, 7, 26, 8, 0), quoteVolume: '398651814.32878' });
  });

  it('should give the same candles for the SIMPLE forms', () => {
    expect(only(toSimpleText(oneMinute, 'candle'))).toEqual(only(oneMinute));
    expect(only(toSimpleText(fifteen, 'candle'))).toEqual(only(fifteen));
  });

  it('should map hour units and seconds to the library intervals, and reject unknown units', () => {
    const as = (type: string): string => oneMinute.replace('"candle.1m"', `"${type}"`);
    expect([as('candle.60m'), as('candle.240m'), as('candle.1s')].map((t) => (only(t) as { interval: string }).interval)).toEqual(['1h', '4h', '1s']);
    expect(parseErrorOf(as('candle.2m')).message).toMatch(/unknown type "candle\.2m"/);
  });
});

describe('upbitWs.decode: status, errors and garbage', () => {
  it('should read {"status":"UP"} as a heartbeat', () => {
    expect(decode(readFixtureText('ws_status_up.json'))).toEqual({ kind: 'heartbeat' });
  });

  it('should turn error frames into ExchangeErrors coded by name', () => {
    const frames = [
      readFixtureText('ws_error_invalid_auth.json'),
      '{"error":{"name":"NO_CODES","message":"Field codes is required."}}',
      '{"error":{"name":"WRONG_FORMAT","message":"Wrong format."}}',
    ];
    const errors = frames.map((frame) => {
      const message = decode(frame);
      if (message.kind !== 'error') throw new Error(`expected an error, got ${message.kind}`);
      expect(message.error).toBeInstanceOf(ExchangeError);
      expect(message.error.exchange).toBe('upbit');
      return message.error;
    });
    expect(errors.map((e) => e.code)).toEqual(['INVALID_AUTH', 'NO_CODES', 'WRONG_FORMAT']);
    expect(errors[0]?.message).toContain('인증 정보가 올바르지 않습니다.');
    expect(errors[1]?.raw).toEqual({ error: { name: 'NO_CODES', message: 'Field codes is required.' } });
  });

  it('should throw a ParseError carrying the text for anything that is not JSON', () => {
    for (const text of ['not json', '{"type":', '', 'PONG']) {
      const error = parseErrorOf(text);
      expect([error.channel, error.raw]).toEqual(['ws', text]);
      expect(error.message).toMatch(/not JSON/);
    }
    for (const text of ['42', '"UP"', 'null']) expect(parseErrorOf(text).message).toMatch(/not an object or array/);
  });

  it('should surface unknown types and unrecognised records as ParseErrors, not drop them', () => {
    expect(parseErrorOf(readFixtureText('ws_my_order.json')).message).toMatch(/unknown type "myOrder"/);
    expect(parseErrorOf('{"ty":"myAsset","cd":"KRW-BTC"}').message).toMatch(/unknown type "myAsset"/);
    expect(parseErrorOf('{"type":7}').message).toMatch(/type is not a string/);
    expect(parseErrorOf('{"status":"DOWN"}').message).toMatch(/neither data, status nor error/);
    expect(parseErrorOf('{"error":"boom"}').message).toMatch(/error frame has no name/);
    expect(parseErrorOf('[{"status":"UP"}]').message).toMatch(/list item is not a data record/);
  });
});

describe('upbitWs.subscriptionFrames', () => {
  const ws = createUpbitWs({ ticket: 'mdb-test' });
  const subs: Subscription[] = [
    { channel: 'ticker', market: 'KRW-BTC' },
    { channel: 'candles', market: 'KRW-BTC', interval: '1h' },
    { channel: 'trades', market: 'KRW-BTC' },
    { channel: 'orderBook', market: 'KRW-BTC', depth: 5 },
    { channel: 'ticker', market: 'KRW-ETH' },
    { channel: 'orderBook', market: 'KRW-ETH' },
    { channel: 'candles', market: 'KRW-ETH', interval: '1m' },
    { channel: 'trades', market: 'KRW-BTC' },
    { channel: 'candles', market: 'KRW-BTC', interval: '1s' },
  ];

  it('should send the complete set as one frame, grouped by type, with depth suffix and format', () => {
    expect(ws.subscriptionFrames(subs, [])).toEqual([
      '[{"ticket":"mdb-test"},{"type":"ticker","codes":["KRW-BTC","KRW-ETH"]},{"type":"trade","codes":["KRW-BTC"]},' +
        '{"type":"orderbook","codes":["KRW-BTC.5","KRW-ETH"]},{"type":"candle.1s","codes":["KRW-BTC"]},' +
        '{"type":"candle.1m","codes":["KRW-ETH"]},{"type":"candle.60m","codes":["KRW-BTC"]},{"format":"DEFAULT"}]',
    ]);
  });

  it('should resend everything whatever was sent before (no unsubscribe), and nothing for an empty set', () => {
    const next = subs.slice(0, 3);
    expect(ws.subscriptionFrames(next, subs)).toEqual(ws.subscriptionFrames(next, []));
    expect(ws.subscriptionFrames([], subs)).toEqual([]);
    expect(ws.subscriptionFrames([], [])).toEqual([]);
  });

  it('should round depths up to a served count and keep the deepest one per market', () => {
    const books = (depths: (number | undefined)[]): unknown => {
      const [frame = ''] = ws.subscriptionFrames(depths.map((depth) => ({ channel: 'orderBook', market: 'KRW-BTC', depth })), []);
      return (JSON.parse(frame) as { codes?: string[] }[])[1]?.codes;
    };
    expect([books([1]), books([2]), books([5]), books([6]), books([15]), books([16]), books([30]), books([50])]).toEqual([
      ['KRW-BTC.1'], ['KRW-BTC.5'], ['KRW-BTC.5'], ['KRW-BTC.15'], ['KRW-BTC.15'], ['KRW-BTC'], ['KRW-BTC'], ['KRW-BTC'],
    ]);
    expect([books([1, 10]), books([5, undefined]), books([15, 2])]).toEqual([['KRW-BTC.15'], ['KRW-BTC'], ['KRW-BTC.15']]);
    expect(() => books([0])).toThrow(MarketDataError);
  });

  it('should map every streamable interval and refuse the others with a clear MarketDataError', () => {
    const types = (['1s', '1m', '3m', '5m', '10m', '15m', '30m', '1h', '4h'] as const).map((interval) => {
      const [frame = ''] = ws.subscriptionFrames([{ channel: 'candles', market: 'KRW-BTC', interval }], []);
      return (JSON.parse(frame) as { type?: string }[])[1]?.type;
    });
    expect(types).toEqual(['candle.1s', 'candle.1m', 'candle.3m', 'candle.5m', 'candle.10m', 'candle.15m', 'candle.30m', 'candle.60m', 'candle.240m']);
    for (const interval of ['1d', '1w', '1M', '1y'] as const) {
      expect(() => ws.subscriptionFrames([{ channel: 'candles', market: 'KRW-BTC', interval }], [])).toThrow(
        new MarketDataError(`Upbit WebSocket has no ${interval} candles: KRW-BTC (stream 1s to 4h, poll REST for longer)`, { exchange: 'upbit' }),
      );
    }
  });

  it('should ask for the configured format and keep one ticket per adapter', () => {
    const simple = createUpbitWs({ format: 'SIMPLE', ticket: 't' });
    expect(simple.subscriptionFrames([{ channel: 'trades', market: 'KRW-BTC' }], [])).toEqual([
      '[{"ticket":"t"},{"type":"trade","codes":["KRW-BTC"]},{"format":"SIMPLE"}]',
    ]);
    const ticketOf = (adapter: typeof upbitWs): string => {
      const [frame = ''] = adapter.subscriptionFrames([{ channel: 'ticker', market: 'KRW-BTC' }], []);
      return (JSON.parse(frame) as [{ ticket: string }])[0].ticket;
    };
    expect(ticketOf(upbitWs)).toMatch(/^market-data-backbone-[0-9a-f-]{36}$/);
    expect(ticketOf(upbitWs)).toBe(ticketOf(upbitWs));
    expect(ticketOf(createUpbitWs())).not.toBe(ticketOf(upbitWs));
  });
});

describe('upbitWs', () => {
  it('should carry the endpoint, keepalive and send limits, and be the adapter\'s ws half', () => {
    expect(upbitAdapter.ws).toBe(upbitWs);
    expect(upbitWs.url).toBe('wss://api.upbit.com/websocket/v1');
    expect(upbitWs.keepalive).toEqual({ intervalMs: 30_000, frame: 'PING' });
    expect(upbitWs.keepalive.intervalMs * 2).toBeLessThan(120_000 + 1);
    expect(upbitWs.sendLimits).toEqual([{ limit: 5, windowMs: 1000 }, { limit: 100, windowMs: 60_000 }]);
    expect(createUpbitWs({ url: 'ws://127.0.0.1:9/upbit' }).url).toBe('ws://127.0.0.1:9/upbit');
  });
});
