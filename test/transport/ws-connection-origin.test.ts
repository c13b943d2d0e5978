import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { ExchangeWsAdapter } from '../../src/core/exchange-adapter.js';
import { WsConnection } from '../../src/transport/ws/ws-connection.js';
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
    // Attempts: 0; the unit of an attempt stays spent until its socket opens (10 ms later) and one window
    // (+25 ms margin) after, since the server counts the upgrade when it arrives: after the drop at 100
    // the backoff (50 ms) would retry at 150, but the unit of 0 is back only at 1_035; the second socket
    // opens at 1_045, so after the drop at 1_500 (backoff 100 ms: 1_600) the next attempt waits for 2_070.
    expect(created).toEqual([0, 1_035, 2_070]);
    // Frames: 10 (first set, as the first socket opens); the change at 20 waits for the frame unit (back
    // at 1_260: a frame's unit has a 250 ms margin), but the socket dropped at 100, so the second socket's
    // resubscription carries it when that unit is back; the third socket opens at 2_080 and its
    // resubscription waits for the unit of 1_260 (back at 2_510).
    expect(frames).toEqual([10, 1_260, 2_510]);
  });

  it('should return an attempt\'s unit a window after a socket that failed before it opened', () => {
    const { created } = run(true, ({ server, connection, at }) => {
      connection.stream({ channel: 'trades', market: 'KRW-BTC' }).subscribe();
      at(5, () => server.latest.drop(1006)); // before the open at 10
      at(3_000, () => connection.close());
    });
    // Failed at 5: back at 5 + 1_000 + 25, although the backoff alone would retry at 55.
    expect(created).toEqual([0, 1_030]);
  });

  it('should not apply the Origin limits to a client that sends no Origin', () => {
    const { created, frames } = run(false, script);
    expect(created).toEqual([0, 150, 1_600]); // backoff alone: 50 ms, then 100 ms (no frame arrived in between)
    expect(frames).toEqual([10, 20, 160, 1_610]);
  });
});
