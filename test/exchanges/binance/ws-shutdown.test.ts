/**
 * The Binance adapter and WsConnection against the Binance simulator's `serverShutdown` control, over
 * real sockets: the notice moves the streams to a new socket before the server closes the old one.
 */
import { filter, firstValueFrom, ReplaySubject, timeout, type Observable } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { MarketDataError } from '../../../src/errors/index.js';
import type { ExchangeWsAdapter, Subscription, WsMessage } from '../../../src/core/exchange-adapter.js';
import { createBinanceWs } from '../../../src/exchanges/binance/ws.js';
import type { StatusEvent } from '../../../src/model/market-event.js';
import { startBinanceSimulator, type BinanceSimulator } from '../../../src/testing/binance/simulator.js';
import { WsConnection } from '../../../src/transport/ws/ws-connection.js';
import type { StreamEvent } from '../../../src/transport/ws/ws-router.js';

const TRADES: Subscription = { channel: 'trades', market: 'BTCUSDT' };
const TICKER: Subscription = { channel: 'ticker', market: 'ETHUSDT' };

interface Setup {
  readonly sim: BinanceSimulator;
  readonly connection: WsConnection;
  readonly events$: ReplaySubject<StreamEvent>;
  readonly errors: MarketDataError[];
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(closeDelayMs: number, adapter?: (ws: ExchangeWsAdapter) => ExchangeWsAdapter): Promise<Setup> {
  const sim = await startBinanceSimulator({ seed: 11, ws: { pushIntervalMs: 20, shutdownCloseDelayMs: closeDelayMs } });
  cleanups.push(() => sim.close());
  const ws = createBinanceWs({ url: sim.wsUrl });
  const connection = new WsConnection({
    adapter: adapter === undefined ? ws : adapter(ws),
    exchange: 'binance',
    backoff: { initialDelayMs: 400, jitter: 0 },
  });
  cleanups.push(() => connection.close());
  const errors: MarketDataError[] = [];
  connection.errors$.subscribe((error) => errors.push(error));
  const events$ = new ReplaySubject<StreamEvent>();
  connection.stream(TRADES).subscribe(events$);
  connection.stream(TICKER).subscribe();
  return { sim, connection, events$, errors };
}

const first = (events$: Observable<StreamEvent>, predicate: (event: StreamEvent) => boolean): Promise<StreamEvent> =>
  firstValueFrom(events$.pipe(filter(predicate), timeout(5_000)));

const isStatus = (status: StatusEvent['status']) => (event: StreamEvent): boolean => event.type === 'status' && event.status === status;

describe('Binance serverShutdown through WsConnection', () => {
  it('should move to a new socket at once, resubscribe everything and keep the trades coming', async () => {
    const { sim, connection, events$, errors } = await setup(10_000);
    await first(events$, (event) => event.type === 'trade');
    const announcedAt = Date.now();
    sim.announceShutdown();
    const disconnect = await first(events$, isStatus('disconnect'));
    const firstConnection = sim.wsRequests[0]!.connection;
    for (let i = 0; i < 200 && !sim.wsRequests.some((entry) => entry.connection !== firstConnection); i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // The new socket subscribed well before the server's close (10 s), and with no backoff (the first
    // step would be 400 ms); `reconnect` itself waits for the new socket's first data.
    expect(Date.now() - announcedAt).toBeLessThan(400);
    await first(events$, isStatus('reconnect'));
    expect(disconnect).toMatchObject({ attempt: 1, retryInMs: 0 });
    expect(disconnect.type === 'status' && disconnect.reason).toMatch(/serverShutdown/);
    const seen = new Set<StreamEvent>();
    events$.subscribe((event) => seen.add(event)).unsubscribe();
    const after = await first(events$, (event) => event.type === 'trade' && !seen.has(event));
    expect(after.type).toBe('trade');
    const subscribes = sim.wsRequests.filter((entry) => entry.text.includes('SUBSCRIBE'));
    const byConnection = new Map<number, string[]>();
    for (const entry of subscribes) {
      const params = (JSON.parse(entry.text) as { params: string[] }).params;
      byConnection.set(entry.connection, [...(byConnection.get(entry.connection) ?? []), ...params]);
    }
    expect([...byConnection.values()].map((params) => [...params].sort())).toEqual([
      ['btcusdt@trade', 'ethusdt@ticker'],
      ['btcusdt@trade', 'ethusdt@ticker'],
    ]);
    // The client closed the old socket itself, long before the server's 10 s.
    for (let i = 0; i < 100 && sim.wsConnections !== 1; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sim.wsConnections).toBe(1);
    expect(errors).toEqual([]);
    expect(connection.stats.reconnects).toBe(1);
  });

  it('should lose the close delay plus a backoff step when the notice is ignored', async () => {
    const ignoreNotice = (ws: ExchangeWsAdapter): ExchangeWsAdapter => ({
      ...ws,
      decode: (text: string, receivedAt: number): WsMessage => {
        const message = ws.decode(text, receivedAt);
        return message.kind === 'reconnect' ? { kind: 'ignore' } : message;
      },
    });
    const { sim, events$, errors } = await setup(200, ignoreNotice);
    await first(events$, (event) => event.type === 'trade');
    const announcedAt = Date.now();
    sim.announceShutdown();
    const disconnect = await first(events$, isStatus('disconnect'));
    await first(events$, isStatus('reconnect'));
    expect(Date.now() - announcedAt).toBeGreaterThanOrEqual(200 + 400 - 20);
    expect(disconnect).toMatchObject({ attempt: 1, retryInMs: 400 });
    expect(errors.map((error) => error.message).join()).toContain('code 1001');
  });
});
