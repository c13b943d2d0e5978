import { afterEach, describe, expect, it } from 'vitest';
import type { Subscription } from '../../src/core/exchange-adapter.js';
import type { MarketDataError } from '../../src/errors/index.js';
import { createBinanceWs, toBinanceStreamName } from '../../src/exchanges/binance/ws.js';
import type { StatusEvent } from '../../src/model/market-event.js';
import { startBinanceSimulator } from '../../src/testing/index.js';
import { nodeWebSocketFactory, type WebSocketFactory } from '../../src/transport/ws/websocket-factory.js';
import { WsConnection } from '../../src/transport/ws/ws-connection.js';
import { busiestWindow, createToggler } from '../helpers/churn.js';
import { seededRandom } from '../helpers/random.js';

const SYMBOLS = ['ETHUSDT', 'XRPUSDT', 'SOLUSDT', 'DOGEUSDT', 'ADAUSDT', 'TRXUSDT', 'DOTUSDT', 'LINKUSDT'];
const TOGGLES = 1_500;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A socket factory that records when each frame is sent (real time: the Binance simulator counts on it). */
async function recordingFactory(sentAt: number[]): Promise<WebSocketFactory> {
  const base = await nodeWebSocketFactory();
  return (url, protocols) => {
    const socket = base(url, protocols);
    const send = socket.send.bind(socket);
    socket.send = (data) => {
      sentAt.push(Date.now());
      send(data);
    };
    return socket;
  };
}

describe('WsConnection under subscription churn, against the Binance simulator', () => {
  it('should stay within 5 messages/s, draw no 1008, queue no obsolete SUBSCRIBE/UNSUBSCRIBE and leave the server with the wanted streams', async () => {
    const sim = await startBinanceSimulator({ ws: { pushIntervalMs: 0 } });
    cleanups.push(() => sim.close());
    const sentAt: number[] = [];
    const connection = new WsConnection({
      adapter: createBinanceWs({ url: sim.wsUrl }),
      exchange: 'binance',
      webSocketFactory: await recordingFactory(sentAt),
    });
    cleanups.push(() => connection.close());
    const statuses: StatusEvent[] = [];
    const errors: MarketDataError[] = [];
    connection.status$.subscribe((status) => statuses.push(status));
    connection.errors$.subscribe((error) => errors.push(error));
    const heldNames = (): Set<string> => new Set([...sim.wsSubscriptions().values()][0] ?? []);

    const anchor: Subscription = { channel: 'ticker', market: 'BTCUSDT' };
    connection.stream(anchor).subscribe();
    for (const deadline = Date.now() + 5_000; !heldNames().has('btcusdt@ticker') && Date.now() < deadline; ) await sleep(5);

    // Two toggles per turn of the timer queue: each turn is a change of its own for the connection.
    const toggler = createToggler(connection, SYMBOLS, seededRandom(5));
    for (let i = 0; i < TOGGLES; i++) {
      toggler.toggle();
      if (i % 2 === 1) await sleep(1);
    }
    const churnEnded = Date.now();
    const wanted = new Set([anchor, ...toggler.live()].map(toBinanceStreamName));
    const sameAsWanted = (): boolean => {
      const held = heldNames();
      return held.size === wanted.size && [...held].every((name) => wanted.has(name));
    };
    for (const deadline = Date.now() + 5_000; !sameAsWanted() && Date.now() < deadline; ) await sleep(5);

    expect(heldNames()).toEqual(wanted);
    // Never closed (1008 over 5 messages a second), never refused.
    expect(statuses.map((status) => status.status)).toEqual(['connecting', 'connected']);
    expect(errors).toEqual([]);
    expect(sim.wsConnections).toBe(1);
    expect(sim.wsRequests.every((entry) => /^\{"result":null,"id":\d+\}$/.test(entry.reply))).toBe(true);
    // The adapter's 4 per second (one left for pongs), in any window.
    expect(busiestWindow(sentAt, 1_000)).toBeLessThanOrEqual(4);
    // After the churn: at most the rest of the diff in flight (one frame), then one diff (UNSUBSCRIBE, SUBSCRIBE).
    expect(sentAt.filter((at) => at > churnEnded).length).toBeLessThanOrEqual(3);
  });
});
