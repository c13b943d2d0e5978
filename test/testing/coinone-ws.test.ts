import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Big } from '../../src/model/decimal.js';
import { parseJsonExact } from '../../src/transport/json/json.js';
import { startCoinoneSimulator, type CoinoneSimulator } from '../../src/testing/coinone/simulator.js';
import { ManualClock } from '../../src/testing/market/manual-clock.js';
import { fixtureDir } from '../helpers/shared.js';
import { asRecord, asRecords, get, shapeOf, T0 } from './helpers.js';

const FIXTURES = fixtureDir('coinone');

function fixture(name: string): Record<string, unknown> {
  return asRecord(parseJsonExact(readFileSync(join(FIXTURES, name), 'utf8')));
}

/**
 * A `ws` client recording every frame. The server answers in order, so the frames before the PONG of
 * a PING are exactly the replies to what was sent before it.
 */
class Client {
  readonly frames: Array<Record<string, unknown>> = [];
  readonly closed: Promise<number>;
  #wake: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      this.frames.push(asRecord(parseJsonExact(data.toString('utf8'))));
      this.#notify();
    });
    this.closed = new Promise((resolve) => socket.on('close', (code) => {
      resolve(code);
      this.#notify();
    }));
  }

  static open(url: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const client = new Client(new WebSocket(url));
      client.socket.once('open', () => resolve(client));
      client.socket.once('error', reject);
    });
  }

  async until(predicate: () => boolean): Promise<void> {
    while (!predicate()) {
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error('closed while waiting');
      await new Promise<void>((resolve) => this.#wake.push(resolve));
    }
  }

  /** Sends `messages` (JSON unless strings) and a PING; returns the frames before the PONG. */
  async exchange(...messages: unknown[]): Promise<Array<Record<string, unknown>>> {
    const mark = this.frames.length;
    for (const message of [...messages, { request_type: 'PING' }]) this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
    const pong = (): number => this.frames.findIndex((frame, i) => i >= mark && frame['response_type'] === 'PONG');
    await this.until(() => pong() >= 0);
    return this.frames.slice(mark, pong());
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = [];
    for (const resolve of wake) resolve();
  }
}

function subscribe(channel: string, target: string, format?: string, interval?: string): Record<string, unknown> {
  return { request_type: 'SUBSCRIBE', channel, topic: { quote_currency: 'KRW', target_currency: target, interval }, format };
}

function prices(levels: unknown, price = 'price'): Big[] {
  return asRecords(levels).map((level) => new Big(String(level[price])));
}

