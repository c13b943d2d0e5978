/**
 * `mdb`: market data from the command line. This module is the program (`runMdb`); `mdb.ts` runs it
 * on `process.argv`.
 *
 *   mdb ticker KRW-BTC [KRW-ETH ...] [--live] [--json]
 *   mdb orderbook KRW-BTC [--depth 10] [--live]
 *   mdb trades KRW-BTC [--count 20] [--live]
 *   mdb candles KRW-BTC 1m [--count 10] [--live]
 *   mdb candles KRW-BTC 1m --from 2026-01-01 --to 2026-01-31 --out btc.csv|btc.jsonl [--fill] [--live]
 *   mdb markets [--live]
 *   mdb depth KRW-BTC [--bands 10,50,100] [--watch] [--json]   (src/cli/depth.ts)
 *   mdb ticker BTCUSDT --exchange binance      (upbit, the default; binance; coinone), for every command
 *   mdb ticker KRW-BTC --rest-url http://127.0.0.1:8080   (a server you run: your own simulator, a proxy)
 *
 * Without `--live` it answers from an embedded simulator of the exchange on 127.0.0.1, so it works offline.
 * Bad arguments are refused before anything starts; they, and an exchange out of reach, end with a
 * message on stderr and exit code 1. Every command and flag: `docs/cli.md`.
 */
import { parseArgs } from 'node:util';
import { MarketDataBackbone } from '../backbone/backbone.js';
import { DEFAULT_EXCHANGE, type ExchangeId } from '../exchanges/registry.js';
import { CANDLE_INTERVALS, isCandleInterval } from '../model/candle.js';
import { runCandlesDownload, toDownloadCommand, type ProgressSink } from './candles.js';
import { DEFAULT_SYMBOL, describeFailure, EXCHANGE_IDS, openDataSource, toExchangeId, type DataSource } from './data-source.js';
import { DEPTH_USAGE, runDepthCommand } from './depth.js';
import { renderTable, TICKER_HEADER, tickerRow } from './format.js';
import { runServe } from './serve.js';
import { runRecord } from './record.js';
import { runReplay } from './replay.js';

const COMMANDS = ['ticker', 'orderbook', 'trades', 'candles', 'markets'] as const;

/** Commands that live in their own file and read their own flags: the name, then what runs it. */
const COMMAND_FILES: Readonly<Record<string, (args: readonly string[], output: MdbOutput, state: { source?: DataSource }) => Promise<void>>> = {
  depth: runDepthCommand,
  record: runRecord,
  replay: runReplay,
};

const USAGE = `usage: mdb <${[...COMMANDS, ...Object.keys(COMMAND_FILES), 'serve'].join('|')}> [symbol ...] [--exchange ID] [--live] [--json]
  mdb ticker KRW-BTC            ticker(s), native (KRW-BTC) or unified (BTC/KRW) symbols
  mdb orderbook KRW-BTC --depth 10
  mdb trades KRW-BTC --count 20
  mdb candles KRW-BTC 1m --count 10   intervals: ${CANDLE_INTERVALS.join(' ')}
  mdb candles KRW-BTC 1m --from 2026-01-01 --to 2026-01-31 --out btc.csv|btc.jsonl [--fill]
                                      a range into a file (UTC times, --to exclusive), progress on stderr
  mdb markets
  mdb serve --simulate --port 8080   the gateway: HTTP and WebSocket over the exchanges (mdb serve --help)
  mdb record --exchange upbit --symbols KRW-BTC,KRW-ETH --channels ticker,trades,orderbook --out rec/ [--live] [--duration S]
  mdb replay rec/ --speed 100|max [--skip-corrupt]   replays a recording, printed as npm start does
${DEPTH_USAGE}
  --exchange ${EXCHANGE_IDS.join('|')}    which exchange (default ${DEFAULT_EXCHANGE}), for every command:
                                      mdb ticker BTCUSDT --exchange binance
  --sim (the default) asks an embedded simulator of the exchange; --live asks the real exchange
  --rest-url URL                      ask the server at URL instead (your own simulator, a proxy)
  --json                              print JSON instead of a table
  -h, --help                          this text`;


