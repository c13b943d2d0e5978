import { VirtualTimeScheduler } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Subscription } from '../../src/core/exchange-adapter.js';
import type { MarketDataError } from '../../src/errors/index.js';
import { createUpbitWs } from '../../src/exchanges/upbit/ws.js';
import type { StatusEvent } from '../../src/model/market-event.js';
import { DEFAULT_MARKETS, startUpbitSimulator, type UpbitSimulator } from '../../src/testing/index.js';
import { nodeWebSocketFactory } from '../../src/transport/ws/websocket-factory.js';
import { WsConnection } from '../../src/transport/ws/ws-connection.js';
import { WS_SEND_MARGIN_MS } from '../../src/transport/ws/ws-support.js';
import { busiestWindow, createToggler } from '../helpers/churn.js';
import { seededRandom } from '../helpers/random.js';

/** Model time at virtual 0. */
const T0 = Date.UTC(2026, 0, 5, 12);
const MARKETS = DEFAULT_MARKETS.map((spec) => spec.market).filter((market) => market.startsWith('KRW-') && market !== 'KRW-BTC').slice(0, 12);
const TOGGLES = 3_000;
const SPACING_MS = 25;
const START = 1_000;
const CHURN_END = START + (TOGGLES - 1) * SPACING_MS;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * The client runs on a virtual clock that the simulator's model and limits read too; sockets are real.
 * Time moves from one due timer to the next, and only once every frame the client sent has reached
 * the simulator, so the simulator stamps each frame with the virtual time it was sent at.
 */
async function setup() {
  const scheduler = new VirtualTimeScheduler();
  const clock = { now: () => T0 + scheduler.now() };
  const sim: UpbitSimulator = await startUpbitSimulator({ clock, ws: { pushIntervalMs: 0 } });
  cleanups.push(() => sim.close());
  const connection = new WsConnection({
    // No keepalive: every frame is a subscription request.
    adapter: { ...createUpbitWs({ url: sim.wsUrl, ticket: 'churn' }), keepalive: { intervalMs: 0, frame: '' } },
    exchange: 'upbit',
    webSocketFactory: await nodeWebSocketFactory(),
    scheduler,
    staleAfterMs: Infinity,
  });
  cleanups.push(() => connection.close());
  const statuses: StatusEvent[] = [];
  const errors: MarketDataError[] = [];
  connection.status$.subscribe((status) => statuses.push(status));
  connection.errors$.subscribe((error) => errors.push(error));

  /** Resolves once `done()` holds, checking on every turn of the event loop; fails after 5 s. */
  const until = async (done: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + 5_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what} at ${scheduler.now()}: ${sim.ws.requests.length} requests, ${sim.ws.pings} pings, ${connection.stats.framesSent} sent, ${statuses.map((s) => `${s.status} ${s.reason ?? ""}`).join("; ")}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const delivered = (): boolean => sim.ws.requests.length + sim.ws.pings === connection.stats.framesSent;

  /**
   * Runs every timer due up to `to`, one instant at a time; before time moves on, every frame sent so
   * far (in a timer or in a socket's event handler) has arrived.
   */
  const advanceTo = async (to: number): Promise<void> => {
    for (;;) {
      await until(delivered, 'the simulator to receive every frame sent');
      const due = scheduler.actions[0]?.delay;
      if (scheduler.now() >= to && (due === undefined || due > to)) return;
      const next = due !== undefined && due <= to ? due : to;
      scheduler.maxFrames = next;
      scheduler.flush();
      scheduler.frame = next;
    }
  };
  return { scheduler, sim, connection, statuses, errors, until, advanceTo };
}

describe('WsConnection under subscription churn, against the Upbit simulator', () => {
  it('should use at most 5 frames/s and 100/min, draw no close, and leave the server holding the wanted set once the budget allows', async () => {
    const { scheduler, sim, connection, statuses, errors, until, advanceTo } = await setup();
    const anchor: Subscription = { channel: 'ticker', market: 'KRW-BTC' };
    connection.stream(anchor).subscribe();
    await advanceTo(1);
    await until(() => connection.isOpen, 'the socket to open');
    await advanceTo(START - 1);

    const toggler = createToggler(connection, MARKETS, seededRandom(3));
    for (let i = 0; i < TOGGLES; i++) scheduler.schedule(() => toggler.toggle(), START + i * SPACING_MS - scheduler.now());
    await advanceTo(CHURN_END + 70_000);

    // Never closed by the server (1008), never refused.
    expect(statuses.map((status) => status.status)).toEqual(['connecting', 'connected']);
    expect(errors).toEqual([]);
    expect(sim.ws.connections).toBe(1);
    const requests = sim.ws.requests;
    expect(requests.filter((request) => request.error !== undefined)).toEqual([]);
    expect(new Set(requests.map((request) => request.connection)).size).toBe(1);

    // Within the budget in every window, as the server counted them.
    const times = requests.map((request) => request.at - T0);
    expect(busiestWindow(times, 1_000)).toBeLessThanOrEqual(5);
    expect(busiestWindow(times, 60_000)).toBeLessThanOrEqual(100);
    expect(times.length).toBeLessThan(TOGGLES / 10);

    // Nothing obsolete queued: after the last toggle at most one request, and the server holds the wanted set.
    const wanted = [anchor, ...toggler.live()];
    const held = [...sim.ws.subscriptions().values()][0] ?? [];
    const type = { ticker: 'ticker', trades: 'trade' } as const;
    expect(new Set(held.map((sub) => `${sub.type}|${sub.code}`))).toEqual(
      new Set(wanted.map((sub) => `${type[sub.channel as keyof typeof type]}|${sub.market}`)),
    );
    const after = times.filter((at) => at > CHURN_END);
    expect(after.length).toBeLessThanOrEqual(1);
    if (after.length === 1) {
      // It went out as soon as both limits had a unit back (window + margin), so within 2 s of that.
      const before = times.filter((at) => at <= CHURN_END);
      const allowedAt = Math.max(CHURN_END, before.at(-5)! + 1_000 + WS_SEND_MARGIN_MS, (before.at(-100) ?? -Infinity) + 60_000 + WS_SEND_MARGIN_MS);
      expect(after[0]! - allowedAt).toBeGreaterThanOrEqual(0);
      expect(after[0]! - allowedAt).toBeLessThanOrEqual(2_000);
    }
  });
});
