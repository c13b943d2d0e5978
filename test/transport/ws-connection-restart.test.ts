/**
 * Server-driven reconnects of WsConnection, in virtual time: a `reconnect` message (a shutdown notice)
 * replaces the socket at once; a close code listed in `adapter.closeCodes` waits its `retryAfterMs`.
 */
import { map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ConnectionError, RateLimitError } from '../../src/errors/index.js';
import type { ExchangeWsAdapter, Subscription, WsMessage } from '../../src/core/exchange-adapter.js';
import { createBinanceWs } from '../../src/exchanges/binance/ws.js';
import { createCoinoneWs } from '../../src/exchanges/coinone/ws.js';
import { createUpbitWs } from '../../src/exchanges/upbit/ws.js';
import type { StreamEvent } from '../../src/transport/ws/ws-router.js';
import { createFakeAdapter } from '../helpers/fake-websocket.js';
import { createWsHarness, type WsHarness } from '../helpers/ws-harness.js';

const TRADES_BTC: Subscription = { channel: 'trades', market: 'KRW-BTC' };
const SUB_FRAME = JSON.stringify(['trades|KRW-BTC']);
const SHUTDOWN = '{"bye":true}';
const SHUTDOWN_REASON = 'fake server going down';

/** The fake adapter, plus `{"bye":true}` read as a shutdown notice. */
function shutdownAwareAdapter(overrides: Partial<ExchangeWsAdapter> = {}): ExchangeWsAdapter {
  const base = createFakeAdapter(overrides);
  return {
    ...base,
    decode: (text: string, receivedAt: number): WsMessage =>
      text === SHUTDOWN ? { kind: 'reconnect', reason: SHUTDOWN_REASON } : base.decode(text, receivedAt),
  };
}

/** The shared harness without stale detection: these tests are about reconnect messages and codes. */
const createHarness = (adapter: ExchangeWsAdapter): WsHarness => createWsHarness({ adapter, staleAfterMs: Infinity });

function label(event: StreamEvent): unknown {
  if (event.type === 'status') return { status: event.status, attempt: event.attempt, retryInMs: event.retryInMs };
  return event.type === 'trade' ? `trade ${event.id}` : event.type;
}

const trade = (id: string): string => JSON.stringify({ type: 'trade', market: 'KRW-BTC', id });

