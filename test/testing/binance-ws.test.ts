import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/testing/market/manual-clock.js';
import { startBinanceSimulator, type BinanceSimulator } from '../../src/testing/binance/simulator.js';
import { get, T0 } from './helpers.js';
import { BinanceTestClient, fillEmpty, fixture, fixtureText, obj, strictShape } from './binance-helpers.js';

const STREAMS: Readonly<Record<string, string>> = {
  'btcusdt@trade': 'ws_trade.json',
  'btcusdt@aggTrade': 'ws_aggTrade.json',
  'btcusdt@ticker': 'ws_ticker.json',
  'btcusdt@miniTicker': 'ws_miniTicker.json',
  'btcusdt@bookTicker': 'ws_bookTicker.json',
  'btcusdt@depth': 'ws_depth_diff.json',
  'btcusdt@depth@100ms': 'ws_depth_diff.json',
  'btcusdt@depth5': 'ws_depth_partial.json',
  'btcusdt@depth10@100ms': 'ws_depth_partial.json',
  'btcusdt@kline_1m': 'ws_kline.json',
};

/** Advances the model clock `steps` × `ms`, pushing after each step. */
async function run(sim: BinanceSimulator, clock: ManualClock, client: BinanceTestClient, steps: number, ms = 100): Promise<void> {
  for (let i = 0; i < steps; i++) {
    clock.advance(ms);
    sim.tick();
  }
  await client.barrier();
}

function byStream(frames: readonly unknown[]): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const frame of frames) {
    const { stream, data } = obj(frame);
    if (typeof stream !== 'string') continue;
    out.set(stream, [...(out.get(stream) ?? []), data]);
  }
  return out;
}

