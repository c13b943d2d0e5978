/**
 * Upbit's `Origin` (browser) policy in the simulator: quotation REST requests and public WebSocket
 * upgrades/requests that carry an `Origin` header get 1 per `originWindowMs` (10 s on Upbit; 300 ms
 * here), on the model's manual clock.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ManualClock, startUpbitSimulator, type UpbitSimulator } from '../../src/testing/index.js';
import { UpbitRateLimits } from '../../src/testing/upbit/rate-limits.js';
import { UPBIT_WS_CLOSE_TOO_MANY_REQUESTS } from '../../src/testing/upbit/ws-limits.js';
import { get, T0 } from './helpers.js';

const WINDOW_MS = 300;
/** Start of a fresh origin window (and of a fresh one-second window). */
const START = Math.ceil(T0 / 3000) * 3000;
const ORIGIN = { Origin: 'https://app.example' };
const TICKER = '/v1/ticker?markets=KRW-BTC';
const TRADES = JSON.stringify([{ ticket: 't' }, { type: 'trade', codes: ['KRW-BTC'] }]);
const TOO_MANY = { error: { name: 'too_many_requests', message: 'Too many API requests.' } };

/** A `ws` client that records frames, pongs and the close. */
interface Client {
  readonly socket: WebSocket;
  readonly texts: string[];
  readonly pongs: number[];
  readonly closed: Promise<{ code: number; reason: string }>;
}

function connect(url: string, origin: string | undefined): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, origin === undefined ? {} : { headers: { Origin: origin } });
    const texts: string[] = [];
    const pongs: number[] = [];
    socket.on('message', (data: Buffer) => texts.push(data.toString('utf8')));
    socket.on('pong', () => pongs.push(Date.now()));
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      socket.on('close', (code, reason) => done({ code, reason: reason.toString('utf8') })),
    );
    socket.once('open', () => resolve({ socket, texts, pongs, closed }));
    socket.once('error', reject);
  });
}

/** Resolves once `predicate` holds (the server's replies arrive asynchronously). */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise<void>((resolve) => setTimeout(resolve, 5));
}

/** Sends `PING` and waits for its `{"status":"UP"}`: everything sent before it has been handled. */
async function barrier(client: Client): Promise<void> {
  const ups = (): number => client.texts.filter((text) => text === '{"status":"UP"}').length;
  const before = ups();
  client.socket.send('PING');
  await until(() => ups() > before || client.socket.readyState === WebSocket.CLOSED);
}

