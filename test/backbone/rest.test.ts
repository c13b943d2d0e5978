import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Big, ConnectionError, InvalidArgumentError, MarketDataBackbone, ParseError, RateLimitError, UnknownSymbolError } from 'market-data-backbone';
import { parseJsonExact } from 'market-data-backbone/internals';
import { ManualClock, startUpbitSimulator, type UpbitSimulator } from 'market-data-backbone/testing';

/** The market stands still between two reads; rate-limit windows still roll in real time. */
const clock = new ManualClock(Date.UTC(2026, 10, 25, 12, 0, 0));

let simulator: UpbitSimulator;
let backbone: MarketDataBackbone;

beforeAll(async () => {
  simulator = await startUpbitSimulator({ clock, limitClock: { now: () => Date.now() } });
});
afterAll(async () => {
  await simulator.close();
});
afterEach(async () => {
  await backbone?.close();
  simulator.clearLog();
  simulator.resetLimits(); // every test is a new client: none inherits another's used budget
});

const open = (options: ConstructorParameters<typeof MarketDataBackbone>[0] = {}): MarketDataBackbone => {
  backbone = new MarketDataBackbone({ ...options, exchanges: { upbit: { restUrl: simulator.url, ...options.exchanges?.upbit } } });
  return backbone;
};

/** The exact text of a numeric field in a raw JSON reply, read without any float. */
async function rawField(path: string, field: string, index = 0): Promise<string> {
  const text = await (await fetch(`${simulator.url}${path}`)).text();
  const found = [...text.matchAll(new RegExp(`"${field}":(-?[0-9.eE+-]+)`, 'g'))][index];
  if (found?.[1] === undefined) throw new Error(`no ${field} in ${text.slice(0, 200)}`);
  return found[1];
}

