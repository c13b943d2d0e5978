import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { ExchangeWsAdapter } from '../../src/exchanges/exchange-adapter.js';
import { WsConnection } from '../../src/transport/ws-connection.js';
import { createFakeAdapter, FakeWebSocketServer } from '../helpers/fake-websocket.js';

/** An adapter whose Origin budget is one connection attempt and one frame per second (Upbit: per 10 s). */
const ORIGIN_ADAPTER: Partial<ExchangeWsAdapter> = {
  originLimits: { connect: [{ limit: 1, windowMs: 1_000 }], send: [{ limit: 1, windowMs: 1_000 }] },
};

/** Sockets open 10 ms after creation; backoff exactly 50 ms, then 100 ms. */
function run(sendsOrigin: boolean, script: (ctx: { server: FakeWebSocketServer; connection: WsConnection; at: (ms: number, fn: () => void) => void }) => void) {
  const ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const server = new FakeWebSocketServer(() => ts.now());
  const created: number[] = [];
  server.onConnect = (socket) => {
    created.push(ts.now());
    ts.schedule(() => socket.open(), 10);
  };
  const connection = new WsConnection({
    adapter: createFakeAdapter(ORIGIN_ADAPTER),
    exchange: 'fake',
    webSocketFactory: server.factory,
    scheduler: ts,
    staleAfterMs: 60_000,
    backoff: { initialDelayMs: 100, maxDelayMs: 400, factor: 2, jitter: 0.5, random: () => 0 },
    sendsOrigin,
  });
  ts.run(() => script({ server, connection, at: (ms, fn) => void ts.schedule(fn, ms) }));
  const frames = server.sockets.flatMap((socket) => socket.sent.filter((frame) => frame.data !== 'PING').map((frame) => frame.at));
  return { created, frames };
}

/** One subscription at 0, another at 20; the socket drops at 100 and again at 1_500. */
const script: Parameters<typeof run>[1] = ({ server, connection, at }) => {
  connection.stream({ channel: 'trades', market: 'KRW-BTC' }).subscribe();
  at(20, () => connection.stream({ channel: 'ticker', market: 'KRW-BTC' }).subscribe());
  at(100, () => server.latest.drop(1006));
  at(1_500, () => server.latest.drop(1006));
  at(4_000, () => connection.close());
};

describe('WsConnection with an Origin header', () => {
  it('should space connection attempts and request frames by the Origin limits', () => {
    const { created, frames } = run(true, script);
    // Attempts: 0; after the drop at 100 the backoff (50 ms) would retry at 150, but the attempt unit of
    // 0 is spent until 1_025 (window + 25 ms margin); after the drop at 1_500 (backoff 100 ms: 1_600) the
    // unit of 1_025 is spent until 2_050.
    expect(created).toEqual([0, 1_025, 2_050]);
    // Frames: 10 (first set); the change at 20 waits for the frame unit (1_035) but the socket dropped at
    // 100, so the resubscription at 1_035 carries it; the next socket's resubscription waits until 2_060.
    expect(frames).toEqual([10, 1_035, 2_060]);
  });

  it('should not apply the Origin limits to a client that sends no Origin', () => {
    const { created, frames } = run(false, script);
    expect(created).toEqual([0, 150, 1_600]); // backoff alone: 50 ms, then 100 ms (no frame arrived in between)
    expect(frames).toEqual([10, 20, 160, 1_610]);
  });
});