describe('Binance simulator streams', () => {
  const clock = new ManualClock(T0);
  let sim: BinanceSimulator;
  let combined: Map<string, unknown[]>;

  beforeAll(async () => {
    sim = await startBinanceSimulator({ clock, seed: 3, ws: { pushIntervalMs: 0, maxMessagesPerSecond: 1000 } });
    const client = await BinanceTestClient.open(`${sim.wsUrl}?streams=${Object.keys(STREAMS).join('/')}`);
    await run(sim, clock, client, 45);
    combined = byStream(client.frames);
    client.close();
  });
  afterAll(async () => {
    await sim.close();
  });

  for (const [stream, name] of Object.entries(STREAMS)) {
    it(`should send ${stream} payloads with the keys and types of ${name}`, () => {
      const frames = combined.get(stream) ?? [];
      expect(frames.length).toBeGreaterThan(0);
      for (const data of frames) expect(strictShape(data)).toEqual(strictShape(fixture(name)));
    });
  }

  it('should wrap combined frames as ws_combined_wrapper.json and the ticker capture', () => {
    const wrapper = obj(fixture('ws_combined_wrapper.json'));
    const book = combined.get(String(wrapper['stream'])) ?? [];
    expect(strictShape({ stream: 'btcusdt@bookTicker', data: book[0] })).toEqual(strictShape(wrapper));
    const capture = obj(fixture('ws_ticker_capture_combined.json'));
    expect(strictShape({ stream: 'btcusdt@ticker', data: combined.get('btcusdt@ticker')?.[0] })).toEqual(strictShape(capture));
  });

  it('should send diffs shaped like ws_depth_sync_sequence_capture.json, and a REST snapshot like its snapshot', async () => {
    const sequence = (fixture('ws_depth_sync_sequence_capture.json') as unknown[]).map(obj);
    const diffs = combined.get('btcusdt@depth') ?? [];
    for (const element of sequence) {
      if (element['generated'] === true) {
        const rest = (await get(sim.url, '/api/v3/depth?symbol=BTCUSDT&limit=20')).json;
        expect(strictShape(rest)).toEqual(strictShape(element['data']));
      } else {
        // A captured side may be empty ([]): it then takes the simulator's level shape.
        const ours = strictShape({ stream: 'btcusdt@depth', data: diffs[0] });
        expect(ours).toEqual(fillEmpty(strictShape(element), ours));
      }
    }
  });

  it('should send trades like the 2019 capture minus the removed b/a order ids', () => {
    const legacy = obj(obj((fixture('ws_trade_capture_2019_legacy.json') as unknown[])[0])['data']);
    const keys = Object.keys(legacy).filter((key) => key !== 'b' && key !== 'a');
    for (const trade of combined.get('btcusdt@trade') ?? []) expect(Object.keys(obj(trade))).toEqual(keys);
  });

  it('should give consecutive trade ids and the REST trades the stream sent', async () => {
    const trades = (combined.get('btcusdt@trade') ?? []).map(obj);
    trades.slice(1).forEach((t, i) => expect(t['t']).toBe(Number(trades[i]?.['t']) + 1));
    const rest = (await get(sim.url, `/api/v3/trades?symbol=BTCUSDT&limit=${Math.min(trades.length, 5)}`)).json as Array<Record<string, unknown>>;
    const tail = trades.slice(-rest.length);
    expect(rest.map((t) => [t['id'], t['price'], t['qty'], t['isBuyerMaker']])).toEqual(tail.map((t) => [t['t'], t['p'], t['q'], t['m']]));
  });

  it('should send raw payloads on /ws and switch with SET_PROPERTY combined', async () => {
    const client = await BinanceTestClient.open(`${sim.url.replace('http', 'ws')}/ws/btcusdt@bookTicker`);
    await run(sim, clock, client, 5);
    expect(client.frames.length).toBeGreaterThan(0);
    for (const frame of client.frames) expect(strictShape(frame)).toEqual(strictShape(fixture('ws_bookTicker.json')));
    expect(await client.request('{"method":"GET_PROPERTY","params":["combined"],"id":7}')).toEqual([{ result: false, id: 7 }]);
    expect(await client.request(fixtureText('ws_set_property_request.json'))).toEqual([fixture('ws_set_property_response.json')]);
    client.frames.length = 0;
    await run(sim, clock, client, 5);
    for (const frame of client.frames) expect(obj(frame)['stream']).toBe('btcusdt@bookTicker');
    client.close();
  });

  it('should send serverShutdown in raw and combined form', async () => {
    const raw = await BinanceTestClient.open(`${sim.url.replace('http', 'ws')}/ws`);
    const wrapped = await BinanceTestClient.open(sim.wsUrl);
    sim.announceShutdown();
    await raw.barrier();
    await wrapped.barrier();
    expect(strictShape(raw.frames[0])).toEqual(strictShape(fixture('ws_server_shutdown_raw.json')));
    expect(strictShape(wrapped.frames[0])).toEqual(strictShape(fixture('ws_server_shutdown_combined.json')));
    expect(obj(wrapped.frames[0])['stream']).toBe('!serverShutdown');
    raw.close();
    wrapped.close();
  });

  it('should switch time fields to microseconds with timeUnit=MICROSECOND', async () => {
    const client = await BinanceTestClient.open(`${sim.wsUrl}?streams=btcusdt@trade&timeUnit=MICROSECOND`);
    await run(sim, clock, client, 30);
    const trade = obj(obj(client.frames[0])['data']);
    expect(trade['E']).toBe(Number(trade['E']) - (Number(trade['E']) % 1000));
    expect(Number(trade['T'])).toBeGreaterThan(1e15);
    client.close();
  });
});

