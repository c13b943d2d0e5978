/** Private streams end to end: a simulated order that fills, seen as myOrder wait → trade → done and myAsset. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { filter, firstValueFrom, merge, Subscription, take, toArray } from 'rxjs';
import { AuthenticationError, PrivateStreamUnsupportedError } from '../../src/errors/index.js';
import { createUpbitPrivate } from '../../src/exchanges/upbit/private.js';
import { Big } from '../../src/model/decimal.js';
import type { MyAssetEvent, MyOrderEvent, PrivateEvent } from '../../src/model/account.js';
import { PrivateClient } from '../../src/private/private-client.js';
import { ManualClock } from '../../src/testing/market/manual-clock.js';
import { startUpbitSimulator, type UpbitSimulator } from '../../src/testing/upbit/simulator.js';

const ACCESS = 'stream-access-key';
const SECRET = 'stream-secret-key-4b1d';
const T0 = Date.UTC(2025, 6, 30, 12);
const MARKET = 'KRW-BTC';
let sim: UpbitSimulator;
let clock: ManualClock;
let subscriptions = new Subscription();

function client(format: 'DEFAULT' | 'SIMPLE' = 'DEFAULT', secretKey = SECRET): PrivateClient {
  const adapter = createUpbitPrivate({ restUrl: sim.url, wsUrl: sim.privateWsUrl, format });
  return new PrivateClient(adapter, { accessKey: ACCESS, secretKey, retry: false, backoff: { initialDelayMs: 20, jitter: 0 } });
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A price the model's trades reach below the current one, and the instant by which they have. */
function reachableDip(): { price: Big; at: number } {
  const now = clock.now();
  const last = sim.model.lastTrade(MARKET, now)!.price;
  for (let minutes = 1; minutes <= 24 * 60; minutes++) {
    const range = sim.model.aggregate(MARKET, now + 1, now + minutes * 60_000);
    if (range !== undefined && range.low.lt(last)) return { price: range.low, at: now + minutes * 60_000 - 1 };
  }
  throw new Error('the model never dips within a day');
}

beforeEach(async () => {
  subscriptions = new Subscription();
  clock = new ManualClock(T0);
  sim = await startUpbitSimulator({ clock, limitClock: { now: () => Date.now() }, private: { matchIntervalMs: 0 } });
  sim.private.addAccount({ accessKey: ACCESS, secretKey: SECRET, balances: { KRW: '10000000' } });
});

afterEach(async () => {
  subscriptions.unsubscribe();
  await sim.close();
});

