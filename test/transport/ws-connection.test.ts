import { map, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ExchangeError, MarketDataError, ParseError, StaleStreamError } from '../../src/errors/index.js';
import type { ExchangeWsAdapter, Subscription } from '../../src/core/exchange-adapter.js';
import type { WsConnectionOptions } from '../../src/transport/ws/ws-connection.js';
import type { StreamEvent } from '../../src/transport/ws/ws-router.js';
import { createFakeAdapter, type FakeWire } from '../helpers/fake-websocket.js';
import { createWsHarness, type WsHarness } from '../helpers/ws-harness.js';

const TRADES_BTC: Subscription = { channel: 'trades', market: 'KRW-BTC' };
const SUB_FRAME = JSON.stringify(['trades|KRW-BTC']);

const frame = (wire: FakeWire): string => JSON.stringify(wire);
const trade = (id: string, market = 'KRW-BTC'): string => frame({ type: 'trade', market, id });

/** A compact, diffable view of a stream event. */
function label(event: StreamEvent): unknown {
  if (event.type === 'status') return { status: event.status, attempt: event.attempt, retryInMs: event.retryInMs };
  return event.type === 'trade' ? `trade ${event.market} ${event.id}` : `${event.type} ${event.market}`;
}

const createHarness = (options: Partial<WsConnectionOptions> = {}, adapter?: Partial<ExchangeWsAdapter>): WsHarness =>
  createWsHarness({ ...options, adapter: createFakeAdapter(adapter) });

const labelled = (events$: Observable<StreamEvent>): Observable<unknown> => events$.pipe(map(label));

