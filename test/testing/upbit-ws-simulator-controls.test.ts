import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, MarketModel } from '../../src/testing/index.js';
import { UPBIT_WS_CLOSE_IDLE, UPBIT_WS_CLOSE_TOO_MANY_REQUESTS } from '../../src/testing/upbit/ws-limits.js';
import { attachUpbitWebSocket, startUpbitWsSimulator, type UpbitWsSimulator } from '../../src/testing/upbit/ws-simulator.js';
import { T0 } from './helpers.js';
import { eventually, isStatusUp, rec, TestClient } from './upbit-ws-client.js';

const TRADES = [{ ticket: 't' }, { type: 'trade', codes: ['KRW-BTC'] }];

describe('Upbit WebSocket simulator: limits and failure controls', () => {
  let clock: ManualClock;
  let sim: UpbitWsSimulator;
  const clients: TestClient[] = [];
  const open = async (): Promise<TestClient> => {
    const client = await TestClient.open(sim.url);
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    clock = new ManualClock(T0);
    sim = await startUpbitWsSimulator({ clock, pushIntervalMs: 0 });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await sim.close();
  });

  it('should close a connection with no client message after idleTimeoutMs', async () => {
    await sim.close();
    sim = await startUpbitWsSimulator({ clock, pushIntervalMs: 0, idleTimeoutMs: 100 });
    const client = await open();
    expect(await client.closed).toEqual({ code: UPBIT_WS_CLOSE_IDLE, reason: 'Idle timeout' });
    expect(sim.connections).toBe(0);
  });

  it('should close a connection over 5 request messages per second, and allow 5 more a second later', async () => {
    const client = await open();
    for (let i = 0; i < 5; i++) client.send(TRADES);
    await client.barrier();
    clock.advance(1000);
    for (let i = 0; i < 5; i++) client.send(TRADES);
    await client.barrier();
    expect(sim.requests).toHaveLength(10);
    client.send(TRADES);
    expect(await client.closed).toEqual({ code: UPBIT_WS_CLOSE_TOO_MANY_REQUESTS, reason: 'Too many requests' });
    expect(sim.requests).toHaveLength(10);
  });

  it('should refuse a 6th connection within a second with HTTP 429, and accept it a second later', async () => {
    for (let i = 0; i < 5; i++) await open();
    await expect(TestClient.open(sim.url)).rejects.toThrow('Unexpected server response: 429');
    clock.advance(1000);
    await open();
    expect(sim.connections).toBe(6);
  });

  it('should terminate every connection on dropAll() (abnormal close 1006)', async () => {
    const [a, b] = [await open(), await open()];
    expect(sim.connections).toBe(2);
    sim.dropAll();
    expect((await a.closed).code).toBe(1006);
    expect((await b.closed).code).toBe(1006);
    expect(sim.connections).toBe(0);
  });

  it('should send nothing while stalled (no data, no status UP, no pong) and resume after', async () => {
    const client = await open();
    await client.exchange(TRADES);
    sim.stall(true);
    const [mark, pings] = [client.frames.length, sim.pings];
    client.ping('stalled');
    client.send('PING');
    await eventually(() => sim.pings === pings + 1);
    clock.advance(5000);
    sim.tick();
    sim.stall(false);
    client.ping('live');
    await client.until(() => client.pongs.length > 0);
    const after = await client.barrier();
    expect(client.pongs).toEqual(['live']);
    expect(client.frames.slice(mark).filter(isStatusUp)).toHaveLength(1);
    expect(after).toEqual([]);
    expect(sim.connections).toBe(1);
    clock.advance(5000);
    sim.tick();
    expect((await client.barrier()).length).toBeGreaterThan(0);
  });

  it('should send a non-JSON binary frame on sendGarbage() and raw text on sendRaw()', async () => {
    const client = await open();
    sim.sendGarbage();
    sim.sendRaw('{"hello":1}');
    sim.sendRaw('plain', false);
    await client.until(() => client.frames.length === 3);
    const [garbage, raw, text] = client.frames;
    expect(garbage?.binary).toBe(true);
    expect(garbage?.json).toBeUndefined();
    expect(raw).toEqual({ binary: true, text: '{"hello":1}', json: { hello: 1 } });
    expect(text?.binary).toBe(false);
  });

  it('should refuse upgrades with HTTP 503 for refuseConnections(ms) of clock time, keeping open ones', async () => {
    const existing = await open();
    sim.refuseConnections(5000);
    await expect(TestClient.open(sim.url)).rejects.toThrow('Unexpected server response: 503');
    clock.advance(4999);
    await expect(TestClient.open(sim.url)).rejects.toThrow('Unexpected server response: 503');
    clock.advance(1);
    await open();
    expect(sim.connections).toBe(2);
    expect(await existing.barrier()).toEqual([]);
  });

  it('should close new connections after N frames with the given code on closeNewConnections(), until cleared', async () => {
    const existing = await open();
    sim.closeNewConnections({ afterFrames: 1, code: UPBIT_WS_CLOSE_TOO_MANY_REQUESTS, reason: 'Too many requests' });
    const once = await open();
    once.send(TRADES); // the snapshot is the one frame let out
    expect(await once.closed).toEqual({ code: UPBIT_WS_CLOSE_TOO_MANY_REQUESTS, reason: 'Too many requests' });
    expect(once.frames).toHaveLength(1);
    expect(rec(once.frames[0]).type).toBe('trade');
    sim.closeNewConnections({ afterFrames: 0, code: 1011, reason: 'Internal error' });
    expect(await (await open()).closed).toEqual({ code: 1011, reason: 'Internal error' });
    sim.closeNewConnections(undefined);
    const healthy = await open();
    expect((await healthy.exchange(TRADES)).length).toBeGreaterThan(0);
    expect((await existing.exchange(TRADES)).length).toBeGreaterThan(0);
    expect(sim.connections).toBe(2);
  });

  it('should answer other paths with HTTP 404', async () => {
    await expect(TestClient.open(sim.url.replace('/websocket/v1', '/websocket/v1/private'))).rejects.toThrow('Unexpected server response: 404');
  });

  it('should close only the affected connection with 1011 when the model throws', async () => {
    class BrokenModel extends MarketModel {
      override ticker(): never {
        throw new Error('boom');
      }
    }
    await sim.close();
    sim = await startUpbitWsSimulator({ model: new BrokenModel({ clock }), pushIntervalMs: 0 });
    const [broken, healthy] = [await open(), await open()];
    broken.send([{ ticket: 't' }, { type: 'ticker', codes: ['KRW-BTC'] }]);
    expect(await broken.closed).toEqual({ code: 1011, reason: 'Simulator failure' });
    expect((sim.failures[0] as Error).message).toBe('boom');
    const [book] = await healthy.exchange([{ ticket: 't' }, { type: 'orderbook', codes: ['KRW-BTC'] }]);
    expect(rec(book).type).toBe('orderbook');
  });

  it('should close every connection on close()', async () => {
    const client = await open();
    await sim.close();
    expect((await client.closed).code).toBe(1006);
  });
});

describe('attachUpbitWebSocket', () => {
  let server: Server;
  let base: string;

  beforeEach(async () => {
    server = createServer((_request, response) => response.end('rest'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('should share the port with REST, and leave the server running on close()', async () => {
    const model = new MarketModel({ clock: new ManualClock(T0) });
    const ws = attachUpbitWebSocket(server, model, { pushIntervalMs: 0 });
    expect(ws.url).toBe(`ws://${base}/websocket/v1`);
    const client = await TestClient.open(ws.url);
    const [ticker] = await client.exchange([{ ticket: 't' }, { type: 'ticker', codes: ['KRW-BTC'] }]);
    expect(rec(ticker).trade_timestamp).toBe(model.ticker('KRW-BTC', T0)?.tradeTimestamp);
    expect(await (await fetch(`http://${base}/v1/ticker`)).text()).toBe('rest');
    await ws.close();
    expect((await client.closed).code).toBe(1006);
    expect(await (await fetch(`http://${base}/v1/ticker`)).text()).toBe('rest');
    expect(server.listening).toBe(true);
  });
});
