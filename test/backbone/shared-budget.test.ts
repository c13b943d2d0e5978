/**
 * Several clients on one IP share Upbit's quotation budget (10 requests a second per group, per IP)
 * without knowing of each other: two scripts on one machine, a pool of workers. Each alone stays
 * under the limit; together they overrun it, and a client that keeps its full pace after 429s gets the
 * IP blocked (418), for longer at each offence. The clients must settle by themselves.
 *
 * Time runs five times faster than Upbit's (200 ms windows on both sides) so the test is short; the
 * behaviour is scale-free, the limiter counts in windows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { exchangeAdapters, MarketDataBackbone } from 'market-data-backbone';
import { startUpbitSimulator } from 'market-data-backbone/testing';

const WINDOW_MS = 200;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('clients sharing one IP budget', () => {
  it('should answer every call of three clients at full pace together, the 429s settling after the first burst', async () => {
    const simulator = await startUpbitSimulator({
      limitClock: { now: () => Date.now() },
      rateLimits: { windowMs: WINDOW_MS, blockWindowMs: 10 * WINDOW_MS, blockBaseMs: WINDOW_MS, blockMaxMs: 60 * WINDOW_MS },
    });
    cleanups.push(() => simulator.close());
    const rateLimits = exchangeAdapters.upbit.rest.rateLimits.map((rule) => ({ ...rule, windowMs: WINDOW_MS }));
    const clients = [0, 1, 2].map(() => new MarketDataBackbone({ batch: false, rateLimits, exchanges: { upbit: { restUrl: simulator.url } } }));
    cleanups.push(...clients.map((client) => () => client.close()));
    await Promise.all(clients.map((client) => client.getMarkets()));
    const markets = ['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'KRW-SOL', 'KRW-DOGE', 'KRW-ADA'];

    // 60 distinct candle requests per client (a candle request is never shared), all at once.
    const calls = clients.flatMap((client) =>
      Array.from({ length: 60 }, (_, i) => client.getCandles(markets[i % markets.length]!, '1m', { count: 1 + Math.floor(i / markets.length) })),
    );
    const results = await Promise.allSettled(calls);
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);

    const candles = simulator.requests.filter((r) => r.path.startsWith('/v1/candles/'));
    const refused = candles.filter((r) => r.status === 429 || r.status === 418);
    // Every request was answered once in the end: 180 successes, the rest were refused and retried.
    expect(candles.filter((r) => r.status === 200)).toHaveLength(180);
    // The first burst (30 requests for 10 places) is refused; after it the clients share the budget:
    // in the second half of the run none is blocked, and the odd 429 of a share growing back stays
    // below the simulator's block threshold (10 within 10 windows). Without the shares, blocks recur.
    const start = candles[0]!.receivedAt;
    const end = candles.at(-1)!.receivedAt;
    const secondHalf = refused.filter((r) => r.receivedAt > start + (end - start) / 2);
    expect(secondHalf.filter((r) => r.status === 418)).toEqual([]);
    expect(secondHalf.length).toBeLessThan(10);
  });
});