describe('Binance simulator control requests', () => {
  let sim: BinanceSimulator;
  let client: BinanceTestClient;

  beforeAll(async () => {
    sim = await startBinanceSimulator({ clock: new ManualClock(T0), ws: { pushIntervalMs: 0, maxMessagesPerSecond: 1000 } });
    client = await BinanceTestClient.open(sim.wsUrl);
  });
  afterAll(async () => {
    client.close();
    await sim.close();
  });

  it('should answer the documented request fixtures with the documented replies', async () => {
    for (const name of ['subscribe', 'unsubscribe', 'list_subscriptions', 'get_property', 'set_property']) {
      const replies = await client.request(fixtureText(`ws_${name}_request.json`));
      expect([name, replies[0]]).toEqual([name, fixture(`ws_${name}_response.json`)]);
    }
    expect(await client.request('{"method":"LIST_SUBSCRIPTIONS","id":"abc"}')).toEqual([{ result: ['btcusdt@aggTrade'], id: 'abc' }]);
  });

  it('should echo 64-bit ids exactly', async () => {
    await client.request('{"method":"LIST_SUBSCRIPTIONS","id":9223372036854775807}');
    expect(client.texts[client.texts.length - 1]).toBe('{"result":["btcusdt@aggTrade"],"id":9223372036854775807}');
  });

  it('should answer errors with the documented templates', async () => {
    const templates = fixture('ws_control_error_templates.json') as string[];
    const requests = [
      '{"method":"GET_PROPERTY","params":["speed"],"id":4}',
      '{"method":"SET_PROPERTY","params":["combined","yes"],"id":4}',
      '{"method":"SET_PROPERTY","params":[1,true],"id":4}',
      '{"method":"LIST_SUBSCRIPTIONS","id":[1]}',
      '{"method":"PUBLISH","id":4}',
      '{"method":"SET_PROPERTY","params":["combined",true,1],"id":4}',
      '{"params":["btcusdt@trade"],"id":4}',
      '{"method":',
    ];
    expect(requests.length).toBe(templates.length);
    // The templates' column numbers belong to the documentation's own example requests.
    for (const [i, request] of requests.entries()) {
      await client.request(request);
      const pattern = (templates[i] ?? '').split('%s').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+').replace(/column \d+/, 'column \\d+');
      expect([request, client.texts[client.texts.length - 1]]).toEqual([request, expect.stringMatching(new RegExp(`^${pattern}$`))]);
    }
  });

  it('should log requests with their replies', () => {
    expect(sim.wsRequests.some((entry) => entry.text.includes('PUBLISH') && entry.reply.includes('unknown variant `PUBLISH`'))).toBe(true);
  });
});

describe('Binance simulator connection limits', () => {
  it('should close with 1008 above 5 incoming messages per second', async () => {
    const sim = await startBinanceSimulator({ clock: new ManualClock(T0), ws: { pushIntervalMs: 0 } });
    try {
      const client = await BinanceTestClient.open(sim.wsUrl);
      for (let i = 0; i < 12; i++) client.socket.send(`{"method":"LIST_SUBSCRIPTIONS","id":${i}}`);
      await client.waitFor(() => client.closed !== undefined);
      expect(client.closed?.code).toBe(1008);
      expect(client.frames.length).toBeGreaterThanOrEqual(5);
      expect(client.frames.length).toBeLessThan(12);
    } finally {
      await sim.close();
    }
  });

  it('should refuse more than maxStreams streams per connection', async () => {
    const sim = await startBinanceSimulator({ clock: new ManualClock(T0), ws: { pushIntervalMs: 0, maxStreams: 2 } });
    try {
      const client = await BinanceTestClient.open(sim.wsUrl);
      const [ok] = await client.request('{"method":"SUBSCRIBE","params":["btcusdt@trade","ethusdt@trade"],"id":1}');
      expect(ok).toEqual({ result: null, id: 1 });
      const [refused] = await client.request('{"method":"SUBSCRIBE","params":["xrpusdt@trade"],"id":2}');
      expect(obj(refused)['code']).toBe(2);
      client.close();
    } finally {
      await sim.close();
    }
  });

  it('should ping and drop a client that does not pong in time', async () => {
    const sim = await startBinanceSimulator({ clock: new ManualClock(T0), ws: { pushIntervalMs: 0, pingIntervalMs: 100, pongTimeoutMs: 250 } });
    try {
      const silent = await BinanceTestClient.open(sim.wsUrl, { autoPong: false });
      const polite = await BinanceTestClient.open(sim.wsUrl);
      await silent.waitFor(() => silent.closed !== undefined);
      expect(silent.pings).toBeGreaterThanOrEqual(2);
      expect(polite.closed).toBeUndefined();
      expect(polite.pings).toBeGreaterThanOrEqual(2);
      polite.close();
    } finally {
      await sim.close();
    }
  });

  it('should close a connection at the end of its lifetime', async () => {
    const sim = await startBinanceSimulator({ clock: new ManualClock(T0), ws: { pushIntervalMs: 0, maxLifetimeMs: 100 } });
    try {
      const client = await BinanceTestClient.open(sim.wsUrl);
      await client.waitFor(() => client.closed !== undefined);
      expect(client.closed?.code).toBe(1000);
    } finally {
      await sim.close();
    }
  });

  it('should answer ping frames with pongs, and send nothing (no reply, no pong) while stalled', async () => {
    const sim = await startBinanceSimulator({ clock: new ManualClock(T0), ws: { pushIntervalMs: 0 } });
    try {
      const client = await BinanceTestClient.open(sim.wsUrl);
      const pongs: string[] = [];
      client.socket.on('pong', (data: Buffer) => pongs.push(data.toString('utf8')));
      client.socket.ping('live');
      await client.waitFor(() => pongs.length === 1);
      sim.stallWs(true);
      client.socket.ping('stalled');
      client.socket.send('{"method":"LIST_SUBSCRIPTIONS","id":7}');
      await client.waitFor(() => sim.wsRequests.some((entry) => entry.text.includes('"id":7')));
      sim.stallWs(false);
      const [reply] = await client.request('{"method":"LIST_SUBSCRIPTIONS","id":8}');
      expect(reply).toEqual({ result: [], id: 8 });
      expect(pongs).toEqual(['live']);
      expect(client.frames).toEqual([reply]);
      client.close();
    } finally {
      await sim.close();
    }
  });

  it('should close new connections after N frames with 1008 "Too many requests" on closeNewWsConnections()', async () => {
    const sim = await startBinanceSimulator({ clock: new ManualClock(T0), ws: { pushIntervalMs: 0 } });
    try {
      sim.closeNewWsConnections({ afterFrames: 1, code: 1008, reason: 'Too many requests' });
      const client = await BinanceTestClient.open(sim.wsUrl);
      client.socket.send('{"method":"LIST_SUBSCRIPTIONS","id":1}');
      await client.waitFor(() => client.closed !== undefined);
      expect(client.closed).toMatchObject({ code: 1008, reason: 'Too many requests' });
      expect(client.frames).toEqual([{ result: [], id: 1 }]);
    } finally {
      await sim.close();
    }
  });

  it('should drop every connection on dropAll', async () => {
    const sim = await startBinanceSimulator({ clock: new ManualClock(T0), ws: { pushIntervalMs: 0 } });
    try {
      const client = await BinanceTestClient.open(sim.wsUrl);
      await client.waitFor(() => sim.wsConnections === 1);
      sim.dropAll();
      await client.waitFor(() => client.closed !== undefined);
      expect(client.closed?.code).toBe(1006);
    } finally {
      await sim.close();
    }
  });
});

