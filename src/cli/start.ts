/**
 * `npm start`: the main job. Opens live ticker, trade and order-book streams for several markets on the
 * embedded Upbit simulator (or, with `--live`, the real Upbit) and redraws a table about once a second,
 * showing per row whether the values came from the WebSocket or from REST polling; below it, the live
 * premium and executable spreads of BTC, ETH and XRP across Upbit, Coinone and Binance (simulators on
 * one market model, Binance in USDT converted at Upbit's USDT/KRW).
 *
 *   npm start                       # offline, against the simulator
 *   npm start -- --live             # the real Upbit
 *   npm start -- --rounds 3         # stop after 3 refreshes
 *   npm start -- --help             # every option
 */
import { parseArgs } from 'node:util';
import { catchError, firstValueFrom, forkJoin, of, Subscription, take, timeout } from 'rxjs';
import { MarketDataBackbone } from '../backbone/backbone.js';
import type { StatusEvent } from '../model/market-event.js';
import type { ArbitrageSnapshot } from '../model/arbitrage.js';
import { startBinanceSimulator, startCoinoneSimulator, startUpbitSimulator } from '../testing/index.js';
import { ARBITRAGE_HEADER, arbitrageRows, LIVE_HEADER, liveRow, renderTable, TRADE_HEADER, tradeRow, type LiveMarketView, type LiveSource, type LiveTrade } from './format.js';

