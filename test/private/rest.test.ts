/** Signed REST against the simulator: accepted requests, every rejection as a typed error, no secret leaks. */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiCredentials } from '../../src/core/private-adapter.js';
import { AuthenticationError } from '../../src/errors/index.js';
import { createUpbitPrivate } from '../../src/exchanges/upbit/private.js';
import { PrivateClient, type PrivateClientOptions } from '../../src/private/private-client.js';
import type { FetchLike } from '../../src/transport/http/rest-client.js';
import { ManualClock } from '../../src/testing/market/manual-clock.js';
import { startUpbitSimulator, type UpbitSimulator } from '../../src/testing/upbit/simulator.js';

const ACCESS = 'rest-access-key';
const SECRET = 'rest-secret-key-do-not-leak-7f3a9c';
const T0 = Date.UTC(2025, 6, 30, 12);
let sim: UpbitSimulator;
const clock = new ManualClock(T0);
const caught: unknown[] = [];

/** A hand-made HS512 token (independent of the client's signer). */
function token(payload: Record<string, unknown>, secret = SECRET): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const head = `${part({ alg: 'HS512', typ: 'JWT' })}.${part(payload)}`;
  return `${head}.${createHmac('sha512', secret).update(head).digest('base64url')}`;
}

function client(options: PrivateClientOptions = {}): PrivateClient {
  return new PrivateClient(createUpbitPrivate({ restUrl: sim.url }), { accessKey: ACCESS, secretKey: SECRET, retry: false, ...options });
}

async function rejection(promise: Promise<unknown>): Promise<AuthenticationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  caught.push(error);
  expect(error).toBeInstanceOf(AuthenticationError);
  return error as AuthenticationError;
}

const plainFetch: FetchLike = (url, init) => fetch(url, init);

beforeAll(async () => {
  sim = await startUpbitSimulator({ clock, limitClock: { now: () => Date.now() }, private: { matchIntervalMs: 0 } });
  sim.private.addAccount({ accessKey: ACCESS, secretKey: SECRET, balances: { KRW: '5000000', BTC: '0.5' } });
  sim.private.addAccount({ accessKey: 'walled-key', secretKey: SECRET, allowedIps: ['10.9.8.7'] });
  sim.private.addAccount({ accessKey: 'old-key', secretKey: SECRET, expiresAt: Date.UTC(2020, 0, 1) });
});

afterAll(async () => {
  await sim.close();
});