describe('Binance simulator server shutdown', () => {
  it('should keep streaming after the notice and close (1001) the notified connections after the delay', async () => {
    const clock = new ManualClock(T0);
    const sim = await startBinanceSimulator({ clock, ws: { pushIntervalMs: 0, maxMessagesPerSecond: 1000, shutdownCloseDelayMs: 300 } });
    try {
      const client = await BinanceTestClient.open(`${sim.wsUrl}?streams=btcusdt@trade`);
      const announcedAt = Date.now();
      sim.announceShutdown();
      await run(sim, clock, client, 20);
      const notice = client.frames.findIndex((frame) => obj(frame)['stream'] === '!serverShutdown');
      expect(notice).toBe(0);
      // Data still flows between the notice and the close: a client that waits for the close gets it.
      expect(client.frames.slice(1).filter((frame) => obj(frame)['stream'] === 'btcusdt@trade').length).toBeGreaterThan(0);
      expect(client.closed).toBeUndefined();
      await client.waitFor(() => client.closed !== undefined);
      expect(client.closed).toEqual({ code: 1001, reason: 'Server shutting down' });
      expect(Date.now() - announcedAt).toBeGreaterThanOrEqual(290);
    } finally {
      await sim.close();
    }
  });

  it('should spare connections opened after the notice, and keep the notified ones open until the delay', async () => {
    const sim = await startBinanceSimulator({ clock: new ManualClock(T0), ws: { pushIntervalMs: 0, shutdownCloseDelayMs: 60_000 } });
    try {
      const old = await BinanceTestClient.open(sim.wsUrl);
      await old.waitFor(() => sim.wsConnections === 1);
      sim.announceShutdown();
      const fresh = await BinanceTestClient.open(sim.wsUrl);
      await fresh.waitFor(() => sim.wsConnections === 2);
      await old.barrier();
      expect(old.closed).toBeUndefined();
      expect(fresh.frames).toEqual([]);
      fresh.close();
      await old.waitFor(() => sim.wsConnections === 1);
    } finally {
      await sim.close();
    }
  });
});