async function run(
  backbone: MarketDataBackbone,
  command: string,
  args: string[],
  opts: { depth: number; count: number; json: boolean; exchange: ExchangeId },
): Promise<string> {
  const { exchange } = opts;
  const [symbol = DEFAULT_SYMBOL[exchange]] = args;
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
      // Checked before anything started (runMdb): this only narrows the type.
      if (!isCandleInterval(interval)) throw new RangeError(`unknown candle interval ${String(interval)}`);
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
      throw new RangeError(`unknown command ${command}`);
  }
}

/** A whole number within `[min, max]` from a flag, or a `RangeError` naming the flag. */
function toCount(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`--${flag} takes a whole number from ${min} to ${max}, not ${text}`);
  return value;
}

/** Where `mdb` writes: its result to `stdout`, progress and errors to `stderr`. */
export interface MdbOutput {
  readonly stdout: ProgressSink;
  readonly stderr: ProgressSink;
}

/**
 * Runs `mdb` with the arguments after the program name; resolves with the exit code (0, or 1 on bad
 * arguments or a failure, reported on `stderr`).
 *
 * @example
 * ```ts
 * process.exitCode = await runMdb(['ticker', 'BTCUSDT', '--exchange', 'binance'], process);
 * ```
 */
export async function runMdb(argv: readonly string[], output: MdbOutput): Promise<number> {
  if (argv[0] === 'serve') return runServe(argv.slice(1), output);
  const state: { source?: DataSource } = {};
  try {
    await mdb(argv, output, state);
    return 0;
  } catch (error) {
    // Bad arguments (parseArgs' TypeError, our RangeError) come with the usage line.
    const usage = error instanceof RangeError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
    output.stderr.write(`${usage ? `mdb: ${error.message}\n${USAGE.split('\n')[0]}\n(mdb --help lists every command and flag)` : describeFailure(error, state.source)}\n`);
    return 1;
  }
}

async function mdb(argv: readonly string[], output: MdbOutput, state: { source?: DataSource }): Promise<void> {
  const inFile = Object.hasOwn(COMMAND_FILES, argv[0] ?? '') ? COMMAND_FILES[argv[0] ?? ''] : undefined;
  if (inFile !== undefined) return inFile(argv.slice(1), output, state);
  const { values, positionals } = parseArgs({
    args: [...argv],
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
      'rest-url': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || command === undefined) {
    output.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!(COMMANDS as readonly string[]).includes(command)) throw new RangeError(`unknown command ${command}`);
  if (values.sim && (values.live || values['rest-url'] !== undefined)) throw new RangeError('--sim excludes --live and --rest-url');
  const exchange = toExchangeId(values.exchange);
  const download = command === 'candles' && (values.from !== undefined || values.to !== undefined || values.out !== undefined);
  // Every argument is checked before a simulator starts or a request leaves.
  const downloadCommand = download ? toDownloadCommand(args, { ...values, exchange }) : undefined;
  const counts = { depth: toCount('depth', values.depth, 1, 500), count: toCount('count', values.count, 1, 10_000) };
  if (command === 'candles' && !isCandleInterval(args[1])) throw new RangeError(`unknown candle interval ${String(args[1])} (${CANDLE_INTERVALS.join(', ')})`);
  const opened = await openDataSource(exchange, { live: values.live, restUrl: values['rest-url'] });
  state.source = opened;
  try {
    if (downloadCommand !== undefined) {
      await runCandlesDownload({ ...downloadCommand, restUrl: opened.restUrl, stderr: output.stderr });
      return;
    }
    const backbone = new MarketDataBackbone({ exchanges: { [exchange]: { restUrl: opened.restUrl } } });
    try {
      output.stdout.write(`${await run(backbone, command, args, { ...counts, json: values.json, exchange })}\n`);
    } finally {
      await backbone.close();
    }
  } finally {
    await opened.close();
  }
}
