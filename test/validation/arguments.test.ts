/**
 * Every public method × bad arguments: each call rejects (or its stream errors) with an
 * `InvalidArgumentError` naming the argument, and nothing is sent: the fetch spy and the socket
 * factory count zero. Then the documented caps against the simulators: trades and candle counts,
 * Coinone's fixed trade page sizes, a candle count above one page.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom, type Observable } from 'rxjs';
import {
  ExchangeClient,
  InvalidArgumentError,
  MarketDataBackbone,
  MarketDataError,
  PrivateClient,
  exchangeAdapters,
  type ExchangeId,
} from 'market-data-backbone';
import { startCoinoneSimulator, startUpbitSimulator } from 'market-data-backbone/testing';
import type { FetchLike } from '../../src/transport/http/rest-client.js';
import type { WebSocketFactory } from '../../src/transport/ws/websocket-factory.js';
import { downloadCandles, fetchCandleRange } from '../../src/client/candle-history.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A backbone whose every request and socket is counted (and refused: none should happen). */
function spiedBackbone() {
  const io = { fetches: 0, sockets: 0 };
  const fetch: FetchLike = async () => {
    io.fetches += 1;
    throw new Error('no I/O expected');
  };
  const webSocketFactory: WebSocketFactory = () => {
    io.sockets += 1;
    throw new Error('no socket expected');
  };
  const backbone = new MarketDataBackbone({ fetch, webSocketFactory, restUrl: 'http://127.0.0.1:9', accessKey: 'a', secretKey: 'b', retry: false });
  cleanups.push(() => backbone.close());
  return { backbone, io };
}

/** Loose view of the facade, so the table can pass what TypeScript would refuse (as JavaScript callers do). */
type Loose = Record<string, (...args: unknown[]) => Promise<unknown> | Observable<unknown>>;

const BAD_SYMBOLS: unknown[] = [123, undefined, null, '', ' ', 'KRW BTC', {}, ['KRW-BTC'], 'KRW-BTC\n'];
const BAD_COUNTS: unknown[] = [-5, 0, 1.5, Number.NaN, Infinity, '10', null];
const BAD_OPTIONS: unknown[] = [null, 'upbit', 42, []];

