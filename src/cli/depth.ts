/**
 * `mdb depth <symbol> [--exchange ID] [--bands 10,50,100] [--levels 10] [--depth N] [--watch [--updates N]] [--json]`:
 * the depth and liquidity of one order book (`computeBookMetrics`): mid, spread in bps, microprice, size and
 * notional within each band of basis points around the mid, and the bid/ask imbalances. Once from a REST
 * snapshot, or with `--watch` on every book the stream delivers (until Ctrl-C, or `--updates N` books). `--json`
 * prints the metrics object (one line per book with `--watch`). The data source flags are mdb's: the embedded
 * simulator by default, `--live`, or `--rest-url`/`--ws-url`.
 */
import { parseArgs } from 'node:util';
import { take } from 'rxjs';
import { MarketDataBackbone } from '../backbone/backbone.js';
import { DEFAULT_EXCHANGE } from '../exchanges/registry.js';
import { computeBookMetrics, planBookMetrics, type BookMetrics, type BookMetricsPlan } from '../model/book-metrics.js';
import type { OrderBook } from '../model/order-book.js';
import { DEFAULT_SYMBOL, openDataSource, toExchangeId, type DataSource } from './data-source.js';
import { groupDigits, renderTable } from './format.js';

/** The usage lines of `mdb depth`, for `mdb --help`. */
export const DEPTH_USAGE = `  mdb depth KRW-BTC [--bands 10,50,100] [--levels 10] [--depth N] [--watch [--updates N]] [--json]
                                      spread, microprice, depth and imbalance within bands of bps`;

/** Where `mdb depth` writes its result. */
interface Sink {
  write(chunk: string): unknown;
}

/**
 * Runs `mdb depth` with the arguments after `depth`; bad arguments throw a `RangeError` (or parseArgs' own
 * error) before anything starts, which `runMdb` reports with the usage line and exit code 1.
 *
 * @example
 * ```ts
 * await runDepthCommand(['KRW-BTC', '--bands', '10,50'], { stdout: process.stdout, stderr: process.stderr }, {});
 * ```
 */
export async function runDepthCommand(argv: readonly string[], output: { readonly stdout: Sink }, state: { source?: DataSource }): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      exchange: { type: 'string', default: DEFAULT_EXCHANGE },
      bands: { type: 'string', default: '10,50,100' },
      levels: { type: 'string', default: '10' },
      depth: { type: 'string' },
      watch: { type: 'boolean', default: false },
      updates: { type: 'string' },
      json: { type: 'boolean', default: false },
      live: { type: 'boolean', default: false },
      sim: { type: 'boolean', default: false },
      'rest-url': { type: 'string' },
      'ws-url': { type: 'string' },
    },
  });
  const exchange = toExchangeId(values.exchange);
  if (positionals.length > 1) throw new RangeError(`mdb depth takes one symbol, not ${positionals.join(' ')}`);
  if (values.sim && (values.live || values['rest-url'] !== undefined || values['ws-url'] !== undefined)) throw new RangeError('--sim excludes --live and --rest-url/--ws-url');
  if (values.updates !== undefined && !values.watch) throw new RangeError('--updates goes with --watch');
  const symbol = positionals[0] ?? DEFAULT_SYMBOL[exchange];
  const plan = toPlan(values.bands, values.levels);
  const depth = values.depth === undefined ? undefined : toWhole('depth', values.depth, 5_000);
  const updates = values.updates === undefined ? undefined : toWhole('updates', values.updates, Number.MAX_SAFE_INTEGER);

  const source = await openDataSource(exchange, { live: values.live, restUrl: values['rest-url'], wsUrl: values['ws-url'] });
  state.source = source;
  const backbone = new MarketDataBackbone({ gracePeriodMs: 0, exchanges: { [exchange]: { restUrl: source.restUrl, wsUrl: source.wsUrl } } });
  const print = (book: OrderBook): void => {
    const metrics = computeBookMetrics(book, plan);
    output.stdout.write(`${values.json ? JSON.stringify(metrics, null, values.watch ? undefined : 2) : renderMetrics(metrics)}\n`);
  };
  try {
    if (!values.watch) {
      print(await backbone.getOrderBook(symbol, { exchange, depth }));
      return;
    }
    const book$ = backbone.streamOrderBook(symbol, { exchange, depth });
    let stop = (): void => undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        const subscription = (updates === undefined ? book$ : book$.pipe(take(updates))).subscribe({ next: print, error: reject, complete: resolve });
        stop = () => {
          subscription.unsubscribe();
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  } finally {
    await backbone.close();
    await source.close();
  }
}

/** `--bands` and `--levels` as a checked plan, or a `RangeError` naming the flag. */
function toPlan(bands: string, levels: string): BookMetricsPlan {
  const list = bands.split(',').map((text) => text.trim());
  const numbers = list.map(Number);
  if (list.some((text) => text === '') || !numbers.every((n) => Number.isFinite(n) && n > 0 && n <= 10_000)) {
    throw new RangeError(`--bands takes basis points above 0 and at most 10000, separated by commas (10,50,100), not ${bands}`);
  }
  return planBookMetrics({ bands: numbers, levels: toWhole('levels', levels, 1_000_000) });
}

/** A whole number from 1 to `max` from a flag, or a `RangeError` naming the flag. */
function toWhole(flag: string, text: string, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new RangeError(`--${flag} takes a whole number from 1, not ${text}`);
  return value;
}

/**
 * The metrics as text: a header line (market, time, mid, spread, microprice) and a table of the bands; a book
 * without a mid says why.
 *
 * @example
 * ```ts
 * console.log(renderMetrics(computeBookMetrics(book)));
 * ```
 */
export function renderMetrics(metrics: BookMetrics): string {
  const head = `${metrics.market} (${metrics.exchange}) @ ${new Date(metrics.timestamp).toISOString()}`;
  if (metrics.kind === 'one-sided') return `${head}: one-sided book, only ${metrics.side}s (best ${groupDigits(metrics.best.price)}): no mid, no depth`;
  if (metrics.kind === 'empty') return `${head}: empty book`;
  if (metrics.kind === 'crossed') return `${head}: crossed book, best bid ${groupDigits(metrics.bestBid.price)} > best ask ${groupDigits(metrics.bestAsk.price)}: no metrics`;
  const fixed = (value: { toFixed(dp: number): string } | undefined, dp: number): string => (value === undefined ? '-' : value.toFixed(dp));
  const rows = metrics.bands.map((band) => [
    `${band.bps} bps`, band.bidSize.toFixed(), groupDigits(band.bidNotional.round(0)), band.askSize.toFixed(), groupDigits(band.askNotional.round(0)),
    fixed(band.imbalance, 4), `${band.bidLevels}/${band.askLevels}`,
  ]);
  return [
    `${head}`,
    `mid ${groupDigits(metrics.mid)}  spread ${groupDigits(metrics.spread)} (${metrics.spreadBps.toFixed(2)} bps)  microprice ${groupDigits(metrics.microprice.round(2))}`,
    renderTable(['band', 'bid size', 'bid notional', 'ask size', 'ask notional', 'imbalance', 'levels'], rows),
    `top ${metrics.top.levels} levels: bid ${metrics.top.bidSize.toFixed()}, ask ${metrics.top.askSize.toFixed()}, imbalance ${fixed(metrics.top.imbalance, 4)}`,
  ].join('\n');
}
