/**
 * Liveness probes of every exchange adapter over real sockets on 127.0.0.1, with default settings: a
 * quiet socket (the simulator pushes nothing) stays up because its probes are answered (ping frames in
 * Node; Binance counts them against its 5 messages per second, so they wait for a permit and never trip
 * the limit), and the same socket dies within 5 s once the simulator stalls. A browser-like socket
 * (no ping frames) probes with the adapter's heartbeat frame instead.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MarketDataError } from '../../src/errors/index.js';
import { StaleStreamError } from '../../src/errors/index.js';
import type { ExchangeWsAdapter, Subscription } from '../../src/core/exchange-adapter.js';
import { createBinanceWs } from '../../src/exchanges/binance/ws.js';
import { createCoinoneWs } from '../../src/exchanges/coinone/ws.js';
import { createUpbitWs } from '../../src/exchanges/upbit/ws.js';
import type { StatusEvent } from '../../src/model/market-event.js';
import { startBinanceSimulator } from '../../src/testing/binance/simulator.js';
import { startCoinoneSimulator } from '../../src/testing/coinone/simulator.js';
import { startUpbitSimulator } from '../../src/testing/upbit/simulator.js';
import { nodeWebSocketFactory, type WebSocketFactory, type WebSocketLike } from '../../src/transport/ws/websocket-factory.js';
import { WsConnection } from '../../src/transport/ws/ws-connection.js';
import { sleep, until } from '../helpers/wait.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** One exchange's simulator, reduced to what these tests drive. */
interface Target {
  readonly adapter: ExchangeWsAdapter;
  readonly subscription: Subscription;
  stall(on: boolean): void;
  /** Text heartbeat frames the server has seen. */
  textPings(): number;
}

async function binance(): Promise<Target> {
  const sim = await startBinanceSimulator({ seed: 3, ws: { pushIntervalMs: 0 } });
  cleanups.push(() => sim.close());
  return {
    adapter: createBinanceWs({ url: sim.wsUrl }),
    subscription: { channel: 'trades', market: 'BTCUSDT' },
    stall: (on) => sim.stallWs(on),
    textPings: () => sim.wsRequests.filter((entry) => entry.text.includes('LIST_SUBSCRIPTIONS')).length,
  };
}

async function coinone(): Promise<Target> {
  const sim = await startCoinoneSimulator({ ws: { pushIntervalMs: 0 } });
  cleanups.push(() => sim.close());
  return { adapter: createCoinoneWs({ url: sim.wsUrl }), subscription: { channel: 'trades', market: 'KRW-BTC' }, stall: (on) => sim.ws.stall(on), textPings: () => sim.ws.pings };
}

async function upbit(): Promise<Target> {
  const sim = await startUpbitSimulator({ limitClock: { now: () => Date.now() }, ws: { pushIntervalMs: 0 } });
  cleanups.push(() => sim.close());
  return { adapter: createUpbitWs({ url: sim.wsUrl }), subscription: { channel: 'trades', market: 'KRW-BTC' }, stall: (on) => sim.ws.stall(on), textPings: () => sim.ws.pings };
}

/** A `ws` socket that shows only what a browser `WebSocket` has: no ping frames. */
class BrowserLikeSocket implements WebSocketLike {
  readonly #socket: WebSocketLike;

  constructor(socket: WebSocketLike) {
    this.#socket = socket;
  }

  send(data: string): void {
    this.#socket.send(data);
  }

  close(): void {
    this.#socket.close();
  }

  get onopen(): WebSocketLike['onopen'] { return this.#socket.onopen; }
  set onopen(handler: WebSocketLike['onopen']) { this.#socket.onopen = handler; }
  get onmessage(): WebSocketLike['onmessage'] { return this.#socket.onmessage; }
  set onmessage(handler: WebSocketLike['onmessage']) { this.#socket.onmessage = handler; }
  get onerror(): WebSocketLike['onerror'] { return this.#socket.onerror; }
  set onerror(handler: WebSocketLike['onerror']) { this.#socket.onerror = handler; }
  get onclose(): WebSocketLike['onclose'] { return this.#socket.onclose; }
  set onclose(handler: WebSocketLike['onclose']) { this.#socket.onclose = handler; }
}

function connect(target: Target, webSocketFactory?: WebSocketFactory) {
  const connection = new WsConnection({ adapter: target.adapter, exchange: 'sim', webSocketFactory, backoff: { initialDelayMs: 50, jitter: 0 } });
  cleanups.push(() => connection.close());
  const statuses: StatusEvent[] = [];
  const errors: MarketDataError[] = [];
  connection.status$.subscribe((status) => statuses.push(status));
  connection.errors$.subscribe((error) => errors.push(error));
  connection.stream(target.subscription).subscribe();
  return { connection, statuses, errors };
}

describe.each([
  { name: 'Binance', start: binance },
  { name: 'Coinone', start: coinone },
  { name: 'Upbit', start: upbit },
])('$name socket liveness (default settings, Node ping frames)', ({ start }) => {
  it('should keep a quiet socket whose pings are answered, and find it dead within 5 s once the server stalls', async () => {
    const target = await start();
    const { connection, statuses, errors } = connect(target);
    await until(() => connection.status === 'connected', 5_000, 'the connection');
    const textPings = target.textPings();
    // 5.5 s of no data: two rounds of probes, each answered by a pong (unanswered, the socket would be
    // dead at 4.5 s).
    await sleep(5_500);
    expect(statuses.map((s) => s.status)).toEqual(['connecting', 'connected']);
    expect(errors).toEqual([]);
    expect(target.textPings()).toBe(textPings); // ping frames, not the text heartbeat
    target.stall(true);
    // Dead 4.5 s after the last pong, which came before the stall; 7 s leaves room for a loaded machine.
    await until(() => connection.status === 'disconnect', 7_000, 'the stalled socket to be declared dead');
    expect(errors.find((error) => error instanceof StaleStreamError)).toBeDefined();
  }, 25_000);
});

describe('browser-like socket liveness (no ping frames)', () => {
  it("should probe a quiet Upbit socket with the text PING and find it dead within 5 s once the server stalls", async () => {
    const target = await upbit();
    const makeNode = await nodeWebSocketFactory();
    const { connection, statuses } = connect(target, (url, protocols) => new BrowserLikeSocket(makeNode(url, protocols)));
    await until(() => connection.status === 'connected', 5_000, 'the connection');
    const before = target.textPings();
    await sleep(5_000);
    expect(target.textPings()).toBeGreaterThan(before); // {"status":"UP"} answered each
    expect(statuses.map((s) => s.status)).toEqual(['connecting', 'connected']);
    target.stall(true);
    await until(() => connection.status === 'disconnect', 7_000, 'the stalled socket to be declared dead');
  }, 25_000);
});
