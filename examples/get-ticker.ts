/**
 * Fetch tickers, an order book and candles through the facade, offline against the built-in simulator.
 *
 *   npx tsx examples/get-ticker.ts
 */
import { MarketDataBackbone } from 'market-data-backbone';
import { startUpbitSimulator } from 'market-data-backbone/testing';

const simulator = await startUpbitSimulator();
const backbone = new MarketDataBackbone({ exchanges: { upbit: { restUrl: simulator.url } } });

try {
  const [btc, eth] = await backbone.getTickers(['KRW-BTC', 'ETH/KRW']); // one HTTP request
  for (const t of [btc, eth]) {
    if (t !== undefined) console.log(`${t.symbol} last ${t.last.toFixed()} (${t.changeRate.times(100).toFixed(2)} %)`);
  }

  const book = await backbone.getOrderBook('KRW-BTC', { depth: 3 });
  console.log('best bid', book.bids[0]?.price.toFixed(), 'best ask', book.asks[0]?.price.toFixed());

  const candles = await backbone.getCandles('KRW-BTC', '1m', { count: 5 });
  for (const c of candles) console.log(new Date(c.openTime).toISOString(), c.close.toFixed(), c.baseVolume.toFixed());
} finally {
  await backbone.close();
  await simulator.close();
}
