/**
 * The socket fault matrix of WsConnection in virtual time: silent sockets found by a probe within 5 s
 * (ping frames where the socket has them, the adapter's heartbeat frame elsewhere), probes within the
 * send budget where the exchange counts them, `reconnect` only on data, a backoff that keeps growing
 * for a server that accepts, sends one frame and closes, and connection attempts paced to the
 * adapter's connect limit without an `Origin` header.
 */
import { describe, expect, it } from 'vitest';
import { StaleStreamError } from '../../src/errors/index.js';
import type { ExchangeWsAdapter, Subscription } from '../../src/core/exchange-adapter.js';
import { createUpbitWs } from '../../src/exchanges/upbit/ws.js';
import { WsConnection } from '../../src/transport/ws/ws-connection.js';
import { WS_SEND_MARGIN_MS } from '../../src/transport/ws/ws-support.js';
import { createFakeAdapter, PingingFakeWebSocket } from '../helpers/fake-websocket.js';
import { createWsHarness, type WsHarness } from '../helpers/ws-harness.js';

const TRADES_BTC: Subscription = { channel: 'trades', market: 'KRW-BTC' };
const SUB_FRAME = JSON.stringify(['trades|KRW-BTC']);
const UP = '{"status":"UP"}';
const trade = (id: string): string => JSON.stringify({ type: 'trade', market: 'KRW-BTC', id });

/** No periodic keepalive, so every frame the client sends besides subscriptions is a probe. */
const quietAdapter = (overrides: Partial<ExchangeWsAdapter> = {}): ExchangeWsAdapter =>
  createFakeAdapter({ keepalive: { intervalMs: 0, frame: '' }, heartbeat: { frame: 'HB' }, ...overrides });

/** The harness with the library's default liveness settings (the shared harness shortens them). */
const defaults = (adapter: ExchangeWsAdapter, extra: Parameters<typeof createWsHarness>[0] = {}): WsHarness =>
  createWsHarness({ adapter, staleAfterMs: undefined, ...extra });

const summary = (h: WsHarness): unknown[][] => h.statuses.map((s) => [s.timestamp, s.status, s.attempt, s.retryInMs]);
const sentAt = (h: WsHarness, socket: number, text: string): number[] =>
  h.server.sockets[socket]!.sent.filter((frame) => frame.data === text).map((frame) => frame.at);

describe('WsConnection liveness (default settings)', () => {
  it('should find a silent socket within 5 s of its last frame with the heartbeat frame, and report no reconnect while the next one is as silent', () => {
    const h = defaults(quietAdapter());
    h.ts.run(() => {
      h.connection.stream(TRADES_BTC).subscribe();
      h.at(100, () => h.server.latest.receive(trade('1')));
      h.at(9_200, () => h.connection.close());
    });
    // Probe after 2 s of silence (2 100), dead 4.5 s after the last frame (4 600); the replacement opens
    // at 4 660, is silent too, and dies 4.5 s after it was asked for (9 150).
    expect(summary(h)).toEqual([
      [0, 'connecting', undefined, undefined],
      [10, 'connected', undefined, undefined],
      [4_600, 'disconnect', 1, 50],
      [9_150, 'disconnect', 2, 100],
      [9_200, 'closed', undefined, undefined],
    ]);
    expect(h.server.sockets[0]!.sent).toEqual([
      { at: 10, data: SUB_FRAME },
      { at: 2_100, data: 'HB' },
    ]);
    expect(sentAt(h, 1, 'HB')).toEqual([6_650]);
    expect(h.errors[0]).toBeInstanceOf(StaleStreamError);
    expect((h.errors[0] as StaleStreamError).lastMessageAt).toBe(100);
  });

  it('should report reconnect with the first data on the replacement socket, not when it opens', () => {
    const h = defaults(quietAdapter());
    h.ts.run(() => {
      h.connection.stream(TRADES_BTC).subscribe();
      h.at(100, () => h.server.latest.receive(trade('1')));
      h.at(4_700, () => h.server.latest.receive(UP)); // a heartbeat reply proves nothing about the data
      h.at(5_000, () => h.server.latest.receive(trade('2')));
      h.at(5_100, () => h.connection.close());
    });
    expect(h.statuses.map((s) => [s.timestamp, s.status])).toEqual([
      [0, 'connecting'],
      [10, 'connected'],
      [4_600, 'disconnect'],
      [5_000, 'reconnect'],
      [5_100, 'closed'],
    ]);
  });

  it('should keep a quiet socket whose probes are answered, probing only after 2 s of silence', () => {
    const h = defaults(quietAdapter());
    h.ts.run(() => {
      h.connection.stream(TRADES_BTC).subscribe();
      h.at(100, () => h.server.latest.receive(trade('1')));
      // The server answers each probe 50 ms after it was sent.
      for (let t = 0; t < 60_000; t += 50) {
        h.at(t, () => {
          const socket = h.server.latest;
          if (socket.sent.some((frame) => frame.data === 'HB' && frame.at === t - 50)) socket.receive(UP);
        });
      }
      h.at(60_000, () => h.connection.close());
    });
    expect(h.server.sockets).toHaveLength(1);
    expect(h.statuses.map((s) => s.status)).toEqual(['connecting', 'connected', 'closed']);
    const probes = sentAt(h, 0, 'HB');
    expect(probes.slice(0, 3)).toEqual([2_100, 4_150, 6_200]);
    expect(probes).toHaveLength(29);
  });

  it('should never probe a busy socket', () => {
    const h = defaults(quietAdapter());
    h.ts.run(() => {
      h.connection.stream(TRADES_BTC).subscribe();
      for (let t = 100; t < 10_000; t += 500) h.at(t, () => h.server.latest.receive(trade(String(t))));
      h.at(10_000, () => h.connection.close());
    });
    expect(h.server.latest.texts).toEqual([SUB_FRAME]);
    expect(h.server.sockets).toHaveLength(1);
  });

  it('should probe with ping frames where the socket can send them, and count a pong as life', () => {
    const h = defaults(quietAdapter());
    h.server.pinging = true;
    h.ts.run(() => {
      h.connection.stream(TRADES_BTC).subscribe();
      h.at(100, () => h.server.latest.receive(trade('1')));
      h.at(2_150, () => (h.server.latest as PingingFakeWebSocket).pong());
      h.at(7_000, () => h.connection.close());
    });
    const socket = h.server.sockets[0] as PingingFakeWebSocket;
    // Ping at 2 100, pong at 2 150; ping at 4 150 unanswered: dead 4.5 s after the pong.
    expect(socket.pings).toEqual([2_100, 4_150]);
    expect(socket.texts).toEqual([SUB_FRAME]);
    expect(h.statuses.find((s) => s.status === 'disconnect')?.timestamp).toBe(6_650);
  });

  it('should make a counted probe wait for the send permit, and send an uncounted one at once', () => {
    const limits = { sendLimits: [{ limit: 1, windowMs: 3_000 }] };
    const run = (counted: boolean): WsHarness => {
      const h = defaults(quietAdapter({ ...limits, heartbeat: { frame: 'HB', counted } }));
      h.ts.run(() => {
        h.connection.stream(TRADES_BTC).subscribe();
        h.at(100, () => h.server.latest.receive(trade('1')));
        h.at(3_100, () => h.server.latest.receive(UP));
        h.at(4_000, () => h.connection.close());
      });
      return h;
    };
    const counted = run(true);
    const [probe] = sentAt(counted, 0, 'HB');
    // The subscription frame (10) spent the one unit of the 3 s window (and its send margin): the probe
    // due at 2 100 waits, sharing the one budget of the connection.
    expect(probe).toBeGreaterThanOrEqual(3_010);
    expect(probe).toBeLessThanOrEqual(3_010 + WS_SEND_MARGIN_MS);
    expect(counted.statuses.some((s) => s.status === 'disconnect')).toBe(false);
    expect(sentAt(run(false), 0, 'HB')).toEqual([2_100]);
  });
});

