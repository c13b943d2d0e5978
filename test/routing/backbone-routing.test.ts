/**
 * Routing through the backbone against the Upbit simulator: `routing: false` (and no option) keeps the
 * static rule, `routing: true` holds a hot market on the socket and answers from it, `maxAgeMs` is
 * validated and honoured even against a reply cache, and saved state is taken up by the next backbone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { take, toArray, firstValueFrom } from 'rxjs';
import { InvalidArgumentError, MarketDataBackbone, MemoryReplyCache, type MarketDataBackboneOptions } from 'market-data-backbone';
import { startUpbitSimulator, type UpbitSimulator } from 'market-data-backbone/testing';
import { sleep, until } from '../helpers/wait.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});


async function setup(options: Partial<MarketDataBackboneOptions> = {}, upbit: Record<string, unknown> = {}) {
  const simulator = await startUpbitSimulator({ limitClock: { now: () => Date.now() } });
  const backbone = new MarketDataBackbone({ ...options, exchanges: { upbit: { restUrl: simulator.url, wsUrl: simulator.wsUrl, gracePeriodMs: 0, ...upbit } } });
  cleanups.push(() => simulator.close(), () => backbone.close());
  return { simulator, backbone, stats: () => backbone.stats.upbit! };
}

const tickerCodes = (sim: UpbitSimulator): string[] => [...sim.ws.subscriptions().values()].flat().filter((s) => s.type === 'ticker').map((s) => s.code);

/** Ten calls 20 ms apart, then what the client and the server saw. */
async function poll(backbone: MarketDataBackbone, simulator: UpbitSimulator, stats: () => { requests: number; served: object }) {
  for (let i = 0; i < 10; i++) {
    await backbone.getTicker('KRW-BTC');
    await sleep(20);
  }
  return { requests: stats().requests, served: stats().served, connections: simulator.ws.connections };
}

describe('routing through the backbone', () => {
  it('should keep the static rule with routing: false, the same as without the option', async () => {
    const off = await setup({ routing: false });
    const none = await setup();
    const seenOff = await poll(off.backbone, off.simulator, off.stats);
    const seenNone = await poll(none.backbone, none.simulator, none.stats);
    // Every call asks REST (one market list, ten tickers), no socket is opened.
    expect(seenOff).toEqual({ requests: 11, served: { stream: 0, rest: 10, realtime: 0 }, connections: 0 });
    expect(seenNone).toEqual(seenOff);
    expect(() => off.backbone.routing.explain('KRW-BTC')).toThrow(/Routing is off/);
    // A stream the caller opened still answers, as before.
    const sub = off.backbone.streamTicker('KRW-BTC').subscribe();
    cleanups.push(() => sub.unsubscribe());
    await firstValueFrom(off.backbone.streamTicker('KRW-BTC'));
    await off.backbone.getTicker('KRW-BTC');
    expect(off.stats().served.stream).toBe(1);
  });

  it('should subscribe a hot market ahead with routing on, answer from the socket, explain why, and emit the change', async () => {
    const { backbone, simulator, stats } = await setup({ routing: { planIntervalMs: 50 } });
    const changes = firstValueFrom(backbone.routing.streamRouting().pipe(take(1), toArray()));
    await poll(backbone, simulator, stats);
    await until(() => tickerCodes(simulator).includes('KRW-BTC'), 3_000, 'the router to hold KRW-BTC');
    expect((await changes).map((c) => [c.exchange, c.action, c.market])).toEqual([['upbit', 'subscribe', 'KRW-BTC']]);
    await until(() => backbone.routing.explain('KRW-BTC').decision.source === 'stream', 3_000, 'a stream value');
    const before = stats().requests;
    const ticker = await backbone.getTicker('KRW-BTC', { maxAgeMs: 30_000 });
    expect(stats().requests).toBe(before);
    expect(ticker.receivedAt).toBeGreaterThanOrEqual(Date.now() - 30_000);
    const explained = backbone.routing.explain('BTC/KRW');
    expect(explained.subscribed).toBe(true);
    expect(explained.callsPerMinute).toBeGreaterThan(60);
    expect(explained.reasons.join(' ')).toMatch(/worth a stream/);
  });

  it('should take up saved state: the next backbone holds the hot market before any call', async () => {
    const first = await setup({ routing: { planIntervalMs: 50 } });
    await poll(first.backbone, first.simulator, first.stats);
    const saved = JSON.parse(JSON.stringify(first.backbone.routing.save()));
    expect(Object.keys(saved.upbit.markets)).toEqual(['KRW-BTC']);
    const second = await setup({ routing: { planIntervalMs: 50, state: saved } });
    await until(() => tickerCodes(second.simulator).includes('KRW-BTC'), 3_000, 'the restarted router to hold KRW-BTC');
    expect(second.stats().served.rest).toBe(0);
  });

  it('should refuse a bad maxAgeMs and never answer older than asked, even from a reply cache', async () => {
    let now = Date.UTC(2026, 11, 1);
    const cache = new MemoryReplyCache({ now: () => now });
    const { backbone, stats } = await setup({}, { replyCache: cache, replyTtlMs: 60_000, now: () => now });
    await expect(backbone.getTicker('KRW-BTC', { maxAgeMs: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(backbone.getTickers(['KRW-BTC'], { maxAgeMs: Number.NaN })).rejects.toBeInstanceOf(InvalidArgumentError);
    await backbone.getTicker('KRW-BTC');
    const requests = stats().requests;
    now += 5_000;
    const cached = await backbone.getTicker('KRW-BTC');
    expect([stats().requests, now - cached.receivedAt]).toEqual([requests, 5_000]);
    const fresh = await backbone.getTicker('KRW-BTC', { maxAgeMs: 1_000 });
    expect([stats().requests, now - fresh.receivedAt]).toEqual([requests + 1, 0]);
  });
});
