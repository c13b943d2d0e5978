/** The simulator's private routes under Upbit's exchange rate limits: per account, per group, 429 then 418. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiCredentials } from '../../src/core/private-adapter.js';
import { upbitAuthHeaders } from '../../src/exchanges/upbit/auth.js';
import { createUpbitPrivate, UPBIT_PRIVATE_RATE_LIMITS } from '../../src/exchanges/upbit/private.js';
import { PrivateClient } from '../../src/private/private-client.js';
import { parseJsonExact } from '../../src/transport/json/json.js';
import { ManualClock } from '../../src/testing/market/manual-clock.js';
import { startUpbitSimulator, type UpbitSimulator } from '../../src/testing/upbit/simulator.js';

/** Start of a fresh one-second window. */
const WINDOW = Date.UTC(2025, 6, 30, 12);
const ALICE = new ApiCredentials('alice-access', 'alice-secret');
const BOB = new ApiCredentials('bob-access', 'bob-secret');
/** Upbit's `default` group budget, as the reference states it (30 per second, per account). */
const DEFAULT_PER_SECOND = 30;

interface Answer {
  readonly status: number;
  readonly remaining: string | null;
  readonly retryAfter: string | null;
  readonly body: unknown;
}

/** A signed GET that bypasses the library's limiter. */
async function signedGet(sim: UpbitSimulator, credentials: ApiCredentials, path: string, query: Record<string, string> = {}): Promise<Answer> {
  const search = new URLSearchParams(query).toString();
  const reply = await fetch(`${sim.url}${path}${search === '' ? '' : `?${search}`}`, { headers: await upbitAuthHeaders(credentials, query) });
  const text = await reply.text();
  return { status: reply.status, remaining: reply.headers.get('remaining-req'), retryAfter: reply.headers.get('retry-after'), body: parseJsonExact(text) };
}

const secOf = (answer: Answer): number => Number(/sec=(\d+)$/.exec(answer.remaining ?? '')?.[1] ?? Number.NaN);