describe('WsConnection: reconnect messages', () => {
  it('should replace the socket at once on a shutdown notice and resubscribe, without an error', () => {
    const { ts, server, connection, errors, statuses, at } = createHarness(shutdownAwareAdapter());
    ts.run(({ expectObservable }) => {
      at(100, () => server.latest.receive(trade('1')));
      at(200, () => server.latest.receive(SHUTDOWN));
      at(300, () => server.latest.receive(trade('2')));
      at(400, () => connection.close());
      // `reconnect` comes with the new socket's first data (300), not when it opens (210).
      expectObservable(connection.stream(TRADES_BTC).pipe(map(label))).toBe('a 9ms b 89ms c 99ms d 99ms (ef) 96ms (g|)', {
        a: { status: 'connecting' },
        b: { status: 'connected' },
        c: 'trade 1',
        d: { status: 'disconnect', attempt: 1, retryInMs: 0 },
        e: { status: 'reconnect', attempt: 1 },
        f: 'trade 2',
        g: { status: 'closed' },
      });
    });
    expect(server.sockets).toHaveLength(2);
    // The old socket closes the moment the notice arrives; the new one is asked for at the same time.
    expect(server.sockets[0]!.closedAt).toBe(200);
    expect(server.sockets[1]!.sent[0]).toEqual({ at: 210, data: SUB_FRAME });
    expect(statuses.find((s) => s.status === 'disconnect')?.reason).toBe(SHUTDOWN_REASON);
    expect(errors).toEqual([]);
    expect(connection.stats).toMatchObject({ reconnects: 1, errors: 0 });
  });

  it('should resubscribe every subscription on the replacement socket', () => {
    const { ts, server, connection, at } = createHarness(shutdownAwareAdapter());
    const subs: Subscription[] = [TRADES_BTC, { channel: 'ticker', market: 'KRW-ETH' }, { channel: 'trades', market: 'KRW-XRP' }];
    ts.run(() => {
      for (const sub of subs) connection.stream(sub).subscribe();
      at(50, () => server.latest.receive(SHUTDOWN));
      at(100, () => connection.close());
    });
    const [first, second] = server.sockets;
    expect(second!.texts).toEqual(first!.texts);
    expect(JSON.parse(second!.texts[0]!)).toEqual(['trades|KRW-BTC', 'ticker|KRW-ETH', 'trades|KRW-XRP']);
  });

  it('should back off as usual when the replacement socket fails, and reconnect after it', () => {
    const { ts, server, connection, errors, statuses, at } = createHarness(shutdownAwareAdapter());
    server.onConnect = (socket) => {
      // The second socket is refused; the others open after 10 ms.
      const refuse = server.sockets.length === 2;
      ts.schedule(() => (refuse ? socket.drop(1006) : socket.open()), 10);
    };
    ts.run(() => {
      connection.stream(TRADES_BTC).subscribe();
      at(100, () => server.latest.receive(SHUTDOWN));
      at(200, () => server.latest.receive(trade('1')));
      at(500, () => connection.close());
    });
    const times = server.sockets.map((socket) => socket.sent[0]?.at);
    // 100: notice → socket 2 at once, dropped at 110 → backoff 50 ms → socket 3 at 160, open at 170.
    expect(times).toEqual([10, undefined, 170]);
    expect(statuses.filter((s) => s.status === 'disconnect').map((s) => [s.attempt, s.retryInMs])).toEqual([
      [1, 0],
      [1, 50],
    ]);
    expect(statuses.find((s) => s.status === 'reconnect')).toMatchObject({ attempt: 1, timestamp: 200 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ConnectionError);
  });

  it('should ignore a notice that arrives after close()', () => {
    const { ts, server, connection, at } = createHarness(shutdownAwareAdapter());
    ts.run(() => {
      connection.stream(TRADES_BTC).subscribe();
      at(100, () => {
        const socket = server.latest;
        connection.close();
        socket.readyState = 1; // a late frame on a socket the client already closed
        socket.receive(SHUTDOWN);
      });
    });
    expect(server.sockets).toHaveLength(1);
    expect(connection.status).toBe('closed');
  });
});

describe('WsConnection: close codes', () => {
  const limited = { 4290: { retryAfterMs: 60_000, reason: 'too many connections' } };

  it('should wait retryAfterMs after a listed close code instead of the backoff step', () => {
    const { ts, server, connection, errors, statuses, at } = createHarness(shutdownAwareAdapter({ closeCodes: limited }));
    ts.run(() => {
      connection.stream(TRADES_BTC).subscribe();
      at(100, () => server.latest.drop(4290, 'limit'));
      at(60_200, () => server.latest.receive(trade('1')));
      at(60_300, () => connection.close());
    });
    expect(server.sockets.map((socket) => socket.sent[0]?.at)).toEqual([10, 60_110]);
    expect(errors).toHaveLength(1);
    const error = errors[0];
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(60_000);
    expect(error?.message).toContain('4290');
    expect(error?.message).toContain('too many connections');
    const disconnect = statuses.find((s) => s.status === 'disconnect');
    expect(disconnect).toMatchObject({ attempt: 1, retryInMs: 60_000 });
    expect(statuses.find((s) => s.status === 'reconnect')).toMatchObject({ attempt: 1, timestamp: 60_200 });
  });

  it('should wait the longer of retryAfterMs and the current backoff step', () => {
    const closeCodes = { 4290: { retryAfterMs: 120, reason: 'too many connections' } };
    const { ts, server, connection, statuses, at } = createHarness(shutdownAwareAdapter({ closeCodes }));
    server.onConnect = (socket) => {
      // Socket 2 is refused with 1006, socket 3 with 4290; the others open.
      const n = server.sockets.length;
      ts.schedule(() => (n === 2 ? socket.drop(1006) : n === 3 ? socket.drop(4290) : socket.open()), 10);
    };
    ts.run(() => {
      connection.stream(TRADES_BTC).subscribe();
      at(100, () => server.latest.drop(4290));
      at(2_000, () => connection.close());
    });
    // Attempt 1: max(120, 50); attempt 2: backoff 100; attempt 3: max(120, 200).
    expect(statuses.filter((s) => s.status === 'disconnect').map((s) => s.retryInMs)).toEqual([120, 100, 200]);
    expect(server.sockets).toHaveLength(4);
  });

  it('should back off normally for a close code that is not listed', () => {
    const { ts, server, connection, errors, at } = createHarness(shutdownAwareAdapter({ closeCodes: limited }));
    ts.run(() => {
      connection.stream(TRADES_BTC).subscribe();
      at(100, () => server.latest.drop(4000, 'other'));
      at(300, () => connection.close());
    });
    expect(server.sockets.map((socket) => socket.sent[0]?.at)).toEqual([10, 160]);
    expect(errors[0]).toBeInstanceOf(ConnectionError);
    expect(errors[0]).not.toBeInstanceOf(RateLimitError);
  });

  it.each([
    { name: 'Binance', adapter: createBinanceWs({ url: 'ws://fake.invalid/stream' }), subscription: { channel: 'trades', market: 'BTCUSDT' }, code: 1008, reason: 'Too many requests', waitMs: 60_000 },
    { name: 'Coinone', adapter: createCoinoneWs({ url: 'ws://fake.invalid' }), subscription: TRADES_BTC, code: 4290, reason: 'Too many connections', waitMs: 60_000 },
    { name: 'Upbit', adapter: createUpbitWs({ url: 'ws://fake.invalid' }), subscription: TRADES_BTC, code: 1008, reason: 'Too many requests', waitMs: 10_000 },
  ] as const)('should hold $name reconnects for $waitMs ms after close code $code ($reason)', ({ adapter, subscription, code, reason, waitMs }) => {
    const { ts, server, connection, errors, at } = createHarness(adapter);
    ts.run(() => {
      connection.stream(subscription).subscribe();
      at(100, () => server.latest.drop(code, reason));
      at(waitMs + 50, () => expect(server.sockets).toHaveLength(1));
      at(waitMs + 200, () => connection.close());
    });
    expect(server.sockets).toHaveLength(2);
    expect(server.sockets[1]!.sent[0]?.at).toBe(waitMs + 110);
    expect(errors.map((error) => (error as RateLimitError).retryAfterMs)).toEqual([waitMs]);
  });

  it.each([
    { name: 'Binance', adapter: createBinanceWs({ url: 'ws://fake.invalid/stream' }), subscription: { channel: 'trades', market: 'BTCUSDT' } },
    { name: 'Upbit', adapter: createUpbitWs({ url: 'ws://fake.invalid' }), subscription: TRADES_BTC },
  ] as const)('should back off as usual after a $name 1008 close that is not about too many requests', ({ adapter, subscription }) => {
    const { ts, server, connection, errors, at } = createHarness(adapter);
    ts.run(() => {
      connection.stream(subscription).subscribe();
      at(100, () => server.latest.drop(1008, 'Policy violation'));
      at(300, () => connection.close());
    });
    expect(server.sockets.map((socket) => socket.sent[0]?.at)).toEqual([10, 160]);
    expect(errors[0]).toBeInstanceOf(ConnectionError);
    expect(errors[0]).not.toBeInstanceOf(RateLimitError);
  });
});
