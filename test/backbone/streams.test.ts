import { afterEach, describe, expect, it } from 'vitest';
import { filter, firstValueFrom, take, toArray, type Subscription } from 'rxjs';
import { Big, ExchangeError, MarketDataBackbone, MarketDataError, ParseError, UnknownSymbolError, type StatusEvent, type Ticker, type Trade } from 'market-data-backbone';
import type { CandleUpdate } from 'market-data-backbone/operators';
import { compareDecimalIds } from 'market-data-backbone/operators';
import { ManualClock, startUpbitSimulator, type UpbitSimulator, type UpbitSimulatorOptions } from 'market-data-backbone/testing';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const wallClock = { now: () => Date.now() };

async function setup(simOptions: UpbitSimulatorOptions = {}, streamOptions: Record<string, unknown> = {}) {
  const simulator = await startUpbitSimulator({ limitClock: wallClock, ...simOptions });
  const backbone = new MarketDataBackbone({
    exchanges: {
      upbit: {
        restUrl: simulator.url,
        wsUrl: simulator.wsUrl,
        socketStaleAfterMs: 600,
        pollIntervalMs: 200,
        recoverAfterMs: 200,
        gracePeriodMs: 0,
        backoff: { initialDelayMs: 20, maxDelayMs: 200 },
        retry: { initialDelayMs: 20, maxRetries: 2 },
        ...streamOptions,
      },
    },
  });
  cleanups.push(() => simulator.close(), () => backbone.close());
  return { simulator, backbone, stats: () => backbone.stats.upbit! };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `predicate` holds, polling every 10 ms; rejects after `timeoutMs`. */
async function until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const BIG_FIELDS = ['last', 'open', 'high', 'low', 'prevClose', 'change', 'changeRate', 'baseVolume', 'quoteVolume', 'baseVolume24h', 'quoteVolume24h'] as const;

describe('hot streams against the Upbit simulator', () => {
  it('streams a ticker equal to what REST reports for the same instant', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 12, 0, 0));
    const { backbone, stats } = await setup({ clock });
    const live = await firstValueFrom(backbone.streamTicker('KRW-BTC'));
    const sub = backbone.streamTicker('KRW-BTC').subscribe();
    cleanups.push(() => sub.unsubscribe());
    const viaRest = await backbone.exchange('upbit').getTicker('KRW-BTC');
    for (const field of BIG_FIELDS) expect(`${field} ${live[field].toFixed()}`).toBe(`${field} ${viaRest[field].toFixed()}`);
    expect(live.timestamp).toBe(viaRest.timestamp);
    expect(stats().streamed.ws).toBeGreaterThan(0);
  });

  it('answers getTicker from a fresh live stream without a request, and opens one with realtime', async () => {
    const { simulator, backbone, stats } = await setup();
    const first = await backbone.getTicker('KRW-ETH', { realtime: true });
    expect(first.market).toBe('KRW-ETH');
    let live = 0;
    const sub = backbone.streamTicker('KRW-ETH').subscribe(() => live++);
    cleanups.push(() => sub.unsubscribe());
    await until(() => live > 0, 5000, 'the live ticker');
    simulator.clearLog();
    const served = await backbone.getTicker('KRW-ETH');
    expect(served.market).toBe('KRW-ETH');
    expect(simulator.requests.filter((r) => r.path === '/v1/ticker')).toHaveLength(0);
    expect(stats().served).toMatchObject({ stream: 1, realtime: 1 });
  });

  it('shares one upstream per market and replays the latest value to late subscribers', async () => {
    const { simulator, backbone } = await setup();
    const seen: Ticker[] = [];
    const keep = backbone.streamTicker('KRW-BTC').subscribe((t) => seen.push(t));
    cleanups.push(() => keep.unsubscribe());
    await until(() => seen.length > 0, 5000, 'the first ticker');
    const requestsBefore = simulator.ws.requests.length;
    const late = await firstValueFrom(backbone.streamTicker('BTC/KRW'));
    // The replayed ticker is kept packed (its Bigs as numbers) and given back as an equal copy.
    const latest = seen[seen.length - 1];
    expect(late).toEqual(latest);
    expect(JSON.stringify(late)).toBe(JSON.stringify(latest));
    expect(late.last).toBeInstanceOf(Big);
    expect(simulator.ws.requests).toHaveLength(requestsBefore);
    expect(simulator.ws.connections).toBe(1);
  });

  it('fails over to REST when the socket drops, never erroring, and returns to the socket', async () => {
    const { simulator, backbone, stats } = await setup();
    const received: Ticker[] = [];
    let failed: unknown;
    const sub = backbone.streamTicker('KRW-BTC').subscribe({ next: (t) => received.push(t), error: (e) => (failed = e), complete: () => (failed = 'completed') });
    cleanups.push(() => sub.unsubscribe());
    await until(() => stats().streamed.ws > 0, 5000, 'a WebSocket ticker');

    simulator.ws.refuseConnections(2500);
    simulator.ws.dropAll();
    const droppedAt = Date.now();
    const restBefore = stats().streamed.rest;
    await until(() => stats().streamed.rest > restBefore, 3000, 'a REST ticker during the outage');
    expect(Date.now() - droppedAt).toBeLessThan(1500);

    const wsBefore = stats().streamed.ws;
    await until(() => stats().streamed.ws > wsBefore, 10_000, 'WebSocket tickers after the outage');
    expect(failed).toBeUndefined();
    for (let i = 1; i < received.length; i++) expect(received[i]!.timestamp).toBeGreaterThanOrEqual(received[i - 1]!.timestamp);
  });

  it('detects a stalled socket (open, silent), serves REST meanwhile and recovers', async () => {
    const { simulator, backbone, stats } = await setup();
    const statuses: StatusEvent[] = [];
    const errors: MarketDataError[] = [];
    const subs: Subscription[] = [
      backbone.streamStatus().subscribe((s) => statuses.push(s)),
      backbone.streamErrors().subscribe((e) => errors.push(e)),
      backbone.streamTicker('KRW-BTC').subscribe(),
    ];
    cleanups.push(() => subs.forEach((s) => s.unsubscribe()));
    await until(() => stats().streamed.ws > 0, 5000, 'a WebSocket ticker');
    simulator.ws.stall(true);
    await until(() => statuses.some((s) => s.status === 'disconnect'), 5000, 'stale detection');
    expect(errors.some((e) => e.name === 'StaleStreamError')).toBe(true);
    const restBefore = stats().streamed.rest;
    await until(() => stats().streamed.rest > restBefore, 3000, 'REST tickers while stalled');
    simulator.ws.stall(false);
    const wsBefore = stats().streamed.ws;
    await until(() => stats().streamed.ws > wsBefore, 10_000, 'WebSocket tickers after the stall');
    expect(statuses.some((s) => s.status === 'reconnect')).toBe(true);
  });

  it('keeps trades unique and in order across 100 forced reconnects', async () => {
    // The market runs 30x faster than the wall clock, so trades flow between the drops.
    const start = Date.now();
    const base = Date.UTC(2026, 10, 25, 9, 0, 0);
    const clock = { now: () => base + (Date.now() - start) * 30 };
    const { simulator, backbone } = await setup({ clock, ws: { limits: { connectionsPerSecond: Infinity } } }, { backoff: { initialDelayMs: 5, maxDelayMs: 40 } });
    const trades: Trade[] = [];
    const sub = backbone.streamTrades('KRW-BTC').subscribe((t) => trades.push(t));
    cleanups.push(() => sub.unsubscribe());
    await until(() => trades.length > 0, 5000, 'a first trade');
    for (let i = 0; i < 100; i++) {
      simulator.ws.dropAll();
      await sleep(25);
    }
    await sleep(300);
    expect(trades.length).toBeGreaterThan(20);
    const ids = trades.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(compareDecimalIds(ids[i - 1]!, ids[i]!)).toBeLessThan(0);
  });

  it('loses no trade across outages: REST polls meanwhile, and a REST bridge fills the gap before the socket resumes', async () => {
    // The market runs 5x faster than the wall clock (a busy market: a few trades a second).
    const start = Date.now();
    const base = Date.UTC(2026, 10, 25, 9, 0, 0);
    const clock = { now: () => base + (Date.now() - start) * 5 };
    // One REST poll per outage (at its start): the trades between it and the reconnect need the bridge.
    const { simulator, backbone } = await setup(
      { clock, ws: { limits: { connectionsPerSecond: Infinity } } },
      { backoff: { initialDelayMs: 5, maxDelayMs: 40 }, pollIntervalMs: 5_000 },
    );
    const trades: Trade[] = [];
    const sub = backbone.streamTrades('KRW-BTC').subscribe((t) => trades.push(t));
    cleanups.push(() => sub.unsubscribe());
    await until(() => trades.length > 0, 5000, 'a first trade');
    for (let i = 0; i < 8; i++) {
      simulator.ws.refuseConnections(500); // 0.5 s (the limit clock is the wall clock): one REST poll, then the socket is back
      simulator.ws.dropAll();
      await sleep(1_100);
    }
    await sleep(300);
    const rest = await backbone.getTrades('KRW-BTC', { count: 200 });
    const seen = new Set(trades.map((t) => t.id));
    const last = trades.at(-1)!;
    const window = rest.filter((t) => t.timestamp >= Math.max(trades[0]!.timestamp, rest[0]!.timestamp) && compareDecimalIds(t.id, last.id) <= 0);
    expect(window.length).toBeGreaterThan(10);
    expect(window.filter((t) => !seen.has(t.id)).map((t) => t.id)).toEqual([]);
  });

  it('reports garbage, unknown and error frames as typed errors while the stream goes on', async () => {
    const { simulator, backbone, stats } = await setup();
    const errors: MarketDataError[] = [];
    const subs = [backbone.streamErrors().subscribe((e) => errors.push(e)), backbone.streamTicker('KRW-BTC').subscribe()];
    cleanups.push(() => subs.forEach((s) => s.unsubscribe()));
    await until(() => stats().streamed.ws > 0, 5000, 'a WebSocket ticker');
    simulator.ws.sendGarbage();
    simulator.ws.sendRaw('{"type":"mystery","code":"KRW-BTC"}');
    simulator.ws.sendRaw('{"error":{"name":"NO_CODES","message":"codes are missing"}}');
    await until(() => errors.length >= 3, 3000, 'three error events');
    expect(errors.filter((e) => e instanceof ParseError)).toHaveLength(2);
    expect(errors.find((e) => e instanceof ExchangeError)).toMatchObject({ code: 'NO_CODES' });
    const wsBefore = stats().streamed.ws;
    await until(() => stats().streamed.ws > wsBefore, 5000, 'tickers after the bad frames');
  });

  it('turns 100 subscription changes in one tick into one request, and closes the socket after the last', async () => {
    const { simulator, backbone } = await setup();
    const markets = (await backbone.getMarkets()).filter((m) => m.quote === 'KRW').map((m) => m.market).slice(0, 25);
    const anchor = backbone.streamTicker('KRW-BTC').subscribe();
    await until(() => simulator.ws.requests.length === 1, 5000, 'the first request');
    // 75 subscriptions and 25 unsubscriptions, all within one tick (the market list is loaded, so each
    // subscription reaches the socket's set at once and each unsubscription leaves it at once)
    const subs = markets.flatMap((m) => [backbone.streamTicker(m).subscribe(), backbone.streamTrades(m).subscribe(), backbone.streamOrderBook(m, { depth: 5 }).subscribe()]);
    for (const [i, s] of subs.entries()) if (i % 3 === 1) s.unsubscribe(); // drop every trade stream again
    await until(() => simulator.ws.requests.length >= 2, 5000, 'the second request');
    await sleep(300);
    expect(simulator.ws.requests).toHaveLength(2);
    const request = JSON.stringify(simulator.ws.requests[1]!.parsed);
    expect(request).toContain('"ticker"');
    expect(request).toContain('"orderbook"');
    expect(request).not.toContain('"trade"');
    for (const market of markets) expect(request).toContain(`"${market}.5"`);

    for (const [i, s] of subs.entries()) if (i % 3 !== 1) s.unsubscribe();
    anchor.unsubscribe();
    await until(() => simulator.ws.connections === 0, 3000, 'the socket to close');
    expect(simulator.ws.connections).toBe(0);
  });

  it('rejects an unknown market on a stream with a typed error, before and after the market list is loaded', async () => {
    const { backbone } = await setup();
    const failure = (symbol: string): Promise<unknown> =>
      new Promise((resolve) => backbone.streamTicker(symbol).subscribe({ next: () => resolve('a value'), error: resolve }));
    expect(await failure('KRW-NOPE')).toBeInstanceOf(UnknownSymbolError); // list loaded on demand
    expect(await failure('KRW-NOPE2')).toBeInstanceOf(UnknownSymbolError); // list cached: same answer
    // A listed market attaches to the socket's set in the same tick it is subscribed (no promise between).
    const connection = backbone.exchange('upbit').streams.connection;
    const sub = backbone.streamTicker('BTC/KRW').subscribe();
    cleanups.push(() => sub.unsubscribe());
    expect(connection.subscriptions).toContainEqual({ channel: 'ticker', market: 'KRW-BTC' });
  });

  it('opens nothing for a stream unsubscribed while its market was still being resolved', async () => {
    const { simulator, backbone } = await setup();
    backbone.streamTicker('KRW-ETH').subscribe().unsubscribe(); // the market list is not loaded yet
    await backbone.getMarkets(); // the resolution has run by now
    await sleep(100);
    expect(backbone.exchange('upbit').streams.connection.subscriptions).toEqual([]);
    expect(simulator.ws.requests).toHaveLength(0);
  });

  it('stops delivering a market once it is unsubscribed, and close() completes every stream', async () => {
    const { backbone } = await setup();
    const done = firstValueFrom(backbone.streamTicker('KRW-XRP').pipe(filter(() => true), take(1), toArray()));
    expect((await done)[0]!.market).toBe('KRW-XRP');
    let completed = false;
    const sub = backbone.streamTicker('KRW-BTC').subscribe({ complete: () => (completed = true) });
    await sleep(100);
    await backbone.close();
    sub.unsubscribe();
    expect(completed || sub.closed).toBe(true);
  });
});