describe('Upbit simulator: exchange rate limits on private routes', () => {
  const clock = new ManualClock(WINDOW);
  let sim: UpbitSimulator;

  beforeAll(async () => {
    sim = await startUpbitSimulator({ clock, rateLimits: { blockAfter: 3, blockBaseMs: 1000 }, private: { matchIntervalMs: 0 } });
    sim.private.addAccount({ accessKey: ALICE.accessKey, secretKey: 'alice-secret', balances: { KRW: '1000000' } });
    sim.private.addAccount({ accessKey: BOB.accessKey, secretKey: 'bob-secret', balances: { KRW: '2000' } });
  });
  afterEach(() => {
    sim.resetLimits();
    sim.clearLog();
    clock.set(WINDOW);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('should count down Remaining-Req per account and answer the 31st request in a second with 429', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i <= DEFAULT_PER_SECOND; i++) answers.push(await signedGet(sim, ALICE, '/v1/accounts'));
    const served = answers.slice(0, DEFAULT_PER_SECOND);
    expect(served.every((a) => a.status === 200)).toBe(true);
    expect(served.map(secOf)).toEqual(Array.from({ length: DEFAULT_PER_SECOND }, (_, i) => DEFAULT_PER_SECOND - 1 - i));
    expect(served[0]?.remaining).toBe('group=default; min=1800; sec=29');
    const limited = answers[DEFAULT_PER_SECOND];
    expect(limited?.status).toBe(429);
    expect(limited?.body).toEqual({ error: { name: 'too_many_requests', message: 'Too many API requests.' } });
    expect(limited?.remaining).toBe('group=default; min=1800; sec=0');
    expect(sim.requests.map((r) => r.group)).toEqual(Array.from({ length: DEFAULT_PER_SECOND + 1 }, () => 'default'));

    // Another account has its own budget, and quotation groups are untouched.
    expect((await signedGet(sim, BOB, '/v1/accounts')).remaining).toBe('group=default; min=1800; sec=29');
    expect((await fetch(`${sim.url}/v1/ticker?markets=KRW-BTC`)).headers.get('remaining-req')).toBe('group=ticker; min=600; sec=9');

    clock.advance(1000);
    const nextSecond = await signedGet(sim, ALICE, '/v1/accounts');
    expect(nextSecond.status).toBe(200);
    expect(secOf(nextSecond)).toBe(DEFAULT_PER_SECOND - 1);
  });

  it('should count accounts and open orders in one default budget, validation errors included', async () => {
    expect(secOf(await signedGet(sim, ALICE, '/v1/accounts'))).toBe(29);
    const orders = await signedGet(sim, ALICE, '/v1/orders/open', { market: 'KRW-BTC' });
    expect(orders.status).toBe(200);
    expect(orders.remaining).toBe('group=default; min=1800; sec=28');
    const refused = await signedGet(sim, ALICE, '/v1/orders/open', { state: 'done' });
    expect(refused.status).toBe(400);
    expect(secOf(refused)).toBe(27);
  });

  it('should not count requests refused by authentication', async () => {
    const forged = await fetch(`${sim.url}/v1/accounts`, { headers: await upbitAuthHeaders(new ApiCredentials(ALICE.accessKey, 'wrong-secret')) });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('remaining-req')).toBeNull();
    expect(secOf(await signedGet(sim, ALICE, '/v1/accounts'))).toBe(29);
  });

  it('should block an account that keeps sending while limited (418 with Retry-After) and not the others', async () => {
    for (let i = 0; i < DEFAULT_PER_SECOND; i++) await signedGet(sim, ALICE, '/v1/accounts');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await signedGet(sim, ALICE, '/v1/orders/open')).status);
    expect(statuses).toEqual([429, 429, 429, 418]);
    const blocked = await signedGet(sim, ALICE, '/v1/accounts');
    expect(blocked.status).toBe(418);
    expect(blocked.retryAfter).toBe('1');
    expect(blocked.body).toEqual({ error: { name: 'too_many_requests', message: 'Too many API requests. Access blocked for 1 seconds.' } });
    expect((await signedGet(sim, BOB, '/v1/accounts')).status).toBe(200);
    clock.advance(1000);
    expect((await signedGet(sim, ALICE, '/v1/accounts')).status).toBe(200);
  });

  it('should apply ban() of the default group to every account', async () => {
    sim.ban(5000, 'default');
    expect((await signedGet(sim, ALICE, '/v1/accounts')).status).toBe(418);
    expect((await signedGet(sim, BOB, '/v1/accounts')).retryAfter).toBe('5');
    expect((await fetch(`${sim.url}/v1/ticker?markets=KRW-BTC`)).status).toBe(200);
  });
});

describe('PrivateClient against the rate-limited simulator', () => {
  let sim: UpbitSimulator;

  beforeAll(async () => {
    sim = await startUpbitSimulator({ clock: new ManualClock(WINDOW), limitClock: { now: () => Date.now() }, private: { matchIntervalMs: 0 } });
    sim.private.addAccount({ accessKey: ALICE.accessKey, secretKey: 'alice-secret', balances: { KRW: '1000000' } });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('should keep 40 concurrent getAccounts calls under the default group limit (no 429)', async () => {
    expect(UPBIT_PRIVATE_RATE_LIMITS.find((rule) => rule.group === 'default')?.limit).toBe(DEFAULT_PER_SECOND);
    const client = new PrivateClient(createUpbitPrivate({ restUrl: sim.url }), { credentials: ALICE, retry: false });
    const results = await Promise.all(Array.from({ length: 40 }, () => client.getAccounts()));
    expect(results.every((balances) => balances.length === 1 && balances[0]?.currency === 'KRW')).toBe(true);
    const log = sim.requests.filter((r) => r.path === '/v1/accounts');
    expect(log).toHaveLength(40);
    expect(log.filter((r) => r.status === 429)).toHaveLength(0);
    expect(log.every((r) => r.status === 200 && r.group === 'default')).toBe(true);
    // The limiter had to spread the calls: no fixed server second saw more than 30 of them.
    const perSecond = new Map<number, number>();
    for (const r of log) perSecond.set(Math.floor(r.receivedAt / 1000), (perSecond.get(Math.floor(r.receivedAt / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(DEFAULT_PER_SECOND);
    client.close();
  });
});
