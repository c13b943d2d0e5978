/**
 * `mdb candles <symbol> <interval> --from <time> --to <time> --out <file.csv|file.jsonl> [--fill] [--live]`:
 * downloads a candle range into a file, with a progress bar on stderr (redrawn in place on a terminal,
 * one plain line per 10 % otherwise). Like the rest of `mdb`, it asks an embedded simulator of the
 * exchange (`--exchange`, default Upbit) unless `--live` is given.
 *
 * Times are UTC: `2026-01-01` is midnight UTC, `2026-01-01T12:00` (no zone) too; an explicit offset
 * (`Z`, `+09:00`) is honoured. `--to` is exclusive. CSV has a header row; JSONL has one object per line.
 * Both spell every price and volume as its exact decimal string. Rows are oldest first.
 */
import { writeFile } from 'node:fs/promises';
import { downloadCandles, isFilledCandle, type CandleDownloadEvent } from '../client/candle-history.js';
import { ExchangeClient } from '../client/exchange-client.js';
import { DEFAULT_EXCHANGE, exchangeAdapters, type ExchangeId } from '../exchanges/registry.js';
import { CANDLE_INTERVALS, isCandleInterval, type Candle, type CandleInterval } from '../model/candle.js';
import { openDataSource } from './data-source.js';

/** Where progress goes: `process.stderr` or anything with `write` (and `isTTY` for a terminal). */
export interface ProgressSink {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
}

/** What `mdb candles ... --out` is asked to do. */
export interface CandlesDownloadCommand {
  readonly symbol: string;
  readonly interval: CandleInterval;
  readonly from: number;
  readonly to: number;
  /** Output path; `.jsonl`/`.ndjson` writes JSON lines, anything else CSV. */
  readonly out: string;
  /** The exchange to ask. @default 'upbit' */
  readonly exchange?: ExchangeId | undefined;
  /** Fill periods without trades with flat candles (marked `filled`). @default false */
  readonly fill?: boolean | undefined;
  /** Ask the real exchange instead of the embedded simulator. @default false */
  readonly live?: boolean | undefined;
  /** REST base URL to ask instead (a simulator you run yourself); wins over `live`. */
  readonly restUrl?: string | undefined;
  /** Candles per request. @default 200 */
  readonly pageSize?: number | undefined;
  /** Progress output. @default process.stderr */
  readonly stderr?: ProgressSink | undefined;
}

/** What a download wrote. */
export interface CandlesDownloadResult {
  readonly file: string;
  readonly format: 'csv' | 'jsonl';
  readonly rows: number;
  readonly pages: number;
}

/**
 * Reads a command-line time as UTC: a date, a date and time without zone, or ISO 8601 with an offset.
 *
 * @example
 * ```ts
 * parseCliTime('2026-01-31'); // Date.UTC(2026, 0, 31)
 * ```
 */
