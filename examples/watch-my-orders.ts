/**
 * Private data, offline: an account on the built-in Upbit simulator, its balances over signed REST, and
 * its order and balance events over the private WebSocket while a market buy of 100,000 KRW fills.
 * The keys are the simulator's; against the real Upbit, pass your own (or set UPBIT_ACCESS_KEY and
 * UPBIT_SECRET_KEY) and leave out the URLs.
 *
 *   npx tsx examples/watch-my-orders.ts
 */
import { filter, firstValueFrom, merge, take, tap, toArray } from 'rxjs';
import { MarketDataBackbone, type Balance } from 'market-data-backbone';
import { startUpbitSimulator } from 'market-data-backbone/testing';

const accessKey = 'example-access-key';
const secretKey = 'example-secret-key';
const simulator = await startUpbitSimulator({ private: { matchIntervalMs: 0 } });
simulator.private.addAccount({ accessKey, secretKey, balances: { KRW: '1000000' } });
const backbone = new MarketDataBackbone({
  exchanges: { upbit: { restUrl: simulator.url, privateWsUrl: simulator.privateWsUrl, accessKey, secretKey } },
});
const show = (balances: readonly Balance[]): string => balances.map((b) => `${b.currency} ${b.balance.toFixed()}`).join(', ');

try {
  console.log(`balances: ${show(await backbone.getAccounts())}`);
  // An order shows up as events (wait, trade, then done or cancel) and moves two balances (KRW and BTC).
  const events = firstValueFrom(
    merge(backbone.streamMyOrders('KRW-BTC'), backbone.streamMyAssets()).pipe(
      filter((event) => event.type === 'myOrder' || event.type === 'myAsset'),
      tap((event) => {
        if (event.type === 'myOrder') {
          const fill = event.avgPrice === undefined || event.executedVolume.eq(0) ? '' : ` at ${event.avgPrice.toFixed()} KRW on average`;
          console.log(`order ${event.state.padEnd(6)} ${event.side} ${event.orderType}: ${event.executedVolume.toFixed()} BTC${fill}`);
        } else if (event.type === 'myAsset') {
          console.log(`assets ${event.assets.map((a) => `${a.currency} ${a.balance.toFixed()} (locked ${a.locked.toFixed()})`).join(', ')}`);
        }
      }),
      // Final states: 'done', or 'cancel' when a market buy leaves funds too small for one more lot.
      filter((event) => event.type === 'myOrder' && (event.state === 'done' || event.state === 'cancel')),
      take(1),
      toArray(),
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 300)); // both subscription requests reach the socket first
  // Placed on the exchange's side (the library reads market and account data; it does not place orders).
  simulator.private.placeOrder(accessKey, { market: 'KRW-BTC', side: 'bid', ordType: 'price', price: '100000' });
  await events;
  console.log(`balances: ${show(await backbone.getAccounts())}`);
} finally {
  await backbone.close();
  await simulator.close();
}