describe('PrivateClient REST against the Upbit simulator', () => {
  it('accepts a signed GET /v1/accounts', async () => {
    const balances = await client().getAccounts();
    expect(balances.map((b) => [b.currency, b.balance.toString(), b.locked.toString()])).toEqual([
      ['KRW', '5000000', '0'],
      ['BTC', '0.5', '0'],
    ]);
  });

  it('lists an open order of one market with its exact values', async () => {
    const price = sim.model.lastTrade('KRW-BTC')!.price.times('0.5').round(0, 0);
    const id = sim.private.placeOrder(ACCESS, { market: 'KRW-BTC', side: 'bid', ordType: 'limit', price: price.toFixed(), volume: '0.01', identifier: 'mine-1' });
    const orders = await client().getOpenOrders('BTC/KRW');
    expect(orders).toHaveLength(1);
    const [order] = orders;
    expect(order).toMatchObject({ id, market: 'KRW-BTC', symbol: 'BTC/KRW', side: 'buy', orderType: 'limit', state: 'wait', clientOrderId: 'mine-1', createdAt: T0 });
    expect(order!.price!.eq(price)).toBe(true);
    expect(order!.locked.eq(price.times('0.01').times('1.0005'))).toBe(true);
    expect(await client().getOpenOrders('KRW-ETH')).toEqual([]);
  });

  it('reads every page of open orders (Upbit serves 100 a page), each order once, newest first', async () => {
    const key = 'pager-key';
    sim.private.addAccount({ accessKey: key, secretKey: SECRET, balances: { KRW: '10000000' } });
    const price = sim.model.lastTrade('KRW-BTC')!.price.times('0.5').round(0, 0).toFixed();
    const placed: string[] = [];
    for (let i = 0; i < 250; i++) placed.push(sim.private.placeOrder(key, { market: 'KRW-BTC', side: 'bid', ordType: 'limit', price, volume: '0.0001' }));
    sim.clearLog();
    const orders = await client({ accessKey: key }).getOpenOrders('KRW-BTC');
    expect(orders.map((o) => o.id)).toEqual([...placed].reverse());
    // Three signed pages (the simulator checks each query_hash, page and limit included), the last short.
    const pages = sim.requests.filter((r) => r.path === '/v1/orders/open');
    expect(pages.map((r) => [r.status, r.query['page'], r.query['limit']])).toEqual([
      [200, '1', '100'],
      [200, '2', '100'],
      [200, '3', '100'],
    ]);
  });

  it('answers a page out of range with validation_error', async () => {
    const query = 'limit=101';
    const response = await fetch(`${sim.url}/v1/orders/open?${query}`, {
      headers: { Authorization: `Bearer ${token({ access_key: ACCESS, nonce: randomUUID(), query_hash: createHash('sha512').update(query).digest('hex'), query_hash_alg: 'SHA512' })}` },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { name: 'validation_error' } });
  });

  it('rejects a tampered signature (wrong secret) with jwt_verification', async () => {
    const error = await rejection(client({ secretKey: 'another-secret' }).getAccounts());
    expect(error).toMatchObject({ code: 'jwt_verification', status: 401, exchange: 'upbit' });
  });

  it('rejects a reused nonce with nonce_used', async () => {
    let first: string | undefined;
    const replaying: FetchLike = (url, init) => {
      const authorization = first ?? init.headers['Authorization'] ?? '';
      first = authorization;
      return plainFetch(url, { ...init, headers: { ...init.headers, Authorization: authorization } });
    };
    const replayer = client({ fetch: replaying });
    await replayer.getAccounts();
    const error = await rejection(replayer.getAccounts());
    expect(error).toMatchObject({ code: 'nonce_used', status: 401 });
  });

  it('rejects a query that differs from the signed one with invalid_query_payload', async () => {
    const swapping: FetchLike = (url, init) => plainFetch(url.replace('market=KRW-BTC', 'market=KRW-ETH'), init);
    const error = await rejection(client({ fetch: swapping }).getOpenOrders('KRW-BTC'));
    expect(error).toMatchObject({ code: 'invalid_query_payload', status: 400 });
  });

  it('rejects an unknown access key with invalid_access_key', async () => {
    const error = await rejection(client({ accessKey: 'nobody' }).getAccounts());
    expect(error).toMatchObject({ code: 'invalid_access_key', status: 401 });
  });

  it('rejects an expired key with expired_access_key', async () => {
    const error = await rejection(client({ accessKey: 'old-key' }).getAccounts());
    expect(error).toMatchObject({ code: 'expired_access_key', status: 401 });
  });

  it('rejects a caller outside the allow-listed IPs with no_authorization_ip', async () => {
    const error = await rejection(client({ accessKey: 'walled-key' }).getAccounts());
    expect(error).toMatchObject({ code: 'no_authorization_ip', status: 401 });
    expect(error.message).toContain('This is not a verified IP.');
  });

  it('hashes array params unencoded (states[]=wait&states[]=watch), not in their URL-encoded form', async () => {
    const encoded = 'states%5B%5D=wait&states%5B%5D=watch';
    const send = (hashed: string): Promise<Response> =>
      fetch(`${sim.url}/v1/orders/open?${encoded}`, {
        headers: {
          Authorization: `Bearer ${token({ access_key: ACCESS, nonce: randomUUID(), query_hash: createHash('sha512').update(hashed).digest('hex'), query_hash_alg: 'SHA512' })}`,
        },
      });
    const good = await send('states[]=wait&states[]=watch');
    expect(good.status).toBe(200);
    expect(Array.isArray(await good.json())).toBe(true);
    const bad = await send(encoded);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { name: 'invalid_query_payload', message: 'Failed to verify the query.' } });
  });

  it('reads keys from the environment when none are passed', async () => {
    const adapter = createUpbitPrivate({ restUrl: sim.url });
    const fromEnv = new PrivateClient(adapter, { env: { UPBIT_ACCESS_KEY: ACCESS, UPBIT_SECRET_KEY: SECRET }, retry: false });
    expect((await fromEnv.getAccounts()).length).toBeGreaterThan(0);
    expect(() => new PrivateClient(adapter, { env: {} })).toThrow(/UPBIT_ACCESS_KEY and UPBIT_SECRET_KEY/);
  });

  it('never shows the secret: errors, console output, inspect and JSON of client and credentials', async () => {
    const logs: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logs.push(args.map((a) => inspect(a, { depth: 8 })).join(' '))),
    );
    try {
      const c = client();
      caught.push(await client({ secretKey: 'x' + SECRET }).getAccounts().catch((e: unknown) => e));
      console.log(c, c.credentials);
      console.error(caught);
      const shown = [
        inspect(c, { depth: 10, showHidden: true }),
        JSON.stringify(c),
        String(c),
        inspect(c.credentials, { showHidden: true }),
        JSON.stringify(new ApiCredentials(ACCESS, SECRET)),
        ...caught.map((e) => `${inspect(e, { depth: 10 })} ${String(e)} ${JSON.stringify(e)} ${(e as Error).stack ?? ''}`),
        ...logs,
      ];
      expect(caught.length).toBeGreaterThanOrEqual(6);
      for (const text of shown) expect(text).not.toContain(SECRET);
      expect(logs.join('\n')).toContain(ACCESS);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
