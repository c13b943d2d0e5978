import crossFetch from 'cross-fetch';
import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom, filter } from 'rxjs';
import { exchangeAdapters, ExchangeClient, nodeWebSocketFactory, type ExchangeAdapter, type StatusEvent } from 'market-data-backbone';

const upbitAdapter: ExchangeAdapter = exchangeAdapters.upbit;
import { ManualClock, startUpbitSimulator } from 'market-data-backbone/testing';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Upbit's Origin budget is 1 per 10 s; the simulator and the client both run it at 1 per WINDOW ms here. */
const WINDOW = 400;
const ORIGIN = 'https://app.example';

/** What a browser does on its own: an `Origin` header on every request and upgrade. */
const browserFetch = (url: string, init?: { headers?: Record<string, string> }) =>
  crossFetch(url, { ...init, headers: { ...init?.headers, Origin: ORIGIN } } as RequestInit);

/** Upbit's adapter with its Origin budgets shrunk to WINDOW (the real ones are 10 s). */
const FAST_ORIGIN_ADAPTER: ExchangeAdapter = {
  ...upbitAdapter,
  rest: { ...upbitAdapter.rest, originLimits: { rule: { group: 'origin', limit: 1, windowMs: WINDOW }, groups: upbitAdapter.rest.originLimits!.groups } },
  ws: { ...upbitAdapter.ws!, originLimits: { connect: [{ limit: 1, windowMs: WINDOW }], send: [{ limit: 1, windowMs: WINDOW }] } },
};

/** `wallClock`: the simulator's log times are wall-clock times (else its model holds still). */
async function setup(sendsOrigin: boolean, wallClock = false) {
  const simulator = await startUpbitSimulator({
    ...(wallClock ? {} : { clock: new ManualClock(Date.UTC(2026, 10, 25, 12, 0, 0)) }),
    limitClock: { now: () => Date.now() },
    rateLimits: { originWindowMs: WINDOW },
    ws: { limits: { originWindowMs: WINDOW } },
  });
  const client = new ExchangeClient(FAST_ORIGIN_ADAPTER, {
    restUrl: simulator.url,
    wsUrl: simulator.wsUrl,
    fetch: browserFetch,
    webSocketFactory: await nodeWebSocketFactory({ headers: { Origin: ORIGIN } }),
    sendsOrigin,
    gracePeriodMs: 0,
    retry: { initialDelayMs: 50, maxDelayMs: 200, maxRetries: 8 },
  });
  cleanups.push(() => simulator.close(), () => client.close());
  return { simulator, client };
}

describe('a browser client (every request carries Origin) against Upbit\'s Origin budget', () => {
  it('paces every quotation request into the shared origin budget: no 429, whatever the endpoint', async () => {
    const { simulator, client } = await setup(true);
    const started = Date.now();
    const [ticker, trades, candles, book] = await Promise.all([
      client.getTicker('KRW-BTC'),
      client.getTrades('KRW-ETH', { count: 5 }),
      client.getCandles('KRW-XRP', '1m', { count: 3 }),
      client.getOrderBook('KRW-BTC', 5),
    ]);
    expect([ticker.market, trades.length, book.bids.length]).toEqual(['KRW-BTC', 5, 5]);
    expect(candles.length).toBeGreaterThan(0); // quiet minutes have no candle
    // The market list, then four requests: five windows apart, each alone in its window.
    expect(simulator.requests.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(client.stats.replies[429]).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * WINDOW);
  });

  it('holds the whole origin budget through a 418 block, whatever endpoint ran into it', async () => {
    const { simulator, client } = await setup(true);
    await client.getMarkets();
    simulator.clearLog();
    simulator.ban(1_000, 'origin'); // 418, Retry-After: 1, Remaining-Req naming the origin budget
    const ticker = client.getTicker('KRW-BTC');
    const deadline = Date.now() + 5_000;
    while (simulator.requests.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    // Another endpoint during the block: it counts against the same origin budget, so it must wait for
    // the block too instead of running into it (a second 418 would lengthen the ban).
    const trades = client.getTrades('KRW-ETH', { count: 5 });
    expect((await ticker).market).toBe('KRW-BTC');
    expect(await trades).toHaveLength(5);
    expect(simulator.requests.map((r) => r.status).filter((status) => status !== 200)).toEqual([418]);
  });

  it('would be refused without the pacing (the same requests, sendsOrigin off)', async () => {
    const { simulator, client } = await setup(false);
    await Promise.all([client.getTicker('KRW-BTC'), client.getTrades('KRW-ETH', { count: 5 }), client.getCandles('KRW-XRP', '1m', { count: 3 })]);
    expect(simulator.requests.some((r) => r.status === 429)).toBe(true);
  });

  it('streams over a socket opened with Origin, spacing its request frames so the server never closes it', async () => {
    const { simulator, client } = await setup(true, true);
    const statuses: StatusEvent[] = [];
    client.streams.status$.subscribe((s) => statuses.push(s));
    const btc = client.streams.ticker('KRW-BTC').subscribe();
    cleanups.push(() => btc.unsubscribe());
    await firstValueFrom(client.streams.ticker('KRW-BTC'));
    // A second market right away: its request frame waits for the next window instead of getting the
    // connection closed for a second frame inside one.
    const eth = await firstValueFrom(client.streams.ticker('KRW-ETH').pipe(filter((t) => t.market === 'KRW-ETH')));
    expect(eth.market).toBe('KRW-ETH');
    const frames = simulator.ws.requests.map((r) => r.at);
    expect(frames).toHaveLength(2);
    expect(frames[1]! - frames[0]!).toBeGreaterThanOrEqual(WINDOW - 50);
    expect(statuses.map((s) => s.status)).not.toContain('disconnect');
    expect(simulator.ws.connections).toBe(1);
  });
});
