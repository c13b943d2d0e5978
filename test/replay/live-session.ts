/**
 * A live session on the three simulators, stepped in virtual time: one manual clock moves the market
 * model and the backbone's scheduler together, and each step waits until what the step caused (frames,
 * REST replies) has arrived. So a minute takes a few seconds, and every time stamp is exact.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Subscription, VirtualTimeScheduler, type Observable } from 'rxjs';
import { MarketDataBackbone, type MarketDataBackboneOptions } from 'market-data-backbone';
import type { Recorder } from 'market-data-backbone/replay';
import { ManualClock, startBinanceSimulator, startCoinoneSimulator, startUpbitSimulator } from 'market-data-backbone/testing';

/** Markets streamed on each exchange. */
export const MARKETS = { upbit: 'KRW-BTC', coinone: 'KRW-BTC', binance: 'BTCUSDT' } as const;
export type SimExchange = keyof typeof MARKETS;
export const START = Date.UTC(2026, 10, 25, 12, 0, 0);

/** Every value the streams emitted, by stream, as JSON (Big as decimal strings). */
export type Seen = Record<string, unknown[]>;

/** Opens the same streams on any backbone and collects what they emit, by stream. */
export function watch(backbone: MarketDataBackbone): { seen: Seen; subscription: Subscription } {
  const seen: Seen = {};
  const subscription = new Subscription();
  const collect = (key: string, stream$: Observable<unknown>): void => {
    seen[key] = [];
    subscription.add(stream$.subscribe({
      next: (value) => seen[key]?.push(JSON.parse(JSON.stringify(value))),
      error: (error: unknown) => seen[key]?.push({ error: String(error) }),
    }));
  };
  for (const exchange of Object.keys(MARKETS) as SimExchange[]) {
    const market = MARKETS[exchange];
    collect(`${exchange} status`, backbone.streamStatus({ exchange }));
    collect(`${exchange} ticker`, backbone.streamTicker(market, { exchange }));
    collect(`${exchange} trades`, backbone.streamTrades(market, { exchange }));
    collect(`${exchange} book`, backbone.streamOrderBook(market, { exchange, depth: 5 }));
  }
  return { seen, subscription };
}

/** Settings both the live and the replaying backbone use: the same timings give the same decisions. */
export const TIMINGS: MarketDataBackboneOptions = { backoff: { jitter: 0 }, gracePeriodMs: 0 };

/**
 * Records `durationMs` of the simulators through `recorder`, with an outage from `outage.from` to
 * `outage.to` (Upbit's socket stalls, Binance's and Coinone's drop), and returns what the streams emitted.
 */
export async function recordLive(recorder: Recorder, durationMs: number, outage: { from: number; to: number }, stepMs = 250): Promise<{ seen: Seen; restValues: number }> {
  const clock = new ManualClock(START);
  const realLimits = { now: () => Date.now() };
  const upbit = await startUpbitSimulator({ clock, limitClock: realLimits, ws: { pushIntervalMs: 0 } });
  const coinone = await startCoinoneSimulator({ model: upbit.model, premium: -0.001, ws: { pushIntervalMs: 0 } });
  const binance = await startBinanceSimulator({ model: upbit.model, premium: 0.02, ws: { pushIntervalMs: 0 } });
  const scheduler = new VirtualTimeScheduler();
  scheduler.frame = START;
  const backbone = new MarketDataBackbone({
    ...TIMINGS,
    scheduler,
    now: () => scheduler.now(),
    tap: recorder,
    exchanges: {
      upbit: { restUrl: upbit.url, wsUrl: upbit.wsUrl },
      coinone: { restUrl: coinone.url, wsUrl: coinone.wsUrl },
      binance: { restUrl: binance.url, wsUrl: binance.wsUrl },
    },
  });
  const settle = async (): Promise<void> => {
    let before = -1;
    for (let quiet = 0; quiet < 2; ) {
      await sleep(1);
      const { frames, replies, sockets, inFlight } = recorder.stats;
      const now = frames + replies + sockets;
      quiet = now === before && inFlight === 0 ? quiet + 1 : 0;
      before = now;
    }
  };
  const { seen, subscription } = watch(backbone);
  try {
    await settle();
    for (let elapsed = stepMs; elapsed <= durationMs; elapsed += stepMs) {
      if (elapsed === outage.from) {
        upbit.ws.stall(true);
        binance.dropAll();
        coinone.dropAll();
      }
      if (elapsed === outage.to) upbit.ws.stall(false);
      clock.advance(stepMs);
      scheduler.maxFrames = START + elapsed;
      scheduler.flush();
      scheduler.frame = START + elapsed;
      upbit.ws.tick();
      coinone.ws.tick();
      binance.tick();
      await settle();
    }
    const stats = backbone.stats;
    const restValues = (stats.upbit?.streamed.rest ?? 0) + (stats.binance?.streamed.rest ?? 0) + (stats.coinone?.streamed.rest ?? 0);
    return { seen, restValues };
  } finally {
    subscription.unsubscribe();
    await backbone.close();
    await Promise.all([upbit.close(), coinone.close(), binance.close()]);
  }
}
