/**
 * Watch the KRW premium of BTC on Upbit and Coinone over Binance, offline: three simulators on one
 * market model (Upbit 2 % over Binance, Coinone 0.1 % under Upbit), Binance's USDT converted at
 * Upbit's USDT/KRW. Prints five snapshots and exits.
 *
 *   npx tsx examples/watch-premium.ts
 */
import { take } from 'rxjs';
import { MarketDataBackbone } from 'market-data-backbone';
import { startBinanceSimulator, startCoinoneSimulator, startUpbitSimulator } from 'market-data-backbone/testing';

const upbit = await startUpbitSimulator();
const coinone = await startCoinoneSimulator({ model: upbit.model, premium: -0.001 });
const binance = await startBinanceSimulator({ model: upbit.model, premium: 0.02 });
const backbone = new MarketDataBackbone({
  exchanges: {
    upbit: { restUrl: upbit.url, wsUrl: upbit.wsUrl },
    coinone: { restUrl: coinone.url, wsUrl: coinone.wsUrl },
    binance: { restUrl: binance.url, wsUrl: binance.wsUrl },
  },
});

try {
  await new Promise<void>((resolve, reject) => {
    backbone
      .streamArbitrage('BTC', { exchanges: ['upbit', 'coinone', 'binance'], fx: 'upbit:USDT/KRW', fees: { upbit: '0.0005', coinone: '0.002', binance: '0.001' } })
      .pipe(take(5))
      .subscribe({
        next: ({ pairs }) => {
          for (const pair of pairs) {
            const best = [pair.aToB, pair.bToA].find((route) => route !== undefined && route.spread.gt(0));
            const route = best === undefined ? 'no profitable route' : `buy ${best.buy}, sell ${best.sell}: ${best.spreadPct.toFixed(2)} % on ${best.amount.toFixed()} BTC`;
            console.log(`${pair.a}/${pair.b} premium ${pair.premium?.toFixed(2) ?? '-'} %${pair.stale ? ' (stale)' : ''}, ${route}`);
          }
          console.log('');
        },
        error: reject,
        complete: resolve,
      });
  });
} finally {
  await backbone.close();
  await Promise.all([upbit.close(), coinone.close(), binance.close()]);
}