describe('WsConnection backoff and pacing', () => {
  it('should keep backing off for a server that accepts, sends one frame and closes', () => {
    const h = createWsHarness({ adapter: quietAdapter() });
    h.server.onConnect = (socket) => {
      h.ts.schedule(() => socket.open(), 10);
      h.ts.schedule(() => socket.receive(trade('1')), 20);
      h.ts.schedule(() => socket.drop(1006), 30);
    };
    h.ts.run(() => {
      h.connection.stream(TRADES_BTC).subscribe();
      h.at(2_000, () => h.connection.close());
    });
    const waits = h.statuses.filter((s) => s.status === 'disconnect').map((s) => s.retryInMs);
    // Each socket lives 30 ms and delivers a frame; a backoff reset on that frame would wait 50 ms every time.
    expect(waits).toEqual([50, 100, 200, 200, 200, 200, 200, 200, 200, 200]);
    expect(h.server.sockets).toHaveLength(10);
  });

  it('should pace connection attempts to adapter.connectLimits without an Origin header', () => {
    const adapter = quietAdapter({ connectLimits: [{ limit: 2, windowMs: 1_000 }] });
    const h = createWsHarness({ adapter, sendsOrigin: false });
    const others = [1, 2].map(
      () => new WsConnection({ adapter, exchange: 'fake', webSocketFactory: h.server.factory, scheduler: h.ts, sendsOrigin: false }),
    );
    const createdAt: number[] = [];
    const { onConnect } = h.server;
    h.server.onConnect = (socket) => {
      createdAt.push(h.ts.now());
      onConnect?.(socket);
    };
    h.ts.run(() => {
      for (const connection of [h.connection, ...others]) connection.stream(TRADES_BTC).subscribe();
      h.at(3_000, () => [h.connection, ...others].forEach((connection) => connection.close()));
    });
    // Two attempts per second between all connections of the adapter: the third waits for a unit,
    // which returns a window after the socket that held it opened (10).
    expect(createdAt).toHaveLength(3);
    expect(createdAt.slice(0, 2)).toEqual([0, 0]);
    expect(createdAt[2]).toBeGreaterThanOrEqual(1_010);
  });

  it("should hold a reconnect loop to Upbit's 5 connections per second in Node", () => {
    const h = createWsHarness({ adapter: createUpbitWs({ url: 'ws://fake.invalid' }), sendsOrigin: false, backoff: { initialDelayMs: 1, maxDelayMs: 1, jitter: 0 } });
    h.server.onConnect = (socket) => void h.ts.schedule(() => socket.drop(1006), 10); // refused every time
    h.ts.run(() => {
      h.connection.stream(TRADES_BTC).subscribe();
      h.at(3_000, () => h.connection.close());
    });
    const created = h.server.sockets.length;
    // A 1 ms backoff would make ~270 attempts in 3 s; the connect limit allows 5 per window.
    expect(created).toBeGreaterThan(5);
    expect(created).toBeLessThanOrEqual(15);
  });
});