describe('WsConnection', () => {
  it('should send 100 subscription changes made in one tick as one frame', () => {
    const { ts, server, connection, at } = createHarness();
    const markets = Array.from({ length: 100 }, (_, i) => `KRW-C${i}`);
    ts.run(() => {
      const first = markets.map((market) => connection.stream({ channel: 'trades', market }).subscribe());
      at(50, () => {
        for (const sub of first.slice(0, 50)) sub.unsubscribe();
        for (let i = 0; i < 50; i++) connection.stream({ channel: 'ticker', market: `KRW-T${i}` }).subscribe();
        connection.stream({ channel: 'ticker', market: 'KRW-T0' }).subscribe(); // same key: no new entry
      });
      at(100, () => connection.close());
    });
    expect(server.sockets).toHaveLength(1);
    const sent = server.latest.sent;
    expect(sent.map((frame) => frame.at)).toEqual([10, 50]);
    expect(JSON.parse(sent[0]!.data)).toEqual(markets.map((market) => `trades|${market}`));
    expect(JSON.parse(sent[1]!.data)).toHaveLength(100);
    expect(JSON.parse(sent[1]!.data)).toContain('ticker|KRW-T49');
    expect(connection.stats.framesSent).toBe(2);
  });

  it('should send subscription frames within the adapter send limits, keepalives aside', () => {
    const { ts, server, connection, at } = createHarness();
    ts.run(() => {
      connection.stream(TRADES_BTC).subscribe();
      for (let i = 1; i <= 6; i++) at(10 + 10 * i, () => connection.stream({ channel: 'ticker', market: `KRW-${i}` }).subscribe());
      at(1_300, () => connection.close());
    });
    // 5 per second: the changes at 60 and 70 wait for the 1st unit to return (1 s + 250 ms margin), and
    // that one frame carries the set wanted then, both changes in it.
    const frames = server.latest.sent.filter((frame) => frame.data !== 'PING');
    expect(frames.map((frame) => frame.at)).toEqual([10, 20, 30, 40, 50, 1_260]);
    expect(JSON.parse(frames[5]!.data)).toHaveLength(7);
    expect(server.latest.sent.filter((frame) => frame.data === 'PING').map((frame) => frame.at)).toEqual([1_010]);
  });

  it('should send keepalives at the adapter cadence while the server answers them', () => {
    const { ts, server, connection, at } = createHarness();
    ts.run(() => {
      connection.stream(TRADES_BTC).subscribe();
      for (let t = 1_011; t < 10_000; t += 1_000) at(t, () => server.latest.receive('{"status":"UP"}'));
      at(10_000, () => connection.close());
    });
    const socket = server.latest;
    expect(server.sockets).toHaveLength(1); // heartbeats keep it from going stale
    expect(socket.sent.map((frame) => `${frame.at} ${frame.data}`)).toEqual([
      `10 ${SUB_FRAME}`,
      ...Array.from({ length: 9 }, (_, i) => `${1_010 + 1_000 * i} PING`),
    ]);
    expect(connection.stats.framesReceived).toBe(9);
  });

  it('should treat silence as a dead socket and reconnect with exact backoff delays, resubscribing', () => {
    const { ts, server, connection, errors, at } = createHarness();
    ts.run(({ expectObservable }) => {
      at(6_200, () => server.latest.receive(trade('7')));
      at(7_000, () => connection.close());
      // The socket reopened at 3 060 is as silent as the first: no `reconnect` until data comes (6 200).
      expectObservable(labelled(connection.stream(TRADES_BTC))).toBe(
        'a 9ms b 2989ms c 3049ms e 149ms (fg) 796ms (h|)',
        {
          a: { status: 'connecting' },
          b: { status: 'connected' },
          c: { status: 'disconnect', attempt: 1, retryInMs: 50 },
          e: { status: 'disconnect', attempt: 2, retryInMs: 100 },
          f: { status: 'reconnect', attempt: 2 },
          g: 'trade KRW-BTC 7',
          h: { status: 'closed' },
        },
      );
    });
    expect(server.sockets.map((socket) => socket.closedAt)).toEqual([3_000, 6_050, 7_000]);
    expect(server.sockets.map((socket) => socket.sent[0])).toEqual([
      { at: 10, data: SUB_FRAME },
      { at: 3_060, data: SUB_FRAME },
      { at: 6_160, data: SUB_FRAME },
    ]);
    // Keepalives at 1 010 and 2 010, and the probe after 2 s of silence (no ping frames on this socket).
    expect(server.sockets[0]!.sent.filter((frame) => frame.data === 'PING').map((frame) => frame.at)).toEqual([1_010, 2_000, 2_010]);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBeInstanceOf(StaleStreamError);
    expect((errors[0] as StaleStreamError).lastMessageAt).toBeUndefined();
    expect(connection.stats).toEqual({ framesReceived: 1, framesSent: 9, reconnects: 1, errors: 2 });
  });

  it('should report reconnect on the first data frame and reset the backoff only after a healthy period', () => {
    const { ts, server, connection, statuses, at } = createHarness({ healthyAfterMs: 1_000 });
    ts.run(() => {
      connection.stream(TRADES_BTC).subscribe();
      at(20, () => server.latest.receive(trade('1')));
      at(100, () => server.latest.drop(1006));
      at(200, () => server.latest.drop(1006)); // reopened at 160, no frame yet
      at(315, () => server.latest.receive('{"status":"UP"}')); // reopened at 310: a heartbeat is no data
      at(320, () => server.latest.receive(trade('2')));
      at(400, () => server.latest.drop(1011, 'server restart')); // up 85 ms since its first frame: not healthy
      at(620, () => server.latest.receive(trade('3'))); // reopened at 610
      at(2_000, () => server.latest.drop(1006)); // up since 620: healthy, the backoff starts small again
      at(2_070, () => server.latest.receive(trade('4')));
      at(2_100, () => connection.close());
    });
    const summary = statuses.map((event) => [event.timestamp, event.status, event.attempt, event.retryInMs]);
    expect(summary).toEqual([
      [0, 'connecting', undefined, undefined],
      [10, 'connected', undefined, undefined],
      [100, 'disconnect', 1, 50],
      [200, 'disconnect', 2, 100],
      [320, 'reconnect', 2, undefined],
      [400, 'disconnect', 3, 200],
      [620, 'reconnect', 3, undefined],
      [2_000, 'disconnect', 1, 50],
      [2_070, 'reconnect', 1, undefined],
      [2_100, 'closed', undefined, undefined],
    ]);
    expect(statuses[2]!.reason).toBe('WebSocket closed: fake (code 1006)');
    expect(statuses[5]!.reason).toBe('WebSocket closed: fake (code 1011, server restart)');
    expect(connection.stats.reconnects).toBe(3);
  });

  it('should report garbage and exchange error frames on errors$ and keep the stream going', () => {
    const { ts, server, connection, errors, at } = createHarness();
    ts.run(({ expectObservable }) => {
      at(20, () => server.latest.receive('{oops'));
      at(30, () => server.latest.receive('{"error":"NO_CODES"}'));
      at(40, () => server.latest.receive('{"status":"UP"}'));
      at(50, () => server.latest.receive(trade('1')));
      at(60, () => server.latest.receive(new TextEncoder().encode(trade('2')))); // binary frame
      at(70, () => server.latest.receive(trade('3', 'KRW-ETH'))); // not subscribed
      at(100, () => connection.close());
      expectObservable(labelled(connection.stream(TRADES_BTC))).toBe('a 9ms b 39ms c 9ms d 39ms (e|)', {
        a: { status: 'connecting' },
        b: { status: 'connected' },
        c: 'trade KRW-BTC 1',
        d: 'trade KRW-BTC 2',
        e: { status: 'closed' },
      });
    });
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBeInstanceOf(ParseError);
    expect((errors[0] as ParseError).raw).toBe('{oops');
    expect(errors[1]).toBeInstanceOf(ExchangeError);
    expect((errors[1] as ExchangeError).code).toBe('NO_CODES');
    expect(server.sockets).toHaveLength(1);
    expect(connection.stats.framesReceived).toBe(6);
  });

  it('should ref-count subscriptions and close the socket, with no timer left, when the last one leaves', () => {
    const { ts, server, connection, statuses, at } = createHarness();
    const seen: unknown[][] = [[], []];
    let timersAfterLastLeft = -1;
    ts.run(() => {
      const first = connection.stream(TRADES_BTC).subscribe((event) => seen[0]!.push(label(event)));
      const second = connection.stream(TRADES_BTC).subscribe((event) => seen[1]!.push(label(event)));
      at(1, () => expect(connection.subscriptions).toEqual([TRADES_BTC]));
      at(20, () => server.latest.receive(trade('1')));
      at(30, () => first.unsubscribe());
      at(40, () => server.latest.receive(trade('2')));
      at(50, () => second.unsubscribe());
      at(60, () => {
        timersAfterLastLeft = ts.actions.length;
        expect(connection.isOpen).toBe(false);
      });
    });
    expect(seen[0]).toEqual([{ status: 'connecting' }, { status: 'connected' }, 'trade KRW-BTC 1']);
    expect(seen[1]).toEqual([{ status: 'connecting' }, { status: 'connected' }, 'trade KRW-BTC 1', 'trade KRW-BTC 2']);
    expect(server.latest.texts).toEqual([SUB_FRAME]); // one entry; the first leaving changed nothing
    expect(server.latest.closedAt).toBe(50);
    expect(statuses.at(-1)).toMatchObject({ status: 'closed', timestamp: 50 });
    expect(connection.subscriptions).toEqual([]);
    expect(timersAfterLastLeft).toBe(0);
  });

  it('should reopen on demand after the set emptied, and keep the socket through churn within one tick', () => {
    const { ts, server, connection, at } = createHarness();
    ts.run(() => {
      const sub = connection.stream(TRADES_BTC).subscribe();
      at(20, () => {
        sub.unsubscribe();
        connection.stream(TRADES_BTC).subscribe(); // same tick: the set never changed
      });
      at(30, () => connection.stream({ channel: 'ticker', market: 'KRW-BTC' }).subscribe().unsubscribe());
      at(100, () => connection.close());
    });
    expect(server.sockets).toHaveLength(1);
    expect(server.latest.texts).toEqual([SUB_FRAME]);

    const again = createHarness();
    again.ts.run(() => {
      const sub = again.connection.stream(TRADES_BTC).subscribe();
      again.at(50, () => sub.unsubscribe());
      again.at(200, () => again.connection.stream(TRADES_BTC).subscribe());
      again.at(300, () => again.connection.close());
    });
    expect(again.server.sockets.map((socket) => [socket.sent[0]?.at, socket.closedAt])).toEqual([
      [10, 50],
      [210, 300],
    ]);
    expect(again.statuses.map((event) => event.status)).toEqual(['connecting', 'connected', 'closed', 'connecting', 'connected', 'closed']);
  });

  it('should reconnect when the connection reaches the adapter maximum age', () => {
    const { ts, server, connection, statuses, at } = createHarness({}, { maxConnectionAgeMs: 500 });
    ts.run(() => {
      connection.stream(TRADES_BTC).subscribe();
      at(20, () => server.latest.receive(trade('1')));
      at(580, () => server.latest.receive(trade('2')));
      at(600, () => connection.close());
    });
    expect(statuses.map((event) => [event.timestamp, event.status])).toEqual([
      [0, 'connecting'],
      [10, 'connected'],
      [510, 'disconnect'],
      [580, 'reconnect'],
      [600, 'closed'],
    ]);
    expect(statuses[2]!.reason).toMatch(/maximum age/);
    expect(server.sockets[1]!.texts).toEqual([SUB_FRAME]);
  });

  it('should close everything on close(): streams complete, status$ completes, no timer is left', () => {
    const { ts, connection, at } = createHarness();
    let completed = 0;
    let timersAfterClose = -1;
    let lateCompleted = false;
    ts.run(() => {
      connection.stream(TRADES_BTC).subscribe({ complete: () => completed++ });
      connection.stream({ channel: 'ticker', market: 'KRW-BTC' }).subscribe({ complete: () => completed++ });
      connection.status$.subscribe({ complete: () => completed++ });
      at(1_500, () => {
        connection.close();
        timersAfterClose = ts.actions.length;
        connection.stream(TRADES_BTC).subscribe({ complete: () => (lateCompleted = true) });
      });
    });
    expect(completed).toBe(3);
    expect(timersAfterClose).toBe(0);
    expect(lateCompleted).toBe(true);
    expect(connection.isOpen).toBe(false);
    expect(connection.status).toBe('closed');
  });

  it('should error the streams, without retrying, when a socket cannot even be created', () => {
    const cause = new SyntaxError('Invalid URL');
    const { ts, connection } = createHarness({
      webSocketFactory: () => {
        throw cause;
      },
    });
    let failure: unknown;
    ts.run(() => {
      connection.stream(TRADES_BTC).subscribe({ error: (error: unknown) => (failure = error) });
    });
    expect(failure).toBeInstanceOf(MarketDataError);
    expect((failure as MarketDataError).cause).toBe(cause);
    expect(connection.status).toBe('closed');
    expect(connection.subscriptions).toEqual([]);
  });

  it('should refuse subscriptions beyond the adapter maximum', () => {
    const { ts, connection } = createHarness({}, { maxSubscriptions: 1 });
    const outcome: string[] = [];
    ts.run(() => {
      connection.stream(TRADES_BTC).subscribe({ error: () => outcome.push('first failed') });
      connection.stream(TRADES_BTC).subscribe({ error: () => outcome.push('same key failed') });
      connection.stream({ channel: 'ticker', market: 'KRW-BTC' }).subscribe({ error: () => outcome.push('second key failed') });
      ts.schedule(() => connection.close(), 100);
    });
    expect(outcome).toEqual(['second key failed']);
  });
});
