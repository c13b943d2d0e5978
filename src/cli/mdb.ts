/**
 * `mdb`: market data from the command line.
 *
 *   mdb ticker KRW-BTC [KRW-ETH ...] [--live] [--json]
 *   mdb orderbook KRW-BTC [--depth 10] [--live]
 *   mdb trades KRW-BTC [--count 20] [--live]
 *   mdb candles KRW-BTC 1m [--count 10] [--live]
 *   mdb candles KRW-BTC 1m --from 2026-01-01 --to 2026-01-31 --out btc.csv|btc.jsonl [--fill] [--live]
 *   mdb markets [--live]
 *   mdb ticker BTCUSDT --exchange binance      (upbit, the default; binance; coinone)
 *
 * Without `--live` it answers from an embedded simulator of the exchange on 127.0.0.1, so it works offline.
 */
import { parseArgs } from 'node:util';
import { MarketDataBackbone } from '../backbone/backbone.js';
import { MarketDataError } from '../errors/index.js';
import { DEFAULT_EXCHANGE, isExchangeId, type ExchangeId } from '../exchanges/registry.js';
import { CANDLE_INTERVALS, type CandleInterval } from '../model/candle.js';
import { startBinanceSimulator, startCoinoneSimulator, startUpbitSimulator } from '../testing/index.js';
import { runCandlesDownload, toDownloadCommand } from './candles.js';
import { renderTable, TICKER_HEADER, tickerRow } from './format.js';

const USAGE = `usage: mdb <ticker|orderbook|trades|candles|markets> [symbol ...] [--live] [--json]
  mdb ticker KRW-BTC            ticker(s), native (KRW-BTC) or unified (BTC/KRW) symbols
  mdb orderbook KRW-BTC --depth 10
  mdb trades KRW-BTC --count 20
  mdb candles KRW-BTC 1m --count 10   intervals: ${CANDLE_INTERVALS.join(' ')}
  mdb candles KRW-BTC 1m --from 2026-01-01 --to 2026-01-31 --out btc.csv|btc.jsonl [--fill]
                                      a range into a file (UTC times, --to exclusive), progress on stderr
  mdb markets
  --exchange upbit|binance|coinone    which exchange (default upbit): mdb ticker BTCUSDT --exchange binance
  --sim (the default) asks an embedded simulator of the exchange; --live asks the real exchange`;

/** The embedded simulator of each exchange, for offline answers. */
const SIMULATORS: Record<ExchangeId, () => Promise<{ readonly url: string; close(): Promise<void> }>> = {
  upbit: () => startUpbitSimulator(),
  binance: () => startBinanceSimulator(),
  coinone: () => startCoinoneSimulator(),
};

function isInterval(value: string | undefined): value is CandleInterval {
  return (CANDLE_INTERVALS as readonly string[]).includes(value ?? '');
}

async function run(
  backbone: MarketDataBackbone,
  command: string,
  args: string[],
  opts: { depth: number; count: number; json: boolean; exchange: ExchangeId },
): Promise<string> {
  const { exchange } = opts;
  const [symbol = exchange === 'binance' ? 'BTCUSDT' : 'KRW-BTC'] = args;
  // Big serialises itself as a decimal string (its toJSON), so JSON output stays exact.
  const json = (value: unknown): string => JSON.stringify(value, null, 2);
  switch (command) {
    case 'ticker': {
      const tickers = await backbone.getTickers(args.length > 0 ? args : [symbol], { exchange });
      return opts.json ? json(tickers) : renderTable(TICKER_HEADER, tickers.map(tickerRow));
    }
    case 'orderbook': {
      const book = await backbone.getOrderBook(symbol, { exchange, depth: opts.depth });
      if (opts.json) return json(book);
      const rows = Array.from({ length: Math.max(book.bids.length, book.asks.length) }, (_, i) => [
        book.bids[i]?.amount.toFixed() ?? '', book.bids[i]?.price.toFixed() ?? '', book.asks[i]?.price.toFixed() ?? '', book.asks[i]?.amount.toFixed() ?? '',
      ]);
      return `${book.market} @ ${new Date(book.timestamp).toISOString()}\n${renderTable(['bid size', 'bid', 'ask', 'ask size'], rows)}`;
    }
    case 'trades': {
      const trades = await backbone.getTrades(symbol, { exchange, count: opts.count });
      if (opts.json) return json(trades);
      return renderTable(['time (UTC)', 'id', 'side', 'price', 'amount'], trades.map((t) => [new Date(t.timestamp).toISOString().slice(11, 23), t.id, t.side, t.price.toFixed(), t.amount.toFixed()]));
    }
    case 'candles': {
      const interval = args[1];
      if (!isInterval(interval)) throw new MarketDataError(`Unknown candle interval: ${String(interval)} (use one of ${CANDLE_INTERVALS.join(', ')})`);
      const candles = await backbone.getCandles(symbol, interval, { exchange, count: opts.count });
      if (opts.json) return json(candles);
      return renderTable(['open time (UTC)', 'open', 'high', 'low', 'close', 'volume'], candles.map((c) => [new Date(c.openTime).toISOString().slice(0, 19), c.open.toFixed(), c.high.toFixed(), c.low.toFixed(), c.close.toFixed(), c.baseVolume.toFixed()]));
    }
    case 'markets': {
      const markets = await backbone.getMarkets({ exchange });
      if (opts.json) return json(markets);
      return renderTable(['market', 'symbol', 'name', 'warning'], markets.map((m) => [m.market, m.symbol, m.names['en'] ?? '', m.warning ? 'yes' : '']));
    }
    default:
      throw new MarketDataError(`Unknown command: ${command}\n${USAGE}`);
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      live: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      depth: { type: 'string', default: '10' },
      count: { type: 'string', default: '20' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      fill: { type: 'boolean', default: false },
      sim: { type: 'boolean', default: false },
      exchange: { type: 'string', default: DEFAULT_EXCHANGE },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || command === undefined) {
    console.log(USAGE);
    return;
  }
  if (values.sim && values.live) throw new MarketDataError('mdb: --sim and --live exclude each other');
  if (command === 'candles' && (values.from !== undefined || values.to !== undefined || values.out !== undefined)) {
    await runCandlesDownload(toDownloadCommand(args, values));
    return;
  }
  const exchange = values.exchange;
  if (!isExchangeId(exchange)) throw new MarketDataError(`mdb: unknown exchange ${exchange} (upbit, binance, coinone)`);
  const simulator = values.live ? undefined : await SIMULATORS[exchange]();
  const backbone = new MarketDataBackbone(simulator === undefined ? {} : { exchanges: { [exchange]: { restUrl: simulator.url } } });
  try {
    console.log(await run(backbone, command, args, { depth: Number(values.depth), count: Number(values.count), json: values.json, exchange }));
  } finally {
    await backbone.close();
    await simulator?.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
});