/** [method, arguments, the argument the error must name]. */
const CASES: [string, unknown[], string][] = [
  ...BAD_SYMBOLS.flatMap((s): [string, unknown[], string][] => [
    ['getTicker', [s], 'symbol'],
    ['getOrderBook', [s], 'symbol'],
    ['getTrades', [s], 'symbol'],
    ['getCandles', [s, '1m'], 'symbol'],
    ['getPriceBands', [s], 'symbol'],
    ['getTickSize', [s, '1000'], 'symbol'],
    ['streamTicker', [s], 'symbol'],
    ['streamTrades', [s], 'symbol'],
    ['streamOrderBook', [s], 'symbol'],
    ['streamCandles', [s, '1m'], 'symbol'],
    ['downloadCandles', [s, '1m', { from: 0, to: 1 }], 'symbol'],
  ]),
  ...BAD_SYMBOLS.filter((s) => s !== undefined).flatMap((s): [string, unknown[], string][] => [
    ['getOpenOrders', [s], 'symbol'],
    ['streamMyOrders', [s], 'symbol'],
  ]),
  ...BAD_COUNTS.flatMap((n): [string, unknown[], string][] => [
    ['getTrades', ['KRW-BTC', { count: n }], 'options.count'],
    ['getCandles', ['KRW-BTC', '1m', { count: n }], 'options.count'],
    ['getOrderBook', ['KRW-BTC', { depth: n }], 'options.depth'],
    ['streamOrderBook', ['KRW-BTC', { depth: n }], 'options.depth'],
    ['downloadCandles', ['KRW-BTC', '1m', { from: 0, to: 1, pageSize: n }], 'options.pageSize'],
  ]),
  ['getTrades', ['KRW-BTC', { count: 501 }], 'options.count'], // Upbit serves at most 500
  ['getOrderBook', ['KRW-BTC', { depth: 31 }], 'options.depth'], // and 30 levels
  ['getTrades', ['BTCUSDT', { count: 1001, exchange: 'binance' }], 'options.count'],
  ['getTrades', ['BTC/KRW', { count: 201, exchange: 'coinone' }], 'options.count'],
  ...['2m', '1H', '', 60, undefined].flatMap((interval): [string, unknown[], string][] => [
    ['getCandles', ['KRW-BTC', interval], 'interval'],
    ['streamCandles', ['KRW-BTC', interval], 'interval'],
    ['downloadCandles', ['KRW-BTC', interval, { from: 0, to: 1 }], 'interval'],
  ]),
  ['getCandles', ['BTCUSDT', '10m', { exchange: 'binance' }], 'interval'], // Binance has no 10m klines
  ['getCandles', ['KRW-BTC', '1m', { from: Date.UTC(2026, 1, 1), to: Date.UTC(2026, 0, 1) }], 'options.from'],
  ['getCandles', ['KRW-BTC', '1m', { from: 'yesterday' }], 'options.from'],
  ['getCandles', ['KRW-BTC', '1m', { to: new Date('nope') }], 'options.to'],
  ['getCandles', ['KRW-BTC', '1m', { from: 0, fill: 'yes' }], 'options.fill'],
  ['downloadCandles', ['KRW-BTC', '1m', { from: 10, to: 5 }], 'options.from'],
  ['downloadCandles', ['KRW-BTC', '1m', { to: 5 }], 'options.from'],
  ['getTicker', ['KRW-BTC', { realtime: 'yes' }], 'options.realtime'],
  ['getTickSize', ['KRW-BTC', -1], 'price'],
  ['getTickSize', ['KRW-BTC', 'abc'], 'price'],
  ['getTickers', ['KRW-BTC'], 'symbols'],
  ['getTickers', [['KRW-BTC', 7]], 'symbols[1]'],
  ['streamArbitrage', [42, ['upbit', 'binance']], 'base'],
  ['streamArbitrage', ['BTC', ['upbit', 'kraken']], 'exchanges'],
  ['streamArbitrage', ['BTC', { exchanges: 'upbit' }], 'exchanges'],
  ...BAD_OPTIONS.flatMap((o): [string, unknown[], string][] => [
    ['getMarkets', [o], 'options'],
    ['getTicker', ['KRW-BTC', o], 'options'],
    ['getCandles', ['KRW-BTC', '1m', o], 'options'],
    ['streamTicker', ['KRW-BTC', o], 'options'],
    ['streamStatus', [o], 'options'],
    ['getAccounts', [o], 'options'],
    ['downloadCandles', ['KRW-BTC', '1m', o], 'options'],
  ]),
  ...['kraken', 7].flatMap((exchange): [string, unknown[], string][] => [
    ['getMarkets', [{ exchange }], 'options.exchange'],
    ['getTicker', ['KRW-BTC', { exchange }], 'options.exchange'],
    ['streamTrades', ['KRW-BTC', { exchange }], 'options.exchange'],
    ['streamErrors', [{ exchange }], 'options.exchange'],
    ['getAccounts', [{ exchange }], 'options.exchange'],
  ]),
];

