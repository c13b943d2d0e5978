/**
 * The `/v1/stream` WebSocket of the gateway over a stand-in source the test pushes into: one upstream
 * subscription per key with the same bytes to every client, a slow client conflated (books) or closed
 * (trades) while another is unaffected, private channels behind the token, bad requests answered with
 * typed errors while the server stays up, and the drain.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { GatewayClient } from '../../src/remote/gateway-client.js';
import { CLOSE_GOING_AWAY, CLOSE_SLOW_CLIENT } from 'market-data-backbone/gateway';
import { until } from '../helpers/wait.js';
import { countingObserver, fakeSource, startGateway, TestClient } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: Parameters<typeof startGateway>[1] = {}) {
  const fake = fakeSource();
  const observer = countingObserver();
  const started = await startGateway(fake.source, { observer, ...options });
  cleanups.push(() => started.stop());
  const open = async (headers: Record<string, string> = {}): Promise<TestClient> => {
    const client = await TestClient.open(started.wsUrl, headers);
    cleanups.push(() => client.close());
    return client;
  };
  return { ...fake, ...started, observer, open };
}

const TICKER = { op: 'subscribe', channel: 'ticker', exchange: 'upbit', symbol: 'KRW-BTC' };
const tickerKey = 'ticker:upbit:KRW-BTC';

describe('gateway /v1/stream', () => {
  it('opens one upstream subscription per key for many clients and sends each the same bytes', async () => {
    const { open, push, subscriptions, active, observer, gateway } = await setup();
    const clients = await Promise.all(Array.from({ length: 25 }, () => open()));
    clients.forEach((client, i) => client.send({ ...TICKER, id: i }));
    await Promise.all(clients.map((client) => client.next((f) => f.type === 'ack', 'ack')));
    expect(subscriptions.get('ticker:KRW-BTC')).toBe(1);
    expect(gateway.upstreams).toBe(1);
    push('ticker:KRW-BTC', { type: 'ticker', market: 'KRW-BTC', last: '143250000.5' });
    await Promise.all(clients.map((client) => client.next((f) => f.type === 'event', 'event')));
    const frames = new Set(clients.map((client) => client.raw.find((text) => text.includes('"event"'))));
    expect([...frames]).toEqual([`{"type":"event","key":"${tickerKey}","data":{"type":"ticker","market":"KRW-BTC","last":"143250000.5"}}`]);
    expect(observer.counts['frames']).toBe(25);
    // A late joiner gets the latest ticker at once; the last to leave ends the upstream subscription.
    const late = await open();
    late.send(TICKER);
    expect((await late.next((f) => f.type === 'event', 'replayed ticker')).data?.['last']).toBe('143250000.5');
    for (const client of [...clients, late]) client.send({ ...TICKER, op: 'unsubscribe' });
    await until(() => active.get('ticker:KRW-BTC') === 0, 5_000, 'upstream unsubscribed');
    expect(subscriptions.get('ticker:KRW-BTC')).toBe(1);
    expect(observer.counts['subscriptions']).toBe(0);
  });

  it('conflates books and closes a client too slow for trades while another client gets everything', async () => {
    const { open, push, observer } = await setup({ limits: { slowClientBytes: 256 * 1024, maxBufferedBytes: 1024 * 1024 } });
    const slow = await open();
    const fast = await open();
    const book = { op: 'subscribe', channel: 'orderbook', exchange: 'upbit', symbol: 'KRW-BTC' };
    const trades = { op: 'subscribe', channel: 'trades', exchange: 'upbit', symbol: 'KRW-BTC' };
    for (const client of [slow, fast]) {
      client.send(book);
      client.send(trades);
    }
    await Promise.all([slow, fast].map((client) => until(() => client.frames.filter((f) => f.type === 'ack').length === 2, 5_000, 'acks')));
    // The slow client stops reading: the kernel's buffers fill, then the gateway's.
    (slow.ws as unknown as { _socket: Socket })._socket.pause();
    const padding = 'x'.repeat(10_000);
    let books = 0;
    while (observer.counts['conflated'] === 0) {
      for (let i = 0; i < 10; i += 1) push('orderbook:KRW-BTC', { type: 'orderBook', seq: ++books, padding });
      await until(() => fast.events('orderbook:upbit:KRW-BTC').length === books, 5_000, 'fast client has every book');
      if (books > 5_000) throw new Error('never conflated');
    }
    let trades$ = 0;
    while (observer.counts['slowClosed'] === 0) {
      for (let i = 0; i < 10; i += 1) push('trades:KRW-BTC', { type: 'trade', id: String(++trades$), padding });
      await until(() => fast.events('trades:upbit:KRW-BTC').length === trades$, 5_000, 'fast client has every trade');
      if (trades$ > 5_000) throw new Error('never closed');
    }
    // The fast client saw every book in order and every trade; it is still subscribed and open.
    expect(fast.events('orderbook:upbit:KRW-BTC').map((f) => f.data?.['seq'])).toEqual(Array.from({ length: books }, (_, i) => i + 1));
    expect(fast.closed).toBeUndefined();
    push('trades:KRW-BTC', { type: 'trade', id: 'after' });
    await fast.next((f) => f.data?.['id'] === 'after', 'a trade after the slow client left');
    // The slow client reads again: what was sent, then the close frame with its code and reason.
    (slow.ws as unknown as { _socket: Socket })._socket.resume();
    await until(() => slow.closed !== undefined, 10_000, 'slow client closed');
    expect(slow.closed?.code).toBe(CLOSE_SLOW_CLIENT);
    expect(slow.closed?.reason).toMatch(/^slow client: \d+ bytes unsent on trades:upbit:KRW-BTC/);
    const seen = slow.events('trades:upbit:KRW-BTC').map((f) => Number(f.data?.['id']));
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1)); // no trade skipped before the close
    expect(observer.counts['slowClosed']).toBe(1);
  });

  it('refuses private channels without a valid gateway token and forwards them with one', async () => {
    const { open, wsUrl, push } = await setup({ tokens: ['s3cret-token'] });
    const anonymous = await open();
    anonymous.send({ op: 'subscribe', id: 'o', channel: 'myOrder', exchange: 'upbit' });
    expect((await anonymous.next((f) => f.id === 'o', 'refusal')).error).toMatchObject({ name: 'GatewayError', code: 'unauthorized' });
    anonymous.send({ op: 'auth', id: 'a', token: 's3cret-tokem' });
    expect((await anonymous.next((f) => f.id === 'a', 'auth refusal')).error?.code).toBe('unauthorized');
    anonymous.send({ op: 'auth', id: 'b', token: 's3cret-token' });
    expect((await anonymous.next((f) => f.id === 'b', 'auth ack')).type).toBe('ack');
    anonymous.send({ op: 'subscribe', id: 'o2', channel: 'myAsset', exchange: 'upbit' });
    expect((await anonymous.next((f) => f.id === 'o2', 'ack')).type).toBe('ack');
    push('myAsset', { type: 'myAsset', assets: [] });
    await anonymous.next((f) => f.type === 'event' && f.key === 'myAsset:upbit', 'private event');
    // A Bearer header at the upgrade: accepted when right, the upgrade refused when wrong.
    const bearer = await open({ authorization: 'Bearer s3cret-token' });
    bearer.send({ op: 'subscribe', id: 1, channel: 'myOrder', exchange: 'upbit' });
    expect((await bearer.next((f) => f.id === 1, 'ack')).type).toBe('ack');
    await expect(TestClient.open(wsUrl, { authorization: 'Bearer nope' })).rejects.toThrow(/401/);
  });

  it('refuses private channels on a gateway with no token configured', async () => {
    const { open } = await setup();
    const client = await open();
    client.send({ op: 'auth', id: 1, token: '' });
    expect((await client.next((f) => f.id === 1, 'refusal')).error?.code).toBe('unauthorized');
    client.send({ op: 'subscribe', id: 2, channel: 'myOrder', exchange: 'upbit' });
    expect((await client.next((f) => f.id === 2, 'refusal')).error?.message).toMatch(/no token configured/);
  });

  it('answers bad requests with typed errors and stays up', async () => {
    const { open, url, subscriptions } = await setup({ limits: { maxSubscriptions: 50, maxMessagesPerSecond: 1_000_000, maxBurst: 1_000_000, maxFrameBytes: 1024 } });
    const client = await open();
    client.send({ op: 'explode', id: 1 });
    client.send('{"op": "subscribe", ');
    client.send({ op: 'subscribe', id: 3, channel: 'ticker', symbol: 'x'.repeat(2000) });
    client.send({ op: 'subscribe', id: 4, channel: 'nope', symbol: 'KRW-BTC' });
    client.send({ op: 'subscribe', id: 5, channel: 'ticker' });
    // A frame that cannot be read (bad JSON) or is not read (too large) is answered without its id.
    const unread: Record<number, string> = { 2: 'bad-json', 3: 'frame-too-large' };
    const codes = async (id: number) => (await client.next((f) => f.id === id || f.error?.code === unread[id], `reply ${id}`)).error?.code;
    expect(await codes(1)).toBe('unknown-op');
    expect(await codes(2)).toBe('bad-json');
    expect(await codes(3)).toBe('frame-too-large');
    expect(await codes(4)).toBe('bad-request');
    expect(await codes(5)).toBe('bad-request');
    // 10,000 subscriptions from one client: 50 acks, then typed refusals; one upstream per key only.
    for (let i = 0; i < 10_000; i += 1) client.send({ op: 'subscribe', id: `s${i}`, channel: 'ticker', exchange: 'upbit', symbol: `KRW-C${i}` });
    await until(() => client.frames.filter((f) => typeof f.id === 'string' && f.id.startsWith('s')).length === 10_000, 20_000, '10,000 replies');
    const replies = client.frames.filter((f) => typeof f.id === 'string' && f.id.startsWith('s'));
    expect(replies.filter((f) => f.type === 'ack')).toHaveLength(50);
    expect(new Set(replies.filter((f) => f.type === 'error').map((f) => f.error?.code))).toEqual(new Set(['too-many-subscriptions']));
    expect(subscriptions.size).toBe(50);
    // A frame far over the cap ends that connection (1009), not the server.
    const huge = await open();
    huge.send('x'.repeat(200_000));
    await until(() => huge.closed !== undefined, 5_000, 'oversized frame closes');
    expect(huge.closed?.code).toBe(1009);
    const other = await open();
    other.send({ ...TICKER, id: 'ok' });
    expect((await other.next((f) => f.id === 'ok', 'ack')).type).toBe('ack');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(client.closed).toBeUndefined();
  });

  it('refuses exchanges it does not serve, over HTTP (404) and the socket', async () => {
    const { open, url } = await setup({ exchanges: ['upbit'] });
    const client = await open();
    client.send({ ...TICKER, id: 1, exchange: 'binance', symbol: 'BTCUSDT' });
    client.send({ op: 'subscribe', id: 2, channel: 'arbitrage', base: 'BTC', exchanges: ['upbit', 'coinone'] });
    client.send({ ...TICKER, id: 3 });
    expect((await client.next((f) => f.id === 1, 'refusal')).error).toMatchObject({ code: 'not-found', message: 'Exchange binance is not served here (upbit)' });
    expect((await client.next((f) => f.id === 2, 'refusal')).error?.message).toMatch(/coinone is not served/);
    expect((await client.next((f) => f.id === 3, 'ack')).type).toBe('ack');
    for (const path of ['/v1/trades?exchange=binance&symbol=BTCUSDT', '/v1/ticker?exchange=coinone&symbol=KRW-BTC', '/v1/arbitrage?base=BTC&exchanges=upbit,binance']) {
      const reply = await fetch(`${url}${path}`);
      expect(reply.status, path).toBe(404);
      expect(((await reply.json()) as { error: { code: string } }).error.code).toBe('not-found');
    }
  });

  it('limits the request rate per client with typed errors', async () => {
    const { open } = await setup({ limits: { maxMessagesPerSecond: 5, maxBurst: 5 } });
    const client = await open();
    for (let i = 0; i < 40; i += 1) client.send({ op: 'ping', id: i });
    await until(() => client.frames.length === 40, 5_000, '40 replies');
    expect(client.frames.filter((f) => f.type === 'pong').length).toBeLessThan(20);
    expect(client.frames.filter((f) => f.error?.code === 'rate-limited').length).toBeGreaterThan(20);
  });

  it('drops a client that stops answering pings and keeps one that answers', async () => {
    const { wsUrl, observer, gateway, open } = await setup({ heartbeatMs: 50 });
    const silent = new WebSocket(wsUrl, { autoPong: false });
    await once(silent, 'open');
    const answering = await open();
    cleanups.push(() => silent.terminate());
    const [code] = (await once(silent, 'close')) as [number];
    expect(code).toBe(1006); // cut, not closed: a dead peer would not read a close frame
    await until(() => observer.closeCodes.length === 1, 5_000, 'the gateway to count the close');
    answering.send({ op: 'ping', id: 'still' });
    await answering.next((f) => f.id === 'still', 'pong after the drop');
    expect(answering.closed).toBeUndefined();
    expect(gateway.clients).toBe(1);
  });

  it('is not ready while a ticker feed open longer than readyStaleMs has been silent as long', async () => {
    const { open, push, url } = await setup({ readyStaleMs: 100 });
    const ready = async () => {
      const reply = await fetch(`${url}/readyz`);
      return { status: reply.status, body: (await reply.json()) as { stale: string[] } };
    };
    const client = await open();
    client.send(TICKER);
    await client.next((f) => f.type === 'ack', 'ack');
    expect((await ready()).status).toBe(200);
    let stale = await ready();
    while (stale.status === 200) stale = await ready();
    expect(stale).toEqual({ status: 503, body: { ready: false, draining: false, stale: [tickerKey] } });
    push('ticker:KRW-BTC', { type: 'ticker', last: '1' });
    expect((await ready()).status).toBe(200);
  });

  it('drains: not ready, sockets closed with 1001, the HTTP request in flight answered', async () => {
    const { open, gateway, source, url } = await setup();
    let release: (trades: unknown[]) => void = () => undefined;
    let asked = false;
    (source as { getTrades: unknown }).getTrades = () => {
      asked = true;
      return new Promise((resolve) => (release = resolve));
    };
    // The same gateway embedded in a server of the user's own, which drain does not close.
    const embedding = createServer((request, response) => {
      if (!gateway.handleRequest(request, response)) response.writeHead(404).end();
    });
    embedding.listen(0, '127.0.0.1');
    await once(embedding, 'listening');
    cleanups.push(() => new Promise<void>((resolve) => embedding.close(() => resolve())));
    const embedded = `http://127.0.0.1:${(embedding.address() as AddressInfo).port}`;
    expect((await fetch(`${embedded}/readyz`)).status).toBe(200);
    const client = await open();
    client.send(TICKER);
    await client.next((f) => f.type === 'ack', 'ack');
    const inFlight = fetch(`${url}/v1/trades?symbol=KRW-BTC`);
    await until(() => asked, 5_000, 'request reaches the source');
    let drained = false;
    const drain = gateway.drain(10_000).then(() => (drained = true));
    await until(() => client.closed !== undefined, 5_000, 'socket closed');
    expect(client.closed?.code).toBe(CLOSE_GOING_AWAY);
    const ready = await fetch(`${embedded}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, draining: true });
    expect(drained).toBe(false);
    release([{ type: 'trade', id: '7', price: '1.5' }]);
    const reply = await inFlight;
    expect(reply.status).toBe(200);
    expect(await reply.text()).toBe('[{"type":"trade","id":"7","price":"1.5"}]');
    await drain;
    expect(drained).toBe(true);
    await expect(TestClient.open(`${url.replace('http', 'ws')}/v1/stream`)).rejects.toThrow();
  });
});

describe('gateway client heartbeat', () => {
  it('leaves a gateway that accepts the socket but never answers, for the next URL', async () => {
    const silent = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(silent, 'listening');
    cleanups.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const { wsUrl, push, gateway } = await setup();
    const client = new GatewayClient({ urls: [`ws://127.0.0.1:${(silent.address() as AddressInfo).port}`, wsUrl], heartbeatMs: 100 });
    cleanups.push(() => client.close());
    const values: unknown[] = [];
    const subscription = client.stream({ channel: 'ticker', exchange: 'upbit', symbol: 'KRW-BTC' }).subscribe((value) => values.push(value));
    cleanups.push(() => subscription.unsubscribe());
    await until(() => silent.clients.size === 1, 5_000, 'the client on the silent server');
    await until(() => gateway.clients === 1, 5_000, 'the client on the gateway after a silent heartbeat period');
    expect(client.moves).toBe(1);
    await until(() => gateway.upstreams === 1, 5_000, 'subscribed again');
    push('ticker:KRW-BTC', { type: 'ticker', last: '2.5' });
    await until(() => values.length === 1, 5_000, 'a ticker through the second gateway');
    expect(JSON.stringify(values)).toBe('[{"type":"ticker","last":"2.5"}]');
  });
});
