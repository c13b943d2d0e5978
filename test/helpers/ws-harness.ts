import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import type { MarketDataError } from '../../src/errors/index.js';
import type { StatusEvent } from '../../src/model/market-event.js';
import { WsConnection, type WsConnectionOptions } from '../../src/transport/ws/ws-connection.js';
import { createFakeAdapter, FakeWebSocketServer } from './fake-websocket.js';

/** A {@link WsConnection} on a fake server in virtual time, with its errors and statuses recorded. */
export interface WsHarness {
  readonly ts: TestScheduler;
  readonly server: FakeWebSocketServer;
  readonly connection: WsConnection;
  readonly errors: MarketDataError[];
  readonly statuses: StatusEvent[];
  /** Runs `fn` at virtual time `ms` (inside `ts.run`). */
  at(ms: number, fn: () => void): void;
}

/**
 * Sockets open 10 ms after they are created; backoff 100 ms doubling to 400 ms, half jittered away
 * (`random: () => 0`), so retry delays are exactly 50, 100, 200, 200 ms; stale after 3 s. `options`
 * override any of it (the fake adapter by default).
 */
export function createWsHarness(options: Partial<WsConnectionOptions> = {}): WsHarness {
  const ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const server = new FakeWebSocketServer(() => ts.now());
  server.onConnect = (socket) => void ts.schedule(() => socket.open(), 10);
  const connection = new WsConnection({
    adapter: createFakeAdapter(),
    exchange: 'fake',
    webSocketFactory: server.factory,
    scheduler: ts,
    staleAfterMs: 3_000,
    backoff: { initialDelayMs: 100, maxDelayMs: 400, factor: 2, jitter: 0.5, random: () => 0 },
    ...options,
  });
  const errors: MarketDataError[] = [];
  const statuses: StatusEvent[] = [];
  connection.errors$.subscribe((error) => errors.push(error));
  connection.status$.subscribe((status) => statuses.push(status));
  return { ts, server, connection, errors, statuses, at: (ms, fn) => void ts.schedule(fn, ms) };
}
