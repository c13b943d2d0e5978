import { afterEach, describe, expect, it } from 'vitest';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { MarketDataBackbone, SequenceGapError, UnknownSymbolError, type MarketDataError, type OrderBook } from 'market-data-backbone';
import { startBinanceSimulator, startUpbitSimulator } from 'market-data-backbone/testing';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const simulator = await startBinanceSimulator({ limitClock: { now: () => Date.now() } });
  const backbone = new MarketDataBackbone({
    exchanges: { binance: { restUrl: simulator.url, wsUrl: simulator.wsUrl, gracePeriodMs: 0, retry: { initialDelayMs: 10, maxRetries: 1 } } },
  });
  cleanups.push(() => simulator.close(), () => backbone.close());
  return { simulator, backbone };
}

/** A book is consistent when both sides are strictly ordered best-first and do not cross. */
function assertConsistent(book: OrderBook): void {
  for (let i = 1; i < book.bids.length; i++) expect(book.bids[i]!.price.lt(book.bids[i - 1]!.price)).toBe(true);
  for (let i = 1; i < book.asks.length; i++) expect(book.asks[i]!.price.gt(book.asks[i - 1]!.price)).toBe(true);
  if (book.bids[0] !== undefined && book.asks[0] !== undefined) expect(book.bids[0].price.lt(book.asks[0].price)).toBe(true);
  for (const level of [...book.bids, ...book.asks]) expect(level.amount.gt(0)).toBe(true);
}

describe('Binance through the facade, against the Binance simulator', () => {
  it('accepts native and unified symbols and lists markets with tick size, step size and min notional', async () => {
    const { simulator, backbone } = await setup();
    const native = await backbone.getTicker('BTCUSDT', { exchange: 'binance' });
    const unified = await backbone.getTicker('BTC/USDT', { exchange: 'binance' });
    expect(native.symbol).toBe('BTC/USDT');
    expect(unified.market).toBe('BTCUSDT');
    const markets = await backbone.getMarkets({ exchange: 'binance' });
    const btc = markets.find((m) => m.market === 'BTCUSDT');
    expect(btc?.tickSize?.toFixed()).toBe('0.01');
    expect(btc?.stepSize?.gt(0)).toBe(true);
    expect(btc?.minNotional?.gt(0)).toBe(true);
    // The weight header drove the limiter: every reply carried it and the log shows the weights spent.
    expect(simulator.requests.every((r) => r.usedWeight > 0)).toBe(true);
    const error = await backbone.getTicker('NOPEUSDT', { exchange: 'binance' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownSymbolError);
  });

  it('pages a candle range at the 1000 candles Binance serves a request, not at the 200 of Upbit', async () => {
    const { simulator, backbone } = await setup();
    const to = Math.floor(Date.now() / 60_000) * 60_000 - 60 * 60_000;
    const from = to - 2_500 * 60_000;
    const candles = await backbone.getCandles('BTCUSDT', '1m', { exchange: 'binance', from, to });
    expect(candles.length).toBeGreaterThan(2_000);
    expect(candles.every((c, i) => c.openTime >= from && c.openTime < to && (i === 0 || c.openTime > candles[i - 1]!.openTime))).toBe(true);
    const pages = simulator.requests.filter((r) => r.path === '/api/v3/klines');
    expect(pages.map((r) => r.query['limit'])).toEqual(['1000', '1000', '1000']);
  });

  it('links USDT prices on Binance to KRW prices on Upbit through the FX rate and the premium', async () => {
    const binance = await startBinanceSimulator({ premium: 0.02, fxRate: 1400 });
    const upbit = await startUpbitSimulator({ model: binance.model });
    const backbone = new MarketDataBackbone({
      exchanges: { binance: { restUrl: binance.url }, upbit: { restUrl: upbit.url } },
    });
    cleanups.push(() => binance.close(), () => upbit.close(), () => backbone.close());
    const [usdt, krw] = await Promise.all([backbone.getTicker('BTC/USDT', { exchange: 'binance' }), backbone.getTicker('BTC/KRW')]);
    // krw = usdt x 1400 x 1.02, up to rounding on both sides (a cent on Binance, a tick on Upbit).
    const implied = usdt.last.times(1400).times('1.02');
    expect(implied.minus(krw.last).abs().div(krw.last).lt('0.0001')).toBe(true);
  });

  it('streams synced books from diffs + snapshot, resyncs after a dropped diff, never emits an inconsistent book', async () => {
    const { simulator, backbone } = await setup();
    const gaps: MarketDataError[] = [];
    const errors = backbone.streamErrors({ exchange: 'binance' }).subscribe((e) => gaps.push(e));
    cleanups.push(() => errors.unsubscribe());
    const books: OrderBook[] = [];
    const sub = backbone.streamOrderBook('BTCUSDT', { exchange: 'binance', depth: 20 }).subscribe((b) => books.push(b));
    cleanups.push(() => sub.unsubscribe());
    await firstValueFrom(backbone.streamOrderBook('BTCUSDT', { exchange: 'binance', depth: 20 }).pipe(take(3), toArray()));
    const before = books.length;
    simulator.dropNextDepthDiff('BTCUSDT');
    const deadline = Date.now() + 10_000;
    while (!gaps.some((e) => e instanceof SequenceGapError) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(gaps.some((e) => e instanceof SequenceGapError)).toBe(true);
    // Books keep coming after the resync.
    const after = books.length;
    await firstValueFrom(backbone.streamOrderBook('BTCUSDT', { exchange: 'binance', depth: 20 }).pipe(filter(() => books.length > after + 2)));
    expect(books.length).toBeGreaterThan(before);
    for (const book of books) {
      expect(book.bids.length).toBe(20);
      assertConsistent(book);
    }
  });

  it('streams trades and tickers over the combined stream', async () => {
    const { backbone } = await setup();
    const trades = await firstValueFrom(backbone.streamTrades('BTC/USDT', { exchange: 'binance' }).pipe(take(3), toArray()));
    expect(trades.every((t) => t.market === 'BTCUSDT')).toBe(true);
    const ids = trades.map((t) => BigInt(t.id));
    expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
    const ticker = await firstValueFrom(backbone.streamTicker('BTCUSDT', { exchange: 'binance' }));
    expect(ticker.exchange).toBe('binance');
  });
});