describe.each(['DEFAULT', 'SIMPLE'] as const)('private streams (%s frames)', (format) => {
  it('shows a limit buy that fills: myOrder wait → trade → done, then the myAsset balance change', async () => {
    const c = client(format);
    const seen: PrivateEvent[] = [];
    const events$ = merge(c.streamMyOrders('BTC/KRW'), c.streamMyAssets()).pipe(filter((e): e is PrivateEvent => e.type !== 'status'));
    const done = firstValueFrom(events$.pipe(take(5), toArray()));
    subscriptions.add(events$.subscribe((e) => seen.push(e)));
    await until(() => sim.private.requests.length > 0, 'the subscription request');
    expect(JSON.parse(sim.private.requests[0]!.text)).toEqual([
      expect.objectContaining({ ticket: expect.any(String) }),
      { type: 'myOrder', codes: ['KRW-BTC'] },
      { type: 'myAsset' },
      { format },
    ]);

    const dip = reachableDip();
    const volume = new Big('0.001');
    const uuid = sim.private.placeOrder(ACCESS, { market: MARKET, side: 'bid', ordType: 'limit', price: dip.price.toFixed(), volume: volume.toFixed() });
    await until(() => seen.length >= 2, 'wait and lock events');
    clock.set(dip.at);
    sim.private.match();
    const events = await done;

    expect(events.map((e) => (e.type === 'myOrder' ? `myOrder:${e.state}` : 'myAsset'))).toEqual([
      'myOrder:wait', 'myAsset', 'myOrder:trade', 'myOrder:done', 'myAsset',
    ]);
    const [wait, locked, trade, finished, settled] = events as [MyOrderEvent, MyAssetEvent, MyOrderEvent, MyOrderEvent, MyAssetEvent];
    const cost = dip.price.times(volume);
    const fee = cost.times('0.0005');
    expect(wait).toMatchObject({ orderId: uuid, market: MARKET, side: 'buy', orderType: 'limit', tradesCount: 0, tradeId: undefined });
    expect(wait.price!.eq(dip.price) && wait.remainingVolume!.eq(volume) && wait.locked!.eq(cost.plus(fee))).toBe(true);
    expect(locked.assets.map((a) => [a.currency, a.balance.toFixed(), a.locked.toFixed()])).toEqual([
      ['KRW', new Big('10000000').minus(cost).minus(fee).toFixed(), cost.plus(fee).toFixed()],
    ]);
    expect(trade).toMatchObject({ orderId: uuid, isMaker: true, tradesCount: 1, tradeTimestamp: dip.at });
    expect(trade.tradeId).toMatch(/^[0-9a-f-]{36}$/);
    expect(trade.executedVolume.eq(volume) && trade.remainingVolume!.eq(0) && trade.tradeFee!.eq(fee) && trade.executedFunds!.eq(cost)).toBe(true);
    expect(finished).toMatchObject({ orderId: uuid, state: 'done' });
    expect(settled.assets.map((a) => [a.currency, a.balance.toFixed(), a.locked.toFixed()])).toEqual([
      ['KRW', new Big('10000000').minus(cost).minus(fee).toFixed(), '0'],
      ['BTC', '0.001', '0'],
    ]);
    expect((await c.getAccounts()).find((b) => b.currency === 'BTC')?.avgBuyPrice.eq(dip.price.round(8))).toBe(true);
    c.close();
  });
});

describe('private stream failures', () => {
  it('errors every stream with AuthenticationError when the upgrade token is refused', async () => {
    const c = client('DEFAULT', 'not-the-secret');
    const error = await firstValueFrom(c.streamMyAssets().pipe(filter((e) => e.type !== 'status'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'INVALID_AUTH', exchange: 'upbit' });
    expect(String((error as Error).message)).not.toContain('not-the-secret');
    expect(sim.private.connections).toBe(0);
  });

  it('signs every reconnect afresh: after a drop a new token is accepted and the set resubscribed', async () => {
    const c = client();
    const statuses: string[] = [];
    const orders: MyOrderEvent[] = [];
    subscriptions.add(c.streamMyOrders().subscribe((e) => (e.type === 'status' ? statuses.push(e.status) : orders.push(e))));
    await until(() => sim.private.requests.length === 1 && statuses.includes('connected'), 'first request');
    sim.private.dropAll();
    await until(() => statuses.includes('reconnect') && sim.private.requests.length === 2, 'reconnect');
    expect(statuses.filter((s) => s !== 'connecting')).toEqual(['connected', 'disconnect', 'reconnect']);
    expect(sim.private.requests.map((r) => r.error)).toEqual([undefined, undefined]);
    sim.private.placeOrder(ACCESS, { market: MARKET, side: 'bid', ordType: 'price', price: '10000' });
    await until(() => orders.length >= 3, 'market buy events');
    // Funds that do not divide into whole 1e-8 BTC leave change behind: Upbit then ends the order as cancel.
    const last = sim.model.lastTrade(MARKET, clock.now())!.price;
    const spent = new Big('10000').div(last).round(8, Big.roundDown).times(last);
    expect(orders.map((o) => o.state)).toEqual(['wait', 'trade', spent.lt(10000) ? 'cancel' : 'done']);
    expect(orders[1]!.executedFunds!.eq(spent)).toBe(true);
    expect(orders[1]!.isMaker).toBe(false);
    c.close();
  });

  it('refuses private streams where WebSockets cannot send headers', () => {
    const c = client();
    vi.stubGlobal('process', undefined);
    let error: unknown;
    try {
      c.streamMyOrders().subscribe({ error: (e: unknown) => (error = e) });
    } finally {
      vi.unstubAllGlobals();
    }
    expect(error).toBeInstanceOf(PrivateStreamUnsupportedError);
    expect((error as Error).message).toMatch(/gateway/);
  });
});
