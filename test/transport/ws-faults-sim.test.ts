/**
 * The socket fault matrix end to end, over real sockets on 127.0.0.1 against the Upbit simulator and
 * with the library's default liveness settings: a stalled socket is found within 5 s (by ping frames:
 * Node's `ws` can send them) and the streams serve REST meanwhile; a replacement socket as silent as
 * the first is no `reconnect`; a 1008 "Too many requests" close waits as the adapter says; a server
 * that accepts, sends one frame and closes meets a growing backoff; six sockets opened at once stay
 * within Upbit's 5 connections per second. Waits are bounded generously; no assertion depends on speed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Subscription } from 'rxjs';
import { MarketDataBackbone, type MarketDataError, type StatusEvent } from 'market-data-backbone';
import { startUpbitSimulator, type UpbitSimulator } from 'market-data-backbone/testing';
import { RateLimitError, StaleStreamError } from '../../src/errors/index.js';
import type { Subscription as MarketSubscription } from '../../src/core/exchange-adapter.js';
import { createUpbitWs, UPBIT_WS_CLOSE_CODES } from '../../src/exchanges/upbit/ws.js';
import { WsConnection, type WsConnectionOptions } from '../../src/transport/ws/ws-connection.js';
import type { StreamEvent } from '../../src/transport/ws/ws-router.js';
import { until } from '../helpers/wait.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const wallClock = { now: () => Date.now() };
const TICKER: MarketSubscription = { channel: 'ticker', market: 'KRW-BTC' };

async function simulator(): Promise<UpbitSimulator> {
  const sim = await startUpbitSimulator({ limitClock: wallClock, ws: { pushIntervalMs: 50 } });
  cleanups.push(() => sim.close());
  return sim;
}

/** A WsConnection on the simulator, its events, statuses and errors recorded. */
function connect(sim: UpbitSimulator, options: Partial<WsConnectionOptions> = {}) {
  const connection = new WsConnection({ adapter: createUpbitWs({ url: sim.wsUrl }), exchange: 'upbit', ...options });
  cleanups.push(() => connection.close());
  const statuses: StatusEvent[] = [];
  const errors: MarketDataError[] = [];
  const events: StreamEvent[] = [];
  connection.errors$.subscribe((error) => errors.push(error));
  connection.status$.subscribe((status) => statuses.push(status));
  connection.stream(TICKER).subscribe((event) => events.push(event));
  const data = (): number => events.filter((event) => event.type !== 'status').length;
  return { connection, statuses, errors, data };
}

describe('socket faults against the Upbit simulator (default liveness settings)', () => {
  it('should find a stalled socket within 5 s by ping frames, serve REST meanwhile, and report reconnect only when data flows again', async () => {
    const sim = await simulator();
    const backbone = new MarketDataBackbone({
      exchanges: { upbit: { restUrl: sim.url, wsUrl: sim.wsUrl, pollIntervalMs: 200, backoff: { initialDelayMs: 20, jitter: 0 } } },
    });
    cleanups.push(() => backbone.close());
    const statuses: StatusEvent[] = [];
    const errors: MarketDataError[] = [];
    const subs: Subscription[] = [
      backbone.streamStatus().subscribe((s) => statuses.push(s)),
      backbone.streamErrors().subscribe((e) => errors.push(e)),
      backbone.streamTicker('KRW-BTC').subscribe(),
    ];
    cleanups.push(() => subs.forEach((s) => s.unsubscribe()));
    const stats = () => backbone.stats.upbit!;
    await until(() => stats().streamed.ws > 0, 5_000, 'a WebSocket ticker');

    const textPings = sim.ws.pings;
    sim.ws.stall(true);
    // Dead 4.5 s after the last frame; 6.5 s leaves room for a loaded machine.
    await until(() => statuses.some((s) => s.status === 'disconnect'), 6_500, 'the stalled socket to be declared dead');
    expect(errors.find((e) => e instanceof StaleStreamError)).toBeDefined();
    const restBefore = stats().streamed.rest;
    await until(() => stats().streamed.rest > restBefore, 3_000, 'REST tickers while stalled');

    // The replacement opens (the simulator accepts it) but stays silent: a second drop, no reconnect.
    await until(() => statuses.filter((s) => s.status === 'disconnect').length >= 2, 8_000, 'the silent replacement to be declared dead');
    expect(statuses.some((s) => s.status === 'reconnect')).toBe(false);
    // Node's `ws` probes with ping frames: the text keepalive `PING` was not needed.
    expect(sim.ws.pings).toBe(textPings);

    sim.ws.stall(false);
    await until(() => statuses.some((s) => s.status === 'reconnect'), 10_000, 'reconnect after the stall');
    const wsBefore = stats().streamed.ws;
    await until(() => stats().streamed.ws > wsBefore, 5_000, 'WebSocket tickers after the stall');
  }, 40_000);

  it('should wait the adapter retryAfterMs after a 1008 "Too many requests" close, with a RateLimitError', async () => {
    const sim = await simulator();
    const closeCodes = { 1008: { ...UPBIT_WS_CLOSE_CODES[1008]!, retryAfterMs: 1_500 } };
    sim.ws.closeNewConnections({ afterFrames: 1, code: 1008, reason: 'Too many requests' });
    const { statuses, errors, data } = connect(sim, {
      adapter: { ...createUpbitWs({ url: sim.wsUrl }), closeCodes },
      backoff: { initialDelayMs: 20, jitter: 0 },
    });
    await until(() => errors.length > 0, 5_000, 'the 1008 close');
    const closedAt = Date.now();
    const requests = sim.ws.requests.length;
    sim.ws.closeNewConnections(undefined);
    expect(errors[0]).toBeInstanceOf(RateLimitError);
    expect((errors[0] as RateLimitError).retryAfterMs).toBe(1_500);
    expect(statuses.find((s) => s.status === 'disconnect')).toMatchObject({ attempt: 1, retryInMs: 1_500 });
    await until(() => sim.ws.requests.length > requests, 5_000, 'the next subscription request');
    // Timers never fire early (a lower bound does not depend on machine speed; 1 ms of rounding aside).
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(1_450);
    const before = data();
    await until(() => data() > before && statuses.some((s) => s.status === 'reconnect'), 5_000, 'data after the wait');
  });

  it('should back off further each time for a server that accepts, sends one frame and closes', async () => {
    const sim = await simulator();
    sim.ws.closeNewConnections({ afterFrames: 1, code: 1011, reason: 'Internal error' });
    const { statuses } = connect(sim, { backoff: { initialDelayMs: 20, maxDelayMs: 1_000, jitter: 0 } });
    await until(() => statuses.filter((s) => s.status === 'disconnect').length >= 5, 10_000, 'five drops');
    const waits = statuses.filter((s) => s.status === 'disconnect').map((s) => s.retryInMs);
    expect(waits.slice(0, 5)).toEqual([20, 40, 80, 160, 320]);
    expect(sim.ws.requests.length).toBeGreaterThanOrEqual(5); // each socket did get its frame
  });

  it('should pace six sockets opened at once to 5 connections per second, so none is refused', async () => {
    const sim = await simulator();
    const sockets = Array.from({ length: 6 }, () => connect(sim, { sendsOrigin: false }));
    await until(() => sockets.every((socket) => socket.data() > 0), 10_000, 'data on all six sockets');
    expect(sockets.flatMap((socket) => socket.errors)).toEqual([]);
    expect(sockets.flatMap((socket) => socket.statuses).filter((s) => s.status === 'disconnect')).toEqual([]);
    expect(sim.ws.connections).toBe(6);
  });
});

