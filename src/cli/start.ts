/**
 * `npm start`: the main job. Starts the embedded Upbit simulator on 127.0.0.1 (or, with `--live`, uses the
 * real Upbit) and prints a refreshing table of tickers fetched through the library.
 *
 *   npm start                       # offline, against the simulator
 *   npm start -- --live             # the real Upbit
 *   npm start -- --rounds 3         # stop after 3 refreshes
 */
import { parseArgs } from 'node:util';
import { MarketDataBackbone } from '../backbone.js';
import { startUpbitSimulator } from '../testing/index.js';
import { renderTable, TICKER_HEADER, tickerRow } from './format.js';

const DEFAULT_MARKETS = ['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'KRW-SOL', 'KRW-DOGE', 'KRW-ADA', 'KRW-USDT', 'BTC-ETH'];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      live: { type: 'boolean', default: false },
      rounds: { type: 'string', default: '0' },
      interval: { type: 'string', default: '1000' },
      markets: { type: 'string', default: DEFAULT_MARKETS.join(',') },
    },
  });
  const rounds = Number(values.rounds);
  const intervalMs = Number(values.interval);
  const markets = values.markets.split(',').map((m) => m.trim()).filter((m) => m !== '');

  const simulator = values.live ? undefined : await startUpbitSimulator();
  const backbone = new MarketDataBackbone(simulator === undefined ? {} : { exchanges: { upbit: { restUrl: simulator.url } } });
  const source = simulator === undefined ? 'api.upbit.com (live)' : `Upbit simulator at ${simulator.url}`;

  let stopping = false;
  const stop = (): void => {
    stopping = true;
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  try {
    for (let round = 1; !stopping && (rounds <= 0 || round <= rounds); round++) {
      const started = Date.now();
      const tickers = await backbone.getTickers(markets);
      const table = renderTable(TICKER_HEADER, tickers.map(tickerRow));
      const requests = backbone.stats.upbit?.requests ?? 0;
      if (process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
      process.stdout.write(`market-data-backbone: ${source}\nround ${round}, ${Date.now() - started} ms, ${requests} HTTP requests so far (batched)\n\n${table}\n\n`);
      if (rounds <= 0 || round < rounds) await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  } finally {
    await backbone.close();
    await simulator?.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
});