export function parseCliTime(text: string): number {
  const trimmed = text.trim();
  const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(trimmed);
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00Z` : zoned ? trimmed : `${trimmed.replace(' ', 'T')}Z`;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(trimmed) ? Date.parse(iso) : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`time could not be read: ${text} (use 2026-01-31 or 2026-01-31T12:00:00Z)`);
  return ms;
}

/** The `mdb` flags a download reads. */
export interface CandlesDownloadFlags {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly out?: string | undefined;
  readonly fill?: boolean | undefined;
  readonly live?: boolean | undefined;
  readonly exchange?: ExchangeId | undefined;
}

/**
 * Builds a download from `mdb candles` positionals (`symbol interval`) and flags; `--from`, `--to` and
 * `--out` are required.
 *
 * @example
 * ```ts
 * toDownloadCommand(['KRW-BTC', '1m'], { from: '2026-01-01', to: '2026-01-31', out: 'btc.csv' }).to; // Date.UTC(2026, 0, 31)
 * ```
 */
export function toDownloadCommand(args: readonly string[], flags: CandlesDownloadFlags): CandlesDownloadCommand {
  const [symbol, interval] = args;
  if (symbol === undefined) throw new RangeError('mdb candles: a symbol is required (e.g. KRW-BTC)');
  if (!isCandleInterval(interval)) {
    throw new RangeError(`unknown candle interval ${String(interval)} (${CANDLE_INTERVALS.join(', ')})`);
  }
  if (flags.from === undefined || flags.to === undefined || flags.out === undefined) {
    throw new RangeError('mdb candles: a download needs --from, --to and --out (file.csv or file.jsonl)');
  }
  const from = parseCliTime(flags.from);
  const to = parseCliTime(flags.to);
  if (from >= to) throw new RangeError(`mdb candles: --from (${flags.from}) must be before --to (${flags.to})`);
  return {
    symbol,
    interval: interval as CandleInterval,
    from,
    to,
    out: flags.out,
    exchange: flags.exchange,
    fill: flags.fill,
    live: flags.live,
  };
}

const CSV_HEADER = 'open_time,open_time_ms,market,interval,open,high,low,close,base_volume,quote_volume,filled';

function csvRow(c: Candle): string {
  const cells = [new Date(c.openTime).toISOString(), String(c.openTime), c.market, c.interval, c.open.toFixed(), c.high.toFixed(), c.low.toFixed(), c.close.toFixed(), c.baseVolume.toFixed(), c.quoteVolume.toFixed(), isFilledCandle(c) ? 'true' : 'false'];
  return cells.join(',');
}

function jsonRow(c: Candle): string {
  return JSON.stringify({
    openTime: new Date(c.openTime).toISOString(),
    openTimeMs: c.openTime,
    exchange: c.exchange,
    market: c.market,
    symbol: c.symbol,
    interval: c.interval,
    open: c.open.toFixed(),
    high: c.high.toFixed(),
    low: c.low.toFixed(),
    close: c.close.toFixed(),
    baseVolume: c.baseVolume.toFixed(),
    quoteVolume: c.quoteVolume.toFixed(),
    filled: isFilledCandle(c),
  });
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * One progress line: a bar of the periods covered, candles received, requests and time left.
 *
 * @example
 * ```ts
 * renderProgress({ type: 'progress', fetched: 100, total: 400, covered: 200, pages: 1, eta: 3000, elapsedMs: 3000 }, 10);
 * // '[#####-----]  50.0%  100 candles · 200/400 periods · 1 pages · ETA 3s'
 * ```
 */
export function renderProgress(event: Extract<CandleDownloadEvent, { type: 'progress' }>, width = 30): string {
  const ratio = event.total === 0 ? 1 : Math.min(1, event.covered / event.total);
  const filled = Math.round(ratio * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const percent = `${(ratio * 100).toFixed(1)}%`.padStart(6);
  return `${bar} ${percent}  ${event.fetched} candles · ${event.covered}/${event.total} periods · ${event.pages} pages · ETA ${formatDuration(event.eta)}`;
}

/**
 * Downloads `[from, to)` into `out` (CSV or JSONL by extension), showing progress on `stderr`.
 *
 * @example
 * ```ts
 * await runCandlesDownload({ symbol: 'KRW-BTC', interval: '1m', from: parseCliTime('2026-01-01'), to: parseCliTime('2026-01-02'), out: 'btc.csv' });
 * ```
 */
export async function runCandlesDownload(command: CandlesDownloadCommand): Promise<CandlesDownloadResult> {
  const stderr = command.stderr ?? process.stderr;
  const format = /\.(jsonl|ndjson)$/i.test(command.out) ? 'jsonl' : 'csv';
  const exchange = command.exchange ?? DEFAULT_EXCHANGE;
  const source = await openDataSource(exchange, command);
  const client = new ExchangeClient(exchangeAdapters[exchange], { restUrl: source.restUrl });
  const chunks: string[] = [];
  let rows = 0;
  let pages = 0;
  let lastDecile = -1;
  try {
    await new Promise<void>((resolve, reject) => {
      const range = { from: command.from, to: command.to, fill: command.fill, pageSize: command.pageSize };
      downloadCandles(client, command.symbol, command.interval, range).subscribe({
        next: (event) => {
          if (event.type === 'batch') {
            // batches arrive newest window first; each is oldest first
            chunks.push(event.candles.map(format === 'csv' ? csvRow : jsonRow).join('\n'));
            rows += event.candles.length;
            return;
          }
          pages = event.pages;
          const line = renderProgress(event);
          if (stderr.isTTY === true) stderr.write(`\r${line}`);
          else {
            const decile = event.total === 0 ? 10 : Math.floor((event.covered / event.total) * 10);
            if (decile > lastDecile) stderr.write(`${line}\n`);
            lastDecile = decile;
          }
        },
        error: reject,
        complete: resolve,
      });
    });
  } finally {
    if (stderr.isTTY === true) stderr.write('\n');
    client.close();
    await source.close();
  }
  const body = chunks.reverse().join('\n');
  const header = format === 'csv' ? `${CSV_HEADER}\n` : '';
  await writeFile(command.out, `${header}${body}${body === '' ? '' : '\n'}`, 'utf8');
  stderr.write(`wrote ${rows} candles to ${command.out} (${format}, ${pages} requests)\n`);
  return { file: command.out, format, rows, pages };
}
