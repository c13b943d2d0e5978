import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { MarketDataBackbone, RateLimitError, UnknownSymbolError } from 'market-data-backbone';
import { ManualClock, startCoinoneSimulator } from 'market-data-backbone/testing';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(clock?: ManualClock) {
  const simulator = await startCoinoneSimulator(clock === undefined ? {} : { clock, limitClock: { now: () => Date.now() } });
  const backbone = new MarketDataBackbone({
    exchanges: { coinone: { restUrl: simulator.url, wsUrl: simulator.wsUrl, gracePeriodMs: 0, retry: { initialDelayMs: 10, maxRetries: 1 } } },
  });
  cleanups.push(() => simulator.close(), () => backbone.close());
  return { simulator, backbone };
}

describe('Coinone through the facade, against the Coinone simulator', () => {
  it('answers getTicker for unified and native symbols with the simulator price', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 12, 0, 0));
    const { simulator, backbone } = await setup(clock);
    const unified = await backbone.getTicker('BTC/KRW', { exchange: 'coinone' });
    const native = await backbone.getTicker('KRW-BTC', { exchange: 'coinone' });
    expect(unified.exchange).toBe('coinone');
    expect(unified.symbol).toBe('BTC/KRW');
    expect(native.last.eq(unified.last)).toBe(true);
    // Linked to the shared market model: Coinone's price is the model's KRW-BTC price x (1 + premium),
    // premium -0.1 % by default, rounded to a KRW tick (1,000 KRW at BTC's level).
    const modelLast = simulator.model.ticker('KRW-BTC')!.tradePrice;
    const gap = unified.last.minus(modelLast.times('0.999')).abs();
    expect(gap.lte(1_000)).toBe(true);
  });

  it('returns order books best-first on both sides and unified markets with increments', async () => {
    const { backbone } = await setup();
    const book = await backbone.getOrderBook('BTC/KRW', { exchange: 'coinone', depth: 5 });
    expect(book.bids.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < book.asks.length; i++) expect(book.asks[i]!.price.gt(book.asks[i - 1]!.price)).toBe(true);
    for (let i = 1; i < book.bids.length; i++) expect(book.bids[i]!.price.lt(book.bids[i - 1]!.price)).toBe(true);
    expect(book.bids[0]!.price.lt(book.asks[0]!.price)).toBe(true);
    const markets = await backbone.getMarkets({ exchange: 'coinone' });
    const btc = markets.find((m) => m.symbol === 'BTC/KRW');
    expect(btc?.tickSize).toBeUndefined(); // price_unit is deprecated (range_units bands), so no single tick size
    expect(btc?.minNotional?.gt(0)).toBe(true);
  });

  it('turns an error-as-200 reply into a typed error', async () => {
    const { simulator, backbone } = await setup();
    const unknown = await backbone.getTicker('NOPE/KRW', { exchange: 'coinone' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(UnknownSymbolError);
    const noRetry = new MarketDataBackbone({ exchanges: { coinone: { restUrl: simulator.url, retry: false } } });
    cleanups.push(() => noRetry.close());
    await noRetry.getMarkets({ exchange: 'coinone' }); // so the limited reply is the trades request itself
    simulator.rateLimitNext(1);
    const limited = await noRetry.getTrades('KRW-BTC', { exchange: 'coinone' }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).retryAfterMs).toBeGreaterThan(0);
  });

  it('streams tickers and 16-level books over the WebSocket', async () => {
    const { backbone } = await setup();
    const ticker = await firstValueFrom(backbone.streamTicker('BTC/KRW', { exchange: 'coinone' }));
    expect(ticker.exchange).toBe('coinone');
    const books = await firstValueFrom(backbone.streamOrderBook('KRW-BTC', { exchange: 'coinone', depth: 10 }).pipe(take(2), toArray()));
    for (const book of books) {
      expect(book.asks.length).toBe(10);
      expect(book.asks[0]!.price.lt(book.asks[9]!.price)).toBe(true);
      expect(book.bids[0]!.price.lt(book.asks[0]!.price)).toBe(true);
    }
    const trades = await firstValueFrom(backbone.streamTrades('KRW-BTC', { exchange: 'coinone' }).pipe(filter((t) => t.market === 'KRW-BTC'), take(3), toArray()));
    expect(trades.map((t) => t.timestamp)).toEqual([...trades.map((t) => t.timestamp)].sort((a, b) => a - b));
    expect(backbone.stats.coinone?.streamed.ws).toBeGreaterThan(0);
  });
});
