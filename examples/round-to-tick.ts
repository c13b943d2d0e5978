/**
 * Put limit prices on each exchange's tick grid: the tick tables of Upbit (documented), Coinone (served
 * per market) and Binance (one tick per market), offline against the built-in simulators.
 *
 *   npx tsx examples/round-to-tick.ts
 */
import { Big, MarketDataBackbone, roundToTick, tickSizeAt } from 'market-data-backbone';
import { startBinanceSimulator, startCoinoneSimulator, startUpbitSimulator } from 'market-data-backbone/testing';

const [upbit, coinone, binance] = await Promise.all([startUpbitSimulator(), startCoinoneSimulator(), startBinanceSimulator()]);
const backbone = new MarketDataBackbone({
  exchanges: { upbit: { restUrl: upbit.url }, coinone: { restUrl: coinone.url }, binance: { restUrl: binance.url } },
});

try {
  for (const [exchange, symbol] of [['upbit', 'BTC/KRW'], ['coinone', 'XRP/KRW'], ['binance', 'BTC/USDT']] as const) {
    const ticker = await backbone.getTicker(symbol, { exchange });
    const bands = await backbone.getPriceBands(symbol, { exchange });
    // A bid 0.37 % under the last price, rounded down so it never pays more than intended.
    const wanted = ticker.last.times('0.9963');
    const bid = roundToTick(wanted, bands, 'down');
    console.log(
      `${exchange.padEnd(8)} ${symbol.padEnd(9)} last ${ticker.last.toFixed()} tick ${tickSizeAt(bands, ticker.last)?.toFixed()}` +
        `  bid ${wanted.toFixed(8)} -> ${bid.toFixed()} (${bid.div(ticker.last).minus(1).times(100).toFixed(3)} %)`,
    );
  }
  console.log('exact decimals throughout:', roundToTick(new Big('0.1').plus('0.2'), [{ from: new Big(0), tickSize: new Big('0.1') }]).toFixed());
} finally {
  await backbone.close();
  await Promise.all([upbit.close(), coinone.close(), binance.close()]);
}