describe('candle streams', () => {
  it('streams the open 1m candle and closes it with the values REST reports for that minute', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 12, 0, 40));
    const { backbone } = await setup({ clock, ws: { candleIntervalMs: 0 } });
    const updates: CandleUpdate[] = [];
    const sub = backbone.streamCandles('KRW-BTC', '1m').subscribe((candle) => updates.push(candle));
    cleanups.push(() => sub.unsubscribe());
    await until(() => updates.length > 0, 5000, 'the first candle');
    for (let step = 0; step < 12 && !updates.some((c) => c.closed); step++) {
      clock.advance(10_000);
      await sleep(150);
    }
    const closed = updates.find((c) => c.closed);
    expect(closed, 'a closed candle').toBeDefined();
    const open = updates.filter((c) => !c.closed && c.openTime === closed!.openTime);
    expect(open.length).toBeGreaterThan(0);
    // The closed candle comes right before the first candle of the next period.
    const index = updates.indexOf(closed!);
    expect(updates[index + 1]?.openTime).toBeGreaterThan(closed!.openTime);
    const [rest] = await backbone.getCandles('KRW-BTC', '1m', { count: 1, to: closed!.openTime + 60_000 });
    expect(rest?.openTime).toBe(closed!.openTime);
    for (const field of ['open', 'high', 'low', 'close', 'baseVolume', 'quoteVolume'] as const) {
      expect(`${field} ${closed![field].toFixed()}`).toBe(`${field} ${rest![field].toFixed()}`);
    }
  });

  it('errors with a typed error for an interval the exchange does not stream', async () => {
    const { backbone } = await setup();
    const error = await firstValueFrom(backbone.streamCandles('KRW-BTC', '1d')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MarketDataError);
    expect((error as Error).message).toMatch(/does not stream 1d candles/);
  });
});
