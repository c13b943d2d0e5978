/**
 * Download a week of 1-minute candles page by page with a progress line, offline against the built-in
 * Upbit simulator (its rate limits are Upbit's: 10 requests a second).
 *
 *   npx tsx examples/download-candles.ts
 */
import { lastValueFrom, tap } from 'rxjs';
import { MarketDataBackbone, type Candle } from 'market-data-backbone';
import { startUpbitSimulator } from 'market-data-backbone/testing';

const simulator = await startUpbitSimulator();
const backbone = new MarketDataBackbone({ exchanges: { upbit: { restUrl: simulator.url } } });
const to = Date.UTC(2026, 10, 1);
const from = to - 7 * 24 * 60 * 60 * 1000;

try {
  const candles: Candle[] = [];
  await lastValueFrom(
    backbone.downloadCandles('KRW-BTC', '1m', { from, to }).pipe(
      tap((event) => {
        if (event.type === 'batch') candles.push(...event.candles);
        else process.stderr.write(`\r${event.fetched} candles, ${event.pages} pages, eta ${(event.eta / 1000).toFixed(1)} s   `);
      }),
    ),
  );
  candles.sort((a, b) => a.openTime - b.openTime);
  console.log(`\n${candles.length} candles from ${new Date(candles[0]!.openTime).toISOString()} to ${new Date(candles.at(-1)!.openTime).toISOString()}`);
  // The same range in one call:
  const again = await backbone.getCandles('KRW-BTC', '1m', { from, to });
  console.log('getCandles({ from, to }) agrees:', again.length === candles.length);
} finally {
  await backbone.close();
  await simulator.close();
}
