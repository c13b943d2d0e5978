/**
 * `npm start`: the main job. Opens live ticker, trade and order-book streams for several markets on the
 * embedded simulator of an exchange (Upbit unless `--exchange` names another; with `--live`, the real
 * exchange) and redraws a table about once a second,
 * showing per row whether the values came from the WebSocket or from REST polling; below it, the live
 * premium and executable spreads of BTC, ETH and XRP across Upbit, Coinone and Binance (simulators on
 * one market model, Binance in USDT converted at Upbit's USDT/KRW).
 *
 *   npm start                       # offline, against the simulator
 *   npm start -- --live             # the real Upbit
 *   npm start -- --exchange binance # Binance's markets in the table
 *   npm start -- --rounds 3         # stop after 3 refreshes
 *   npm start -- --help             # every option
 */
import { parseArgs } from 'node:util';
import { catchError, firstValueFrom, forkJoin, of, Subscription, take, timeout } from 'rxjs';
import { MarketDataBackbone } from '../backbone/backbone.js';
import { DEFAULT_EXCHANGE, type ExchangeId } from '../exchanges/registry.js';
import type { StatusEvent } from '../model/market-event.js';
import type { ArbitrageSnapshot } from '../model/arbitrage.js';
import { startBinanceSimulator, startCoinoneSimulator, startFxSimulator, startUpbitSimulator } from '../testing/index.js';
import { PREMIUM_BASES_HEADER, premiumBasesRows } from './premium-format.js';
import { describeFailure, EXCHANGE_IDS, openDataSource, toExchangeId, type DataSource } from './data-source.js';
import { ARBITRAGE_HEADER, arbitrageRows, LIVE_HEADER, liveRow, renderTable, TRADE_HEADER, tradeRow, type LiveMarketView, type LiveSource, type LiveTrade } from './format.js';