describe('Coinone WebSocket simulator', () => {
  const clock = new ManualClock(T0);
  let sim: CoinoneSimulator;
  let client: Client;

  beforeAll(async () => {
    sim = await startCoinoneSimulator({ clock, ws: { pushIntervalMs: 0 } });
    client = await Client.open(sim.wsUrl);
    await client.until(() => client.frames.length > 0);
  });
  afterAll(async () => {
    await sim.close();
  });

  /**
   * Advances the clock and pushes; returns what `other` got from the push, and waits until the shared
   * client got its pushes too (so later replies are clean).
   */
  async function step(ms: number, other: Client): Promise<Array<Record<string, unknown>>> {
    const mark = other.frames.length;
    clock.advance(ms);
    sim.ws.tick();
    await client.exchange();
    await other.exchange();
    return other.frames.slice(mark).filter((frame) => frame['response_type'] !== 'PONG');
  }

  /** How to get each server-frame fixture: the reply frame at `index` to `send` (after a clock step, when given). */
  const FRAMES: Readonly<Record<string, () => Promise<Record<string, unknown> | undefined>>> = {
    'ws_connected.json': async () => client.frames[0],
    'ws_pong.json': async () => (await client.exchange()).length === 0 ? client.frames[client.frames.length - 1] : undefined,
    'ws_subscribed.json': async () => (await client.exchange(fixture('ws_subscribe_request.json')))[0],
    'ws_orderbook.json': async () => (await client.exchange(fixture('ws_subscribe_request.json')))[1],
    'ws_orderbook_short.json': async () => (await client.exchange(fixture('ws_subscribe_request_short.json')))[1],
    'ws_unsubscribed.json': async () => (await client.exchange({ ...fixture('ws_subscribe_request.json'), request_type: 'UNSUBSCRIBE' }))[0],
    'ws_chart_subscribed.json': async () => (await client.exchange(fixture('ws_chart_subscribe_request.json')))[0],
    'ws_chart.json': async () => (await client.exchange(fixture('ws_chart_subscribe_request.json')))[1],
    'ws_chart_short.json': async () => (await client.exchange({ ...fixture('ws_chart_subscribe_request.json'), format: 'SHORT' }))[1],
    'ws_ticker.json': async () => (await client.exchange(subscribe('TICKER', 'XRP')))[1],
    'ws_ticker_short.json': async () => (await client.exchange(subscribe('TICKER', 'XRP', 'SHORT')))[1],
    'ws_trade.json': async () => {
      const other = await Client.open(sim.wsUrl);
      await other.exchange(subscribe('TRADE', 'XRP'));
      return (await step(60_000, other))[0];
    },
    'ws_trade_short.json': async () => {
      const other = await Client.open(sim.wsUrl);
      await other.exchange(subscribe('TRADE', 'XRP', 'SHORT'));
      return (await step(60_000, other))[0];
    },
    'ws_error_invalid_request.json': async () => (await client.exchange('not json'))[0],
    'ws_error_invalid_type.json': async () => (await client.exchange({ ...fixture('ws_subscribe_request.json'), request_type: 'subscribe' }))[0],
    'ws_error_invalid_topic.json': async () => (await client.exchange(subscribe('TRADE', 'NOPE')))[1],
  };

  /** Client requests (`ws_*subscribe_request*.json`, `ws_ping_request.json`) are sent above, not compared. */
  const frameFixtures = readdirSync(FIXTURES).filter((name) => name.startsWith('ws_') && !/(?:subscribe|ping)_request/.test(name));

  it('should map every WebSocket frame fixture to a frame', () => {
    expect(frameFixtures.length).toBe(16);
    expect(frameFixtures).toContain('ws_error_invalid_request.json');
    expect(frameFixtures.filter((name) => FRAMES[name] === undefined)).toEqual([]);
  });

  it.each(frameFixtures)('should send a frame like %s (keys, order and string/number types)', async (name) => {
    const frame = await FRAMES[name]?.();
    expect(frame).toBeDefined();
    expect(shapeOf(frame)).toEqual(shapeOf(fixture(name)));
  });

  it('should send 16 asks worst first and 16 bids best first, the same state as the REST book', async () => {
    const replies = await client.exchange(subscribe('ORDERBOOK', 'BTC'));
    const data = asRecord(replies[1]?.['data']);
    const asks = prices(data['asks']);
    const bids = prices(data['bids']);
    expect([asks.length, bids.length]).toEqual([16, 16]);
    for (let i = 1; i < 16; i++) {
      expect(asks[i]?.lt(asks[i - 1] ?? 0)).toBe(true);
      expect(bids[i]?.lt(bids[i - 1] ?? 0)).toBe(true);
    }
    expect(asks[15]?.gt(bids[0] ?? Infinity)).toBe(true);
    const rest = asRecord((await get(sim.url, '/public/v2/orderbook/KRW/BTC?size=16')).json);
    expect(rest['id']).toBe(data['id']);
    expect(prices(rest['asks']).map(String)).toEqual([...asks].reverse().map(String));
    expect(prices(rest['bids']).map(String)).toEqual(bids.map(String));
    await client.exchange({ request_type: 'UNSUBSCRIBE', channel: 'ORDERBOOK', topic: { quote_currency: 'KRW', target_currency: 'BTC' } });
  });

  it('should carry the same values in SHORT frames as in DEFAULT ones', async () => {
    const long = asRecord((await client.exchange(subscribe('TICKER', 'ETH')))[1]?.['data']);
    const short = asRecord((await client.exchange(subscribe('TICKER', 'ETH', 'SHORT')))[1]?.['d']);
    expect(short).toMatchObject({ qc: long['quote_currency'], tc: long['target_currency'], t: long['timestamp'], i: long['id'] });
    expect([short['hi'], short['lo'], short['fi'], short['la'], short['abp'], short['bbq']]).toEqual(
      [long['high'], long['low'], long['first'], long['last'], long['ask_best_price'], long['bid_best_qty']],
    );
    const book = asRecord((await client.exchange(subscribe('ORDERBOOK', 'ETH', 'SHORT')))[1]?.['d']);
    expect(prices(book['a'], 'p').at(-1)?.toFixed()).toBe(long['ask_best_price']);
  });

  it('should push each new trade once, oldest first, matching the REST trades', async () => {
    const other = await Client.open(sim.wsUrl);
    await other.exchange(subscribe('TRADE', 'BTC'));
    await other.exchange(subscribe('TRADE', 'BTC')); // a repeated SUBSCRIBE must not double the stream
    const from = clock.now();
    const trades = (await step(30_000, other)).map((frame) => asRecord(frame['data']));
    const rest = asRecords(asRecord((await get(sim.url, '/public/v2/trades/KRW/BTC?size=200')).json)['transactions']);
    const expected = rest.filter((trade) => Number(trade['timestamp']) > from).reverse();
    expect(expected.length).toBeGreaterThan(10);
    expect(trades.map((trade) => [trade['id'], trade['price'], trade['qty'], trade['is_seller_maker']])).toEqual(
      expected.map((trade) => [trade['id'], trade['price'], trade['qty'], trade['is_seller_maker']]),
    );
    await other.exchange({ request_type: 'UNSUBSCRIBE', channel: 'TRADE', topic: { quote_currency: 'KRW', target_currency: 'BTC' } });
    expect(await step(30_000, other)).toEqual([]);
  });

  it('should ack an unknown pair, then send 160012 and keep the socket open', async () => {
    const replies = await client.exchange(subscribe('ORDERBOOK', 'NOPE'));
    expect(replies).toEqual([
      { response_type: 'SUBSCRIBED', channel: 'ORDERBOOK', data: { quote_currency: 'KRW', target_currency: 'NOPE' } },
      fixture('ws_error_invalid_topic.json'),
    ]);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('should echo lower-case topics in the ack but send upper case data', async () => {
    const replies = await client.exchange({ request_type: 'SUBSCRIBE', channel: 'TICKER', topic: { quote_currency: 'krw', target_currency: 'xrp' } });
    expect(replies[0]?.['data']).toEqual({ quote_currency: 'krw', target_currency: 'xrp' });
    expect(asRecord(replies[1]?.['data'])).toMatchObject({ quote_currency: 'KRW', target_currency: 'XRP' });
  });

  it('should reject lower-case or unknown fields with 160011 naming the field', async () => {
    const [channel] = await client.exchange({ ...subscribe('TICKER', 'BTC'), channel: 'ticker' });
    const [format] = await client.exchange(subscribe('TICKER', 'BTC', 'short'));
    const [noTopic] = await client.exchange({ request_type: 'SUBSCRIBE', channel: 'TICKER' });
    const [noInterval] = await client.exchange(subscribe('CHART', 'BTC'));
    expect([channel, format]).toEqual([
      { response_type: 'ERROR', error_code: 160011, message: 'Invalid Type', field: 'channel' },
      { response_type: 'ERROR', error_code: 160011, message: 'Invalid Type', field: 'format' },
    ]);
    expect([noTopic, noInterval]).toEqual([fixture('ws_error_invalid_topic.json'), fixture('ws_error_invalid_topic.json')]);
  });

  it('should count PINGs and drop every connection on dropAll()', async () => {
    const other = await Client.open(sim.wsUrl);
    const before = sim.ws.pings;
    expect(await other.exchange()).toEqual([]);
    expect(sim.ws.pings).toBe(before + 1);
    sim.dropAll();
    expect(await other.closed).toBe(1006);
    client = await Client.open(sim.wsUrl);
    await client.until(() => client.frames.length > 0);
  });
});

describe('Coinone WebSocket limits', () => {
  it('should close the socket beyond the per-IP limit with 4290', async () => {
    const sim = await startCoinoneSimulator({ ws: { pushIntervalMs: 0, maxConnectionsPerIp: 2 } });
    try {
      await Client.open(sim.wsUrl);
      await Client.open(sim.wsUrl);
      const third = await Client.open(sim.wsUrl);
      expect(await third.closed).toBe(4290);
      expect(sim.ws.connections).toBe(2);
    } finally {
      await sim.close();
    }
  });

  it('should drop a socket that never subscribes, but not a subscribed one', async () => {
    const sim = await startCoinoneSimulator({ ws: { pushIntervalMs: 0, unsubscribedTimeoutMs: 150 } });
    try {
      const idle = await Client.open(sim.wsUrl);
      const busy = await Client.open(sim.wsUrl);
      await busy.exchange(subscribe('TICKER', 'BTC'));
      expect(await idle.closed).toBe(1006);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(busy.socket.readyState).toBe(WebSocket.OPEN);
    } finally {
      await sim.close();
    }
  });

  it('should drop a socket whose PINGs stop for idleTimeoutMs', async () => {
    const sim = await startCoinoneSimulator({ ws: { pushIntervalMs: 0, idleTimeoutMs: 200 } });
    try {
      const client = await Client.open(sim.wsUrl);
      await client.exchange(subscribe('TICKER', 'BTC'));
      for (let i = 0; i < 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        await client.exchange();
      }
      expect(client.socket.readyState).toBe(WebSocket.OPEN);
      expect(await client.closed).toBe(1006);
    } finally {
      await sim.close();
    }
  });
});