/** The error a call ends with: a promise's rejection, or a stream's error (subscribed with a handler). */
async function failure(result: Promise<unknown> | Observable<unknown>): Promise<unknown> {
  try {
    await (result instanceof Promise ? result : firstValueFrom(result));
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('bad arguments', () => {
  it.each(CASES)('%s(%j) should reject with an InvalidArgumentError naming %s, before any I/O', async (method, args, argument) => {
    const { backbone, io } = spiedBackbone();
    const call = (backbone as unknown as Loose)[method]!;
    let result: Promise<unknown> | Observable<unknown>;
    try {
      result = call.apply(backbone, args);
    } catch (error) {
      throw new Error(`${method} threw synchronously instead of rejecting: ${String(error)}`);
    }
    const error = await failure(result);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ argument, retryable: false });
    expect(error).toHaveProperty('value');
    expect((error as Error).message).toMatch(/^Argument \S+ is not valid: /);
    expect(io).toEqual({ fetches: 0, sockets: 0 });
  });

  it('should refuse bad arguments of ExchangeClient, PrivateClient and candle history the same way', async () => {
    const { backbone, io } = spiedBackbone();
    const client: ExchangeClient = backbone.exchange('upbit');
    const priv: PrivateClient = backbone.private('upbit');
    const loose = client as unknown as Loose;
    const calls: [Promise<unknown> | Observable<unknown>, string][] = [
      [loose['getTicker']!.call(client, 123), 'symbol'],
      [loose['getTrades']!.call(client, 'KRW-BTC', { count: 0 }), 'query.count'],
      [loose['getTrades']!.call(client, 'KRW-BTC', null), 'query'],
      [loose['getCandles']!.call(client, 'KRW-BTC', '2m'), 'interval'],
      [loose['getCandles']!.call(client, 'KRW-BTC', '1m', { count: -5 }), 'query.count'],
      [loose['getCandles']!.call(client, 'KRW-BTC', '1m', { to: Number.NaN }), 'query.to'],
      [loose['getOrderBook']!.call(client, 'KRW-BTC', 0), 'depth'],
      [loose['getDepthSnapshot']!.call(client, {}), 'symbol'],
      [loose['resolveMarket']!.call(client, 5), 'symbol'],
      [(priv as unknown as Loose)['getOpenOrders']!.call(priv, 5), 'symbol'],
      [(priv as unknown as Loose)['streamMyOrders']!.call(priv, 'a b'), 'symbol'],
      [downloadCandles(client, 'KRW-BTC', '1m', { from: 5, to: 1 }), 'options.from'],
      [fetchCandleRange(client, 'KRW-BTC', '1m', { from: 0, to: 1, pageSize: 201 }), 'options.pageSize'],
    ];
    for (const [result, argument] of calls) expect(await failure(result)).toMatchObject({ name: 'InvalidArgumentError', argument });
    expect(() => client.toNative('KRW BTC')).toThrow(InvalidArgumentError);
    expect(io).toEqual({ fetches: 0, sockets: 0 });
  });

  it('should error an order-book stream of depth 0 through its error handler, without opening a socket', async () => {
    const simulator = await startUpbitSimulator();
    cleanups.push(() => simulator.close());
    const backbone = new MarketDataBackbone({ restUrl: simulator.url, wsUrl: simulator.wsUrl });
    cleanups.push(() => backbone.close());
    await backbone.getMarkets(); // the symbol resolves at once, as it does in a running program
    const errors: unknown[] = [];
    const values: unknown[] = [];
    backbone.streamOrderBook('KRW-BTC', { depth: 0 }).subscribe({ next: (v) => values.push(v), error: (e: unknown) => errors.push(e) });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(InvalidArgumentError);
    expect(values).toEqual([]);
    // The facade still works afterwards: the process and the client are alive.
    const book = await firstValueFrom(backbone.streamOrderBook('KRW-BTC', { depth: 5 }));
    expect(book.bids.length).toBeLessThanOrEqual(5);
    expect(book.bids.length).toBeGreaterThan(0);
  });
});

describe('documented caps', () => {
  it('should page a candle count above 200 like a range, and return exactly that many, oldest first', async () => {
    const simulator = await startUpbitSimulator();
    cleanups.push(() => simulator.close());
    const backbone = new MarketDataBackbone({ restUrl: simulator.url });
    cleanups.push(() => backbone.close());
    const candles = await backbone.getCandles('KRW-BTC', '1m', { count: 450 });
    expect(candles).toHaveLength(450);
    const times = candles.map((c) => c.openTime);
    expect(new Set(times).size).toBe(450);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const pages = simulator.requests.filter((r) => r.path.startsWith('/v1/candles/'));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    // The newest candle is the same as a single small request's.
    const [latest] = await backbone.getCandles('KRW-BTC', '1m', { count: 1 });
    expect(times.at(-1)).toBe(latest!.openTime);
  });

  it('should return exactly the count of trades asked for, also where the exchange serves fixed page sizes', async () => {
    const coinone = await startCoinoneSimulator();
    cleanups.push(() => coinone.close());
    const backbone = new MarketDataBackbone({ exchanges: { coinone: { restUrl: coinone.url } } });
    cleanups.push(() => backbone.close());
    for (const count of [1, 3, 10, 57]) {
      const trades = await backbone.getTrades('BTC/KRW', { exchange: 'coinone', count });
      expect(trades).toHaveLength(count);
    }
    // The newest three of a page of ten.
    const ten = await backbone.getTrades('BTC/KRW', { exchange: 'coinone', count: 10 });
    const three = await backbone.getTrades('BTC/KRW', { exchange: 'coinone', count: 3 });
    expect(three.map((t) => t.id)).toEqual(ten.slice(-3).map((t) => t.id));
  });

  it('should name the cap of each exchange in the error', async () => {
    const { backbone } = spiedBackbone();
    const caps: [ExchangeId, string, number][] = [
      ['upbit', 'KRW-BTC', 500],
      ['binance', 'BTCUSDT', 1000],
      ['coinone', 'BTC/KRW', 200],
    ];
    for (const [exchange, symbol, max] of caps) {
      expect(exchangeAdapters[exchange].rest.maxCount?.trades).toBe(max);
      const error = await failure(backbone.getTrades(symbol, { exchange, count: max + 1 }));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as MarketDataError).message).toContain(`at most ${max}`);
    }
    // A large candle count is paged, not refused: it gets as far as the (refused) request.
    await expect(backbone.getCandles('KRW-BTC', '1m', { count: 10_000 })).rejects.not.toBeInstanceOf(InvalidArgumentError);
  });
});