const DEFAULT_MARKETS: Readonly<Record<ExchangeId, readonly string[]>> = {
  upbit: ['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'KRW-SOL', 'KRW-DOGE', 'KRW-ADA', 'BTC-ETH'],
  coinone: ['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'KRW-SOL', 'KRW-DOGE', 'KRW-ADA'],
  binance: ['BTCUSDT', 'ETHUSDT', 'XRPUSDT', 'SOLUSDT', 'DOGEUSDT', 'ADAUSDT'],
};
const RECENT_TRADES = 8;
/** Levels per book side: enough for the size within 10 bps of the mid on liquid markets. */
const BOOK_DEPTH = 15;
const ARBITRAGE_ASSETS = ['BTC', 'ETH', 'XRP'];

const USAGE = `usage: npm start -- [options]
  --exchange ID        ${EXCHANGE_IDS.join(', ')}: whose markets the table streams (default ${DEFAULT_EXCHANGE})
  --live               the real exchanges instead of the embedded simulators
  --rest-url URL       the exchange's REST API at URL instead (your own simulator, a proxy); with
  --ws-url URL         the same for its WebSocket; either one leaves out the cross-exchange premium
  --markets A,B,...    markets to stream (default for upbit ${DEFAULT_MARKETS.upbit.join(',')})
  --rounds N           stop after N refreshes (default 0: run until Ctrl-C)
  --interval MS        refresh every MS milliseconds (default 1000)
  -h, --help           this text
On --live (or a URL) the program asks for one ticker first: if the exchange cannot be reached it says so
and exits with code 1, instead of drawing empty tables.`;

/** The embedded simulators, all three on one market model (Coinone 0.1 % under Upbit, Upbit 2 % over Binance). */
async function startSimulators(): Promise<{ urls: Record<ExchangeId, { restUrl: string; wsUrl: string }>; fxUrl: string; close(): Promise<void> }> {
  const upbit = await startUpbitSimulator();
  const coinone = await startCoinoneSimulator({ model: upbit.model, premium: -0.001 });
  const binance = await startBinanceSimulator({ model: upbit.model, premium: 0.02 });
  // The bank's USD/KRW on the same model, USDT/KRW 0.5 % over it (quotes 09:00-21:00 KST on weekdays).
  const fx = await startFxSimulator({ model: upbit.model });
  const at = (sim: { readonly url: string; readonly wsUrl: string }) => ({ restUrl: sim.url, wsUrl: sim.wsUrl });
  return {
    urls: { upbit: at(upbit), coinone: at(coinone), binance: at(binance) },
    fxUrl: fx.url,
    close: async () => {
      await Promise.all([upbit.close(), coinone.close(), binance.close(), fx.close()]);
    },
  };
}

/** `read()`, or a `RangeError` with its message and the usage (unknown options, missing values, unknown exchange). */
function withUsage<T>(read: () => T): T {
  try {
    return read();
  } catch (error: unknown) {
    throw new RangeError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
}

function parseOptions() {
  return parseArgs({
    options: {
      exchange: { type: 'string', default: DEFAULT_EXCHANGE },
      live: { type: 'boolean', default: false },
      'rest-url': { type: 'string' },
      'ws-url': { type: 'string' },
      rounds: { type: 'string', default: '0' },
      interval: { type: 'string', default: '1000' },
      markets: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

async function main(): Promise<void> {
  const { values } = withUsage(parseOptions);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const rounds = Number(values.rounds);
  const intervalMs = Number(values.interval);
  if (!Number.isInteger(rounds) || rounds < 0 || !(intervalMs > 0)) {
    throw new RangeError(`--rounds takes a whole number (0: run until Ctrl-C) and --interval a positive number of ms\n${USAGE}`);
  }
  const exchange = withUsage(() => toExchangeId(values.exchange));
  const markets = (values.markets ?? DEFAULT_MARKETS[exchange].join(',')).split(',').map((m) => m.trim().toUpperCase()).filter((m) => m !== '');
  if (markets.length === 0) throw new RangeError(`--markets names no market\n${USAGE}`);
  const urls = { restUrl: values['rest-url'], wsUrl: values['ws-url'] };
  const custom = urls.restUrl !== undefined || urls.wsUrl !== undefined;

  const simulators = values.live || custom ? undefined : await startSimulators();
  const remote = simulators === undefined ? await openDataSource(exchange, { live: values.live, ...urls }) : undefined;
  source = remote;
  // No grace period: when the view stops, its streams are gone for good and the socket may close at once.
  const backbone = new MarketDataBackbone({
    gracePeriodMs: 0, defaultExchange: exchange, exchanges: simulators?.urls ?? { [exchange]: urls }, fx: simulators && { restUrl: simulators.fxUrl },
  });
  try {
    if (remote !== undefined) {
      // One request before anything streams: an exchange out of reach is an error now, not empty tables forever.
      await backbone.getTicker(markets[0] ?? '', { exchange });
    }
    // Cross-exchange premiums need all three exchanges: on the simulators and on --live, not at one URL.
    await view(backbone, { exchange, markets, rounds, intervalMs, origin: remote?.origin ?? `the ${exchange} simulator`, arbitrageAssets: custom ? [] : ARBITRAGE_ASSETS });
  } finally {
    await backbone.close();
    await simulators?.close();
  }
}

/** Where the data comes from when it is not the simulators: failures to reach it get a hint. */
let source: DataSource | undefined;

/** What {@link view} draws and how often. */
interface ViewOptions {
  readonly exchange: ExchangeId;
  readonly markets: readonly string[];
  readonly rounds: number;
  readonly intervalMs: number;
  readonly origin: string;
  readonly arbitrageAssets: readonly string[];
}

/** Streams the markets and redraws the tables until `rounds` are drawn or the process is told to stop. */
async function view(backbone: MarketDataBackbone, { exchange, markets, rounds, intervalMs, origin, arbitrageAssets }: ViewOptions): Promise<void> {
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
    const now = backbone.stats[exchange]?.streamed ?? seen;
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
  subscriptions.add(backbone.streamStatus({ exchange }).subscribe((event) => (socket = event.status)));
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
    subscriptions.add(backbone.streamOrderBook(market, { depth: BOOK_DEPTH }).subscribe({
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
  for (const asset of arbitrageAssets) {
    subscriptions.add(
      backbone
        .streamArbitrage(asset, { exchanges: ['upbit', 'coinone', 'binance'], fx: 'both', fees: { upbit: '0.0005', coinone: '0.002', binance: '0.001' } })
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
    const ready$ = forkJoin(markets.flatMap((m) => [backbone.streamTicker(m).pipe(take(1)), backbone.streamOrderBook(m, { depth: BOOK_DEPTH }).pipe(take(1))]));
    await firstValueFrom(ready$.pipe(timeout({ first: 5_000 }), catchError(() => of(undefined))));
    // ... and every premium row (books of three exchanges plus the FX rate), within the same 5 s.
    for (let waited = 0; premiums.size < arbitrageAssets.length && waited < 5_000 && !stopping; waited += 50) await sleep(50);
    for (let round = 1; !stopping && (rounds <= 0 || round <= rounds); round++) {
      const stats = backbone.stats[exchange];
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
        ...(arbitrageAssets.length === 0
          ? []
          : [
              'cross-exchange premium (Binance USDT at Upbit USDT/KRW; taker fees upbit 0.05 %, coinone 0.2 %, binance 0.1 %)',
              renderTable(ARBITRAGE_HEADER, [...premiums].flatMap(([asset, snapshot]) => arbitrageRows(asset, snapshot))),
              '',
              'premium on both bases (A over B at Upbit USDT/KRW and at the bank\'s official USD/KRW; an old bank quote is a closed market, not stale)',
              renderTable(PREMIUM_BASES_HEADER, [...premiums].flatMap(([asset, snapshot]) => premiumBasesRows(asset, snapshot))),
              '',
            ]),
      ].join('\n');
      if (process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
      process.stdout.write(`${frame}\n`);
      if (rounds <= 0 || round < rounds) await sleep(intervalMs);
    }
  } finally {
    subscriptions.unsubscribe();
  }
}

main().catch((error: unknown) => {
  console.error(describeFailure(error, source));
  process.exitCode = 1;
});
