import type { IncomingMessage } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { filter, firstValueFrom, ReplaySubject, type Observable } from 'rxjs';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Subscription } from '../../src/core/exchange-adapter.js';
import { WsConnection } from '../../src/transport/ws/ws-connection.js';
import type { StreamEvent } from '../../src/transport/ws/ws-router.js';
import { createFakeAdapter } from '../helpers/fake-websocket.js';

const TRADES_BTC: Subscription = { channel: 'trades', market: 'KRW-BTC' };

/** What the test server saw on one connection. */
interface ServerConnection {
  readonly socket: ServerSocket;
  readonly request: IncomingMessage;
  readonly frames: string[];
}

describe('WsConnection over a real ws server', () => {
  let server: WebSocketServer;
  let url: string;
  let connections: ServerConnection[];
  let nextTradeId: number;

  beforeEach(async () => {
    connections = [];
    nextTradeId = 1;
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Plays an exchange: answers PING with a heartbeat, and each subscription request with one trade
    // per subscribed key, in binary frames (as Upbit does).
    server.on('connection', (socket, request) => {
      const connection: ServerConnection = { socket, request, frames: [] };
      connections.push(connection);
      socket.on('message', (data, isBinary) => {
        const text = isBinary ? '(binary)' : String(data);
        connection.frames.push(text);
        if (text === 'PING') {
          socket.send(Buffer.from('{"status":"UP"}'), { binary: true });
          return;
        }
        for (const key of JSON.parse(text) as string[]) {
          const [, market] = key.split('|');
          const trade = { type: 'trade', market, id: String(nextTradeId++) };
          socket.send(Buffer.from(JSON.stringify(trade)), { binary: true });
        }
      });
    });
  });

  afterEach(async () => {
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** The first event of `events$` matching `predicate`. */
  const next = (events$: Observable<StreamEvent>, predicate: (event: StreamEvent) => boolean): Promise<StreamEvent> =>
    firstValueFrom(events$.pipe(filter(predicate)));

  it('should decode binary frames, reconnect after a server-side terminate and resubscribe everything', async () => {
    const connection = new WsConnection({
      adapter: createFakeAdapter({ url }),
      exchange: 'fake',
      headers: { Authorization: 'Bearer test-token' },
      backoff: { initialDelayMs: 20, jitter: 0 },
    });
    const events$ = new ReplaySubject<StreamEvent>();
    const stream = connection.stream(TRADES_BTC).subscribe(events$);
    const ethStream = connection.stream({ channel: 'trades', market: 'KRW-ETH' }).subscribe();
    try {
      const first = await next(events$, (event) => event.type === 'trade');
      expect(first).toMatchObject({ type: 'trade', market: 'KRW-BTC', id: '1' });
      expect(connections).toHaveLength(1);
      expect(connections[0]!.request.headers.authorization).toBe('Bearer test-token');
      expect(connections[0]!.frames).toEqual([JSON.stringify(['trades|KRW-BTC', 'trades|KRW-ETH'])]);

      connections[0]!.socket.terminate();
      const disconnect = await next(events$, (event) => event.type === 'status' && event.status === 'disconnect');
      expect(disconnect).toMatchObject({ attempt: 1, retryInMs: 20 });
      await next(events$, (event) => event.type === 'status' && event.status === 'reconnect');
      // The server answers the resubscription with trades 3 (KRW-BTC) and 4 (KRW-ETH).
      const resent = await next(events$, (event) => event.type === 'trade' && event.id !== '1');
      expect(resent).toMatchObject({ type: 'trade', market: 'KRW-BTC', id: '3' });

      expect(connections).toHaveLength(2);
      expect(connections[1]!.frames).toEqual([JSON.stringify(['trades|KRW-BTC', 'trades|KRW-ETH'])]);
      expect(connection.stats.reconnects).toBe(1);
      expect(connection.isOpen).toBe(true);

      const closed = once(connections[1]!.socket, 'close');
      connection.close();
      await closed; // the server sees the client leave
      expect(connection.isOpen).toBe(false);
    } finally {
      stream.unsubscribe();
      ethStream.unsubscribe();
      connection.close();
    }
  });
});
