/**
 * The gateway's HTTP routes against the Upbit simulator on a standing market (manual clock): every
 * route's body is the library's own result, digit for digit (only `receivedAt`, the instant each
 * reply arrived, differs), errors carry their status and `Retry-After`, and a backbone reading through
 * the gateway (`gateway: url`) gets the same exact `Big` values as one reading the exchange.
 */
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { Big, computeBookMetrics, GatewayError, MarketDataBackbone, UnknownSymbolError } from 'market-data-backbone';
import { ManualClock, startUpbitSimulator } from 'market-data-backbone/testing';
import { until } from '../helpers/wait.js';
import { startGateway } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const wallClock = { now: () => Date.now() };

async function setup() {
  const clock = new ManualClock(Date.UTC(2026, 10, 25, 12, 0, 0));
  const simulator = await startUpbitSimulator({ clock, limitClock: wallClock });
  const settings = { restUrl: simulator.url, wsUrl: simulator.wsUrl, retry: { maxRetries: 0 } };
  const served = new MarketDataBackbone({ exchanges: { upbit: settings } });
  const direct = new MarketDataBackbone({ exchanges: { upbit: settings } });
  const started = await startGateway(served);
  const remote = new MarketDataBackbone({ gateway: started.wsUrl });
  cleanups.push(() => simulator.close(), () => served.close(), () => direct.close(), () => started.stop(), () => remote.close());
  const get = async (path: string) => {
    const response = await fetch(`${started.url}${path}`);
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  return { simulator, direct, remote, get, ...started };
}

/** JSON text without the `receivedAt` fields (the instant each side's reply arrived). */
const withoutReceivedAt = (json: string): string => JSON.stringify(JSON.parse(json, (key, value: unknown) => (key === 'receivedAt' ? undefined : value)));

describe('gateway HTTP routes', () => {
  it('answers every route with the library result, exact strings', async () => {
    const { direct, get, gateway, simulator } = await setup();
    const same = async (path: string, expected: unknown) => {
      const reply = await get(path);
      expect(reply.status, `${path} ${reply.text}`).toBe(200);
      expect(withoutReceivedAt(reply.text), path).toBe(withoutReceivedAt(JSON.stringify(expected)));
    };
    const to = Date.UTC(2026, 10, 25, 11, 0, 0);
    await same('/v1/ticker?exchange=upbit&symbol=KRW-BTC', await direct.getTicker('KRW-BTC'));
    // Later tickers come from the live stream the first one opened (no REST request), and are the same ticker.
    await until(() => gateway.upstreams === 1, 5_000, 'ticker stream open');
    const restTickers = () => simulator.requests.filter((r) => r.path === '/v1/ticker').length;
    let live = false;
    // Both backbones ask the simulator from one address, so together they share Upbit's 10 ticker
    // requests a second: the loop paces itself to stay well under, and lets the second pass after it.
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    for (let attempt = 0; attempt < 60 && !live; attempt += 1) {
      const before = restTickers();
      await same('/v1/ticker?symbol=KRW-BTC', await direct.getTicker('KRW-BTC'));
      live = restTickers() === before + 1; // only the direct backbone's request
      if (!live) await pause(250);
    }
    expect(live).toBe(true);
    await pause(1_100);
    await same('/v1/tickers?symbols=KRW-BTC,KRW-ETH', await direct.getTickers(['KRW-BTC', 'KRW-ETH']));
    await same('/v1/orderbook?symbol=KRW-BTC&depth=5', await direct.getOrderBook('KRW-BTC', { depth: 5 }));
    await same('/v1/trades?symbol=KRW-BTC&count=10', await direct.getTrades('KRW-BTC', { count: 10 }));
    await same(`/v1/candles?symbol=KRW-BTC&interval=1m&count=5&to=${to}`, await direct.getCandles('KRW-BTC', '1m', { count: 5, to }));
    await same(`/v1/candles?symbol=KRW-BTC&interval=1h&from=${to - 5 * 3_600_000}&to=${new Date(to).toISOString()}`, await direct.getCandles('KRW-BTC', '1h', { from: to - 5 * 3_600_000, to }));
    await same('/v1/markets?exchange=upbit', await direct.getMarkets());
    // Depth and liquidity of the book (issue 13): the library's computeBookMetrics on the same book.
    await same('/v1/depth?symbol=KRW-BTC&depth=15&bands=5,20&levels=3', computeBookMetrics(await direct.getOrderBook('KRW-BTC', { depth: 15 }), { bands: [5, 20], levels: 3 }));
    const text = (await get('/v1/orderbook?symbol=KRW-BTC&depth=5')).text;
    expect(text).toMatch(/"price":"\d+(\.\d+)?"/); // decimals as strings
  });

  it('answers errors as { error: { name, message } } with 400, 404, 429 and 503 (Retry-After)', async () => {
    const { get, simulator } = await setup();
    const error = async (path: string) => {
      const reply = await get(path);
      return { status: reply.status, retryAfter: reply.headers.get('retry-after'), error: (JSON.parse(reply.text) as { error: { name: string; message: string } }).error };
    };
    expect(await error('/v1/orderbook?symbol=KRW-BTC&depth=abc')).toMatchObject({ status: 400, error: { name: 'GatewayError' } });
    expect(await error('/v1/trades?symbol=KRW-BTC&count=0')).toMatchObject({ status: 400, error: { name: 'InvalidArgumentError' } });
    const before = simulator.requests.length;
    expect(await error('/v1/depth?symbol=KRW-BTC&bands=0,x')).toMatchObject({ status: 400, error: { name: 'InvalidArgumentError' } });
    expect(await error('/v1/depth?symbol=KRW-BTC&levels=0')).toMatchObject({ status: 400, error: { name: 'InvalidArgumentError' } });
    expect(simulator.requests.length).toBe(before); // refused before any request upstream
    expect(await error('/v1/ticker')).toMatchObject({ status: 400, error: { name: 'GatewayError', message: 'Missing query parameter symbol' } });
    expect(await error('/v1/trades?symbol=KRW-NOPE')).toMatchObject({ status: 404, error: { name: 'UnknownSymbolError' } });
    expect(await error('/v1/nothing')).toMatchObject({ status: 404, error: { name: 'GatewayError' } });
    simulator.rateLimitNext(1);
    expect(await error('/v1/trades?symbol=KRW-BTC&count=3')).toMatchObject({ status: 429, retryAfter: expect.stringMatching(/^\d+$/), error: { name: 'RateLimitError' } });
    await simulator.close();
    expect(await error('/v1/trades?symbol=KRW-ETH&count=3')).toMatchObject({ status: 503, retryAfter: '1' });
  });

  it('gives a backbone reading through the gateway the same exact values as the exchange', async () => {
    const { direct, remote } = await setup();
    const ticker = await remote.getTicker('KRW-BTC');
    expect(ticker.last).toBeInstanceOf(Big);
    expect(withoutReceivedAt(JSON.stringify(ticker))).toBe(withoutReceivedAt(JSON.stringify(await direct.getTicker('KRW-BTC'))));
    const book = await remote.getOrderBook('BTC/KRW', { depth: 3 });
    expect(book.bids[0]?.price).toBeInstanceOf(Big);
    expect(withoutReceivedAt(JSON.stringify(book))).toBe(withoutReceivedAt(JSON.stringify(await direct.getOrderBook('BTC/KRW', { depth: 3 }))));
    const trades = await remote.getTrades('KRW-BTC', { count: 5 });
    expect(trades.map((t) => `${t.id} ${t.price.toFixed()} ${t.amount.toFixed()}`)).toEqual((await direct.getTrades('KRW-BTC', { count: 5 })).map((t) => `${t.id} ${t.price.toFixed()} ${t.amount.toFixed()}`));
    const markets = await remote.getMarkets();
    expect(markets.map((m) => m.market)).toEqual((await direct.getMarkets()).map((m) => m.market));
    const streamed = await firstValueFrom(remote.streamTicker('KRW-BTC'));
    expect(streamed.last.toFixed()).toBe(ticker.last.toFixed());
    await expect(firstValueFrom(remote.streamTicker('KRW-NOPE'))).rejects.toBeInstanceOf(UnknownSymbolError);
    await expect(remote.getTicker('KRW-NOPE')).rejects.toBeInstanceOf(UnknownSymbolError);
    await expect(remote.getPriceBands('KRW-BTC')).rejects.toBeInstanceOf(GatewayError);
  });
});