describe('MarketDataBackbone REST against the Upbit simulator', () => {
  it('returns tickers whose every decimal equals the raw reply text exactly', async () => {
    const ticker = await open().getTicker('KRW-BTC');
    expect(ticker).toMatchObject({ type: 'ticker', exchange: 'upbit', symbol: 'BTC/KRW', market: 'KRW-BTC' });
    const path = '/v1/ticker?markets=KRW-BTC';
    expect(ticker.last.eq(new Big(await rawField(path, 'trade_price')))).toBe(true);
    expect(ticker.quoteVolume.eq(new Big(await rawField(path, 'acc_trade_price')))).toBe(true);
    expect(ticker.quoteVolume24h.eq(new Big(await rawField(path, 'acc_trade_price_24h')))).toBe(true);
    expect(ticker.changeRate.eq(new Big(await rawField(path, 'signed_change_rate')))).toBe(true);
    // an accumulated price with more digits than a double holds keeps every one of them
    expect(ticker.quoteVolume.toFixed().replace('.', '').length).toBeGreaterThan(15);
  });

  it('calls a given fetch as a plain function, as a browser\'s window.fetch demands', async () => {
    // Browsers throw "Illegal invocation" when window.fetch runs with another object as `this`.
    function strictFetch(this: unknown, url: string, init?: RequestInit): Promise<Response> {
      if (this !== undefined && this !== globalThis) return Promise.reject(new TypeError('Illegal invocation'));
      return fetch(url, init);
    }
    const ticker = await open({ exchanges: { upbit: { fetch: strictFetch, retry: false } } }).getTicker('KRW-BTC');
    expect(ticker.market).toBe('KRW-BTC');
  });

  it('accepts unified symbols and keeps the order of getTickers', async () => {
    const tickers = await open().getTickers(['BTC/KRW', 'KRW-ETH', 'eth/btc']);
    expect(tickers.map((t) => t.market)).toEqual(['KRW-BTC', 'KRW-ETH', 'BTC-ETH']);
  });

  it('batches concurrent getTicker calls for 50 markets into one request', async () => {
    const client = open();
    const markets = (await client.getMarkets()).filter((m) => m.quote === 'KRW').slice(0, 50).map((m) => m.market);
    simulator.clearLog();
    const tickers = await Promise.all(markets.map((m) => client.getTicker(m)));
    expect(tickers.map((t) => t.market)).toEqual(markets);
    const tickerRequests = simulator.requests.filter((r) => r.path === '/v1/ticker');
    expect(tickerRequests).toHaveLength(Math.ceil(markets.length / 100));
  });

  it('shares identical in-flight requests', async () => {
    const client = open();
    await client.getMarkets();
    simulator.clearLog();
    const [a, b] = await Promise.all([client.getTrades('KRW-BTC', { count: 5 }), client.getTrades('KRW-BTC', { count: 5 })]);
    expect(a).toEqual(b);
    expect(simulator.requests.filter((r) => r.path === '/v1/trades/ticks')).toHaveLength(1);
  });

  it('returns order books best-first with exact sizes', async () => {
    const book = await open().getOrderBook('KRW-BTC', { depth: 5 });
    expect(book.bids).toHaveLength(5);
    expect(book.asks).toHaveLength(5);
    for (let i = 1; i < 5; i++) {
      expect(book.bids[i]!.price.lt(book.bids[i - 1]!.price)).toBe(true);
      expect(book.asks[i]!.price.gt(book.asks[i - 1]!.price)).toBe(true);
    }
    expect(book.bids[0]!.price.lt(book.asks[0]!.price)).toBe(true);
    expect(book.asks[0]!.amount.eq(new Big(await rawField('/v1/orderbook?markets=KRW-BTC&count=5', 'ask_size')))).toBe(true);
  });

  it('returns trades oldest first with ids beyond 2^53 kept exact', async () => {
    const trades = await open().getTrades('KRW-BTC', { count: 30 });
    expect(trades.length).toBeGreaterThan(0);
    const raw = await (await fetch(`${simulator.url}/v1/trades/ticks?market=KRW-BTC&count=30`)).text();
    const ids = [...raw.matchAll(/"sequential_id":(\d+)/g)].map((m) => m[1]);
    expect(trades.map((t) => t.id)).toEqual([...ids].reverse());
    expect(BigInt(trades[0]!.id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    for (let i = 1; i < trades.length; i++) expect(trades[i]!.timestamp).toBeGreaterThanOrEqual(trades[i - 1]!.timestamp);
  });

  it('returns candles oldest first that match the raw reply', async () => {
    const candles = await open().getCandles('KRW-BTC', '1m', { count: 10 });
    expect(candles.length).toBeGreaterThan(0);
    for (let i = 1; i < candles.length; i++) expect(candles[i]!.openTime).toBeGreaterThan(candles[i - 1]!.openTime);
    const raw = parseJsonExact(await (await fetch(`${simulator.url}/v1/candles/minutes/1?market=KRW-BTC&count=10`)).text());
    expect(Array.isArray(raw) && raw.length).toBe(candles.length);
    const newest = candles[candles.length - 1]!;
    expect(newest.close.eq(new Big(await rawField('/v1/candles/minutes/1?market=KRW-BTC&count=10', 'trade_price')))).toBe(true);
  });

  it('lists markets with unified symbols', async () => {
    const markets = await open().getMarkets();
    expect(markets.filter((m) => m.quote === 'KRW').length).toBeGreaterThanOrEqual(20);
    expect(markets.find((m) => m.market === 'KRW-BTC')).toMatchObject({ symbol: 'BTC/KRW', base: 'BTC', quote: 'KRW' });
  });
});

describe('MarketDataBackbone REST failures', () => {
  it('rejects an unknown market with UnknownSymbolError, before sending when the market list knows', async () => {
    const client = open();
    await client.getMarkets();
    simulator.clearLog();
    await expect(client.getTicker('KRW-NOPE')).rejects.toBeInstanceOf(UnknownSymbolError);
    expect(simulator.requests.filter((r) => r.path === '/v1/ticker')).toHaveLength(0);
    // Not a symbol at all (a space): refused as an argument, before the market list is asked.
    await expect(client.getTicker('not a symbol')).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it("maps the exchange's 404 Code not found to UnknownSymbolError, failing only the bad market of a batch", async () => {
    const client = open({ validateSymbols: false });
    const [good, bad] = await Promise.allSettled([client.getTicker('KRW-BTC'), client.getTicker('KRW-NOPE')]);
    expect(good.status).toBe('fulfilled');
    expect(bad.status === 'rejected' && bad.reason).toBeInstanceOf(UnknownSymbolError);
  });

  it('turns a malformed JSON reply into a ParseError', async () => {
    simulator.failNext(1, { status: 200, body: '[{"market":"KRW-BTC","trade_price":1' });
    await expect(open({ retry: false, validateSymbols: false }).getTicker('KRW-BTC')).rejects.toBeInstanceOf(ParseError);
  });

  it('turns a timeout into a retryable ConnectionError', async () => {
    simulator.setLatency(300);
    try {
      const error = await open({ retry: false, timeoutMs: 50, validateSymbols: false }).getTicker('KRW-BTC').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as ConnectionError).reason).toBe('timeout');
      expect((error as ConnectionError).retryable).toBe(true);
    } finally {
      simulator.setLatency(0);
    }
  });

  it('retries a 429 (JSON and plain text) and then succeeds', async () => {
    const client = open({ validateSymbols: false, retry: { initialDelayMs: 10 } });
    simulator.rateLimitNext(1);
    await expect(client.getTicker('KRW-BTC')).resolves.toMatchObject({ market: 'KRW-BTC' });
    simulator.rateLimitNext(1, { plainText: true });
    await expect(client.getTicker('KRW-ETH')).resolves.toMatchObject({ market: 'KRW-ETH' });
    expect(simulator.requests.filter((r) => r.status === 429)).toHaveLength(2);
  });

  it('gives up with a RateLimitError when retries are off', async () => {
    simulator.rateLimitNext(1);
    await expect(open({ validateSymbols: false, retry: false }).getTicker('KRW-BTC')).rejects.toBeInstanceOf(RateLimitError);
  });

  it('sends nothing to a blocked group until a 418 block ends, then recovers', async () => {
    const client = open({ validateSymbols: false, retry: { initialDelayMs: 10 } });
    simulator.ban(400, 'ticker');
    const ticker = await client.getTicker('KRW-BTC');
    expect(ticker.market).toBe('KRW-BTC');
    const log = simulator.requests.filter((r) => r.group === 'ticker');
    const banned = log.filter((r) => r.status === 418);
    expect(banned).toHaveLength(1);
    const after = log.filter((r) => r.receivedAt > banned[0]!.receivedAt);
    expect(after.map((r) => r.status)).toEqual([200]);
  });
});

describe('rate limiting against the simulator', () => {
  it('sends 30 unbatched getTicker calls without a single 429 and never more than 10 in a second', async () => {
    const client = open({ validateSymbols: false, batch: false });
    const markets = (await client.getMarkets()).filter((m) => m.quote === 'KRW').map((m) => m.market);
    simulator.clearLog();
    const calls = Array.from({ length: 30 }, (_, i) => markets[i % markets.length]!);
    const tickers = await Promise.all(calls.map((m) => client.getTicker(m)));
    expect(tickers).toHaveLength(30);
    const log = simulator.requests.filter((r) => r.path === '/v1/ticker');
    expect(log.filter((r) => r.status === 429)).toHaveLength(0);
    expect(log.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(20);
    expect(maxInWindow(log.map((r) => r.receivedAt), 1000)).toBeLessThanOrEqual(10);
    // in request order: the limiter queue is FIFO
    expect(tickers.map((t) => t.market)).toEqual(calls);
  });
});

/** Most events in any window of `windowMs`. */
function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
