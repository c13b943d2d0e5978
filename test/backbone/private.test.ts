import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { MarketDataBackbone, MarketDataError, type MyOrderEvent } from 'market-data-backbone';
import { ManualClock, startUpbitSimulator } from 'market-data-backbone/testing';

const ACCESS = 'backbone-access-key';
const SECRET = 'backbone-secret-key-do-not-leak-4f1c';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const clock = new ManualClock(Date.UTC(2026, 10, 25, 12, 0, 0));
  const simulator = await startUpbitSimulator({ clock, limitClock: { now: () => Date.now() }, private: { matchIntervalMs: 0 } });
  simulator.private.addAccount({ accessKey: ACCESS, secretKey: SECRET, balances: { KRW: '10000000', BTC: '0.5' } });
  const backbone = new MarketDataBackbone({
    exchanges: { upbit: { restUrl: simulator.url, privateWsUrl: simulator.privateWsUrl, accessKey: ACCESS, secretKey: SECRET, retry: false } },
  });
  cleanups.push(() => simulator.close(), () => backbone.close());
  return { simulator, backbone, clock };
}

describe('private data through the facade', () => {
  it('reads balances and open orders with signed requests', async () => {
    const { simulator, backbone } = await setup();
    const balances = await backbone.getAccounts();
    expect(balances.find((b) => b.currency === 'KRW')?.balance.toFixed()).toBe('10000000');
    expect(balances.find((b) => b.currency === 'BTC')?.balance.toFixed()).toBe('0.5');
    // A limit sell far above the market rests as an open order.
    const uuid = simulator.private.placeOrder(ACCESS, { market: 'KRW-BTC', side: 'ask', ordType: 'limit', price: '999000000', volume: '0.1' });
    const orders = await backbone.getOpenOrders('BTC/KRW');
    expect(orders.map((o) => o.id)).toEqual([uuid]);
    expect(orders[0]?.price?.toFixed()).toBe('999000000');
  });

  it('streams myOrder events of a market order in order', async () => {
    const { simulator, backbone } = await setup();
    const events = firstValueFrom(
      backbone.streamMyOrders('KRW-BTC').pipe(filter((e): e is MyOrderEvent => e.type === 'myOrder'), take(2), toArray()),
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // the subscription request reaches the simulator
    simulator.private.placeOrder(ACCESS, { market: 'KRW-BTC', side: 'bid', ordType: 'price', price: '10000' });
    const [first, second] = await events;
    expect(first?.state).toBe('wait');
    expect(['trade', 'done']).toContain(second?.state);
  });

  it('never shows the secret key in inspect, toString, JSON or errors', async () => {
    const { backbone } = await setup();
    expect(inspect(backbone, { depth: 10, showHidden: true })).not.toContain(SECRET);
    expect(String(backbone)).not.toContain(SECRET);
    expect(inspect(backbone.private('upbit'), { depth: 10, showHidden: true })).not.toContain(SECRET);
    const failing = new MarketDataBackbone({ exchanges: { upbit: { restUrl: 'http://127.0.0.1:9', accessKey: ACCESS, secretKey: SECRET, retry: false, timeoutMs: 500 } } });
    cleanups.push(() => failing.close());
    const error = await failing.getAccounts().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MarketDataError);
    expect(`${String(error)} ${(error as Error).stack ?? ''} ${inspect(error, { depth: 10 })}`).not.toContain(SECRET);
  });

  it('explains which variables to set when no keys are configured', async () => {
    const saved = { a: process.env['UPBIT_ACCESS_KEY'], s: process.env['UPBIT_SECRET_KEY'] };
    delete process.env['UPBIT_ACCESS_KEY'];
    delete process.env['UPBIT_SECRET_KEY'];
    cleanups.push(() => {
      if (saved.a !== undefined) process.env['UPBIT_ACCESS_KEY'] = saved.a;
      if (saved.s !== undefined) process.env['UPBIT_SECRET_KEY'] = saved.s;
    });
    const backbone = new MarketDataBackbone();
    cleanups.push(() => backbone.close());
    const error = await backbone.getAccounts().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/UPBIT_SECRET_KEY/);
  });
});