describe('Upbit simulator: Origin (browser) limits', () => {
  const clock = new ManualClock(START);
  const clients: Client[] = [];
  let sim: UpbitSimulator;
  const open = async (origin?: string): Promise<Client> => {
    const client = await connect(sim.wsUrl, origin);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    sim = await startUpbitSimulator({
      clock,
      rateLimits: { originWindowMs: WINDOW_MS, blockAfter: 2, blockBaseMs: 1000 },
      ws: { pushIntervalMs: 0, limits: { originWindowMs: WINDOW_MS } },
    });
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.socket.terminate();
    sim.resetLimits();
    sim.ws.resetLimits();
    sim.ws.clearLog();
    sim.clearLog();
    clock.set(START);
  });
  afterAll(async () => {
    await sim.close();
  });

  describe('REST', () => {
    it('should allow 1 Origin request per window in one shared `origin` budget, and report group=origin', async () => {
      const first = await get(sim.url, TICKER, ORIGIN);
      expect(first.status).toBe(200);
      expect(first.headers.get('remaining-req')).toBe('group=origin; min=600; sec=0');
      expect(first.headers.get('limit-by-ip')).toBe('Yes');
      // Another endpoint, same budget.
      const second = await get(sim.url, '/v1/orderbook?markets=KRW-BTC', ORIGIN);
      expect(second.status).toBe(429);
      expect(second.json).toEqual(TOO_MANY);
      expect(second.headers.get('remaining-req')).toBe('group=origin; min=600; sec=0');
      clock.advance(WINDOW_MS);
      const next = await get(sim.url, TICKER, ORIGIN);
      expect(next.status).toBe(200);
      expect(next.headers.get('remaining-req')).toBe('group=origin; min=600; sec=0');
    });

    it('should leave requests without Origin unaffected', async () => {
      expect((await get(sim.url, TICKER, ORIGIN)).status).toBe(200);
      expect((await get(sim.url, TICKER, ORIGIN)).status).toBe(429);
      const secs: Array<string | null> = [];
      for (let i = 0; i < 3; i++) {
        const reply = await get(sim.url, TICKER);
        expect(reply.status).toBe(200);
        secs.push(reply.headers.get('remaining-req'));
      }
      expect(secs).toEqual(['group=ticker; min=600; sec=9', 'group=ticker; min=600; sec=8', 'group=ticker; min=600; sec=7']);
      expect(sim.requests.map((entry) => entry.group)).toEqual(['ticker', 'ticker', 'ticker', 'ticker', 'ticker']);
    });

    it('should escalate to 418 as other groups do, blocking Origin requests only', async () => {
      expect((await get(sim.url, TICKER, ORIGIN)).status).toBe(200);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await get(sim.url, TICKER, ORIGIN)).status);
      expect(statuses).toEqual([429, 429, 418]);
      clock.advance(WINDOW_MS);
      const blocked = await get(sim.url, '/v1/market/all', ORIGIN);
      expect(blocked.status).toBe(418);
      expect(blocked.headers.get('remaining-req')).toBe('group=origin; min=600; sec=0');
      expect(blocked.headers.get('retry-after')).toBe('1');
      expect((await get(sim.url, TICKER)).status).toBe(200);
      clock.advance(1000);
      expect((await get(sim.url, TICKER, ORIGIN)).status).toBe(200);
    });

    it('should not apply the Origin budget to exchange (authenticated) groups', () => {
      const limits = new UpbitRateLimits({ originWindowMs: WINDOW_MS });
      expect(limits.check('default', START, true, 'access-key')).toEqual({ kind: 'ok', remaining: 29 });
      expect(limits.check('default', START, true, 'access-key')).toEqual({ kind: 'ok', remaining: 28 });
      expect(limits.check('ticker', START, true)).toEqual({ kind: 'ok', remaining: 0 });
      expect(limits.check('candles', START, true)).toEqual({ kind: 'limited' });
    });
  });

  describe('WebSocket', () => {
    it('should refuse a second Origin upgrade within the window with HTTP 429, and accept one after it', async () => {
      await open(ORIGIN.Origin);
      await expect(connect(sim.wsUrl, 'https://other.example')).rejects.toThrow('Unexpected server response: 429');
      // Without Origin, the per-IP limit still applies and is not used up.
      await open();
      await open();
      clock.advance(WINDOW_MS);
      await open(ORIGIN.Origin);
      expect(sim.ws.connections).toBe(4);
    });

    it('should close an Origin connection on a second request frame within the window', async () => {
      const client = await open(ORIGIN.Origin);
      client.socket.send(TRADES);
      await barrier(client);
      expect(sim.ws.requests).toHaveLength(1);
      client.socket.send(TRADES);
      expect(await client.closed).toEqual({ code: UPBIT_WS_CLOSE_TOO_MANY_REQUESTS, reason: 'Too many requests' });
      expect(sim.ws.requests).toHaveLength(1);
    });

    it('should not count PING text frames or ping control frames', async () => {
      const client = await open(ORIGIN.Origin);
      for (let i = 0; i < 3; i++) await barrier(client);
      client.socket.ping();
      await until(() => client.pongs.length === 1);
      client.socket.send(TRADES);
      await barrier(client);
      expect(client.socket.readyState).toBe(WebSocket.OPEN);
      expect(sim.ws.requests).toHaveLength(1);
      expect(sim.ws.pings).toBe(4);
      clock.advance(WINDOW_MS);
      client.socket.send(TRADES);
      await barrier(client);
      expect(client.socket.readyState).toBe(WebSocket.OPEN);
      expect(sim.ws.requests).toHaveLength(2);
    });

    it('should leave connections without Origin unaffected', async () => {
      const client = await open();
      for (let i = 0; i < 3; i++) client.socket.send(TRADES);
      await barrier(client);
      expect(client.socket.readyState).toBe(WebSocket.OPEN);
      expect(sim.ws.requests).toHaveLength(3);
    });
  });
});