const DEFAULT_MARKETS = ['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'KRW-SOL', 'KRW-DOGE', 'KRW-ADA', 'BTC-ETH'];
const RECENT_TRADES = 8;
const ARBITRAGE_ASSETS = ['BTC', 'ETH', 'XRP'];

const USAGE = `usage: npm start -- [options]
  --live               the real Upbit instead of the embedded simulators
  --markets A,B,...    Upbit markets to stream (default ${DEFAULT_MARKETS.join(',')})
  --rounds N           stop after N refreshes (default 0: run until Ctrl-C)
  --interval MS        refresh every MS milliseconds (default 1000)
  -h, --help           this text`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      live: { type: 'boolean', default: false },
      rounds: { type: 'string', default: '0' },
      interval: { type: 'string', default: '1000' },
      markets: { type: 'string', default: DEFAULT_MARKETS.join(',') },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const rounds = Number(values.rounds);
  const intervalMs = Number(values.interval);
  if (!Number.isInteger(rounds) || rounds < 0 || !(intervalMs > 0)) {
    throw new RangeError(`--rounds takes a whole number (0: run until Ctrl-C) and --interval a positive number of ms\n${USAGE}`);
  }
  const markets = values.markets.split(',').map((m) => m.trim().toUpperCase()).filter((m) => m !== '');

  const simulator = values.live ? undefined : await startUpbitSimulator();
  // Coinone and Binance on the same market model: Coinone 0.1 % under Upbit, Upbit 2 % over Binance.
  const coinone = simulator === undefined ? undefined : await startCoinoneSimulator({ model: simulator.model, premium: -0.001 });
  const binance = simulator === undefined ? undefined : await startBinanceSimulator({ model: simulator.model, premium: 0.02 });
  // No grace period: when the view stops, its streams are gone for good and the socket may close at once.
  const at = (sim: { readonly url: string; readonly wsUrl: string } | undefined) => (sim === undefined ? {} : { restUrl: sim.url, wsUrl: sim.wsUrl });
  const backbone = new MarketDataBackbone({
    gracePeriodMs: 0,
    exchanges: { upbit: at(simulator), coinone: at(coinone), binance: at(binance) },
  });
  const origin = simulator === undefined ? 'api.upbit.com (live)' : `the Upbit simulator at ${simulator.url}`;

  const views = new Map<string, LiveMarketView>(markets.map((market) => [market, { market, trades: 0, sources: {} }]));
  const recent: LiveTrade[] = [];
  let socket: StatusEvent['status'] = 'connecting';
  let seen = { ws: 0, rest: 0 };

  /**
   * The source of the value being delivered right now: the stream counter that moved since the last
   * value. Values are delivered synchronously after the counter moves, so one counter moving is exact;
   * both moving (a value the trade dedupe dropped) is settled by the socket state.
   */
  const sourceNow = (): LiveSource => {
    const now = backbone.stats.upbit?.streamed ?? seen;
    const ws = now.ws > seen.ws;
    const rest = now.rest > seen.rest;
    seen = now;
    if (ws !== rest) return ws ? 'WS' : 'REST';
    return socket === 'connected' || socket === 'reconnect' ? 'WS' : 'REST';
  };
  const update = (market: string, change: (view: LiveMarketView) => LiveMarketView): void => {
    const view = views.get(market);
    if (view !== undefined) views.set(market, change(view));
  };

  const subscriptions = new Subscription();
  subscriptions.add(backbone.streamStatus().subscribe((event) => (socket = event.status)));
  const fail = (market: string) => (error: unknown): void => {
    console.error(`${market}: ${error instanceof Error ? error.message : String(error)}`);
  };
  for (const market of markets) {
    subscriptions.add(backbone.streamTicker(market).subscribe({
      next: (ticker) => {
        const source = sourceNow();
        update(market, (v) => ({ ...v, ticker, sources: { ...v.sources, ticker: source } }));
      },
      error: fail(market),
    }));
    subscriptions.add(backbone.streamOrderBook(market, { depth: 5 }).subscribe({
      next: (book) => {
        const source = sourceNow();
        update(market, (v) => ({ ...v, book, sources: { ...v.sources, book: source } }));
      },
      error: fail(market),
    }));
    subscriptions.add(backbone.streamTrades(market).subscribe({
      next: (trade) => {
        const source = sourceNow();
        update(market, (v) => ({ ...v, lastTrade: trade, trades: v.trades + 1, sources: { ...v.sources, trade: source } }));
        recent.push({ trade, source });
        recent.sort((a, b) => b.trade.timestamp - a.trade.timestamp);
        recent.length = Math.min(recent.length, RECENT_TRADES);
      },
      error: fail(market),
    }));
  }

  const premiums = new Map<string, ArbitrageSnapshot>();
  for (const asset of ARBITRAGE_ASSETS) {
    subscriptions.add(
      backbone
        .streamArbitrage(asset, { exchanges: ['upbit', 'coinone', 'binance'], fx: 'upbit:USDT/KRW', fees: { upbit: '0.0005', coinone: '0.002', binance: '0.001' } })
        .subscribe({ next: (snapshot) => premiums.set(asset, snapshot), error: fail(`${asset} premium`) }),
    );
  }

  let stopping = false;
  let wake = (): void => undefined;
  const stop = (): void => {
    stopping = true;
    wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.on('error', stop); // e.g. EPIPE when piped into `head`: stop drawing, clean up
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  try {
    // Draw the first frame once every market has a ticker and a book (or after 5 s without them).
    const ready$ = forkJoin(markets.flatMap((m) => [backbone.streamTicker(m).pipe(take(1)), backbone.streamOrderBook(m, { depth: 5 }).pipe(take(1))]));
    await firstValueFrom(ready$.pipe(timeout({ first: 5_000 }), catchError(() => of(undefined))));
    // ... and every premium row (books of three exchanges plus the FX rate), within the same 5 s.
    for (let waited = 0; premiums.size < ARBITRAGE_ASSETS.length && waited < 5_000 && !stopping; waited += 50) await sleep(50);
    for (let round = 1; !stopping && (rounds <= 0 || round <= rounds); round++) {
      const stats = backbone.stats.upbit;
      const frame = [
        `market-data-backbone: live streams from ${origin}`,
        `refresh ${round} · socket ${socket} · values via WS ${stats?.streamed.ws ?? 0}, via REST ${stats?.streamed.rest ?? 0} · ` +
          `${stats?.requests ?? 0} HTTP requests · Ctrl-C to quit`,
        '',
        renderTable(LIVE_HEADER, [...views.values()].map(liveRow)),
        '',
        'recent trades',
        renderTable(TRADE_HEADER, recent.map(tradeRow)),
        '',
        'cross-exchange premium (Binance USDT at Upbit USDT/KRW; taker fees upbit 0.05 %, coinone 0.2 %, binance 0.1 %)',
        renderTable(ARBITRAGE_HEADER, [...premiums].flatMap(([asset, snapshot]) => arbitrageRows(asset, snapshot))),
        '',
      ].join('\n');
      if (process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
      process.stdout.write(`${frame}\n`);
      if (rounds <= 0 || round < rounds) await sleep(intervalMs);
    }
  } finally {
    subscriptions.unsubscribe();
    await backbone.close();
    await simulator?.close();
    await coinone?.close();
    await binance?.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
});
