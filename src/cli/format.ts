/** Plain-text tables for the CLI. */
import type { Ticker } from '../model/ticker.js';

/**
 * Renders rows as an aligned text table; numbers-looking cells are right-aligned.
 *
 * @example
 * ```ts
 * console.log(renderTable(['market', 'last'], [['KRW-BTC', '100']]));
 * ```
 */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = /^[-+]?[\d,.]+%?$/;
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (numeric.test(c) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * One table row for a ticker: market, last, change %, day volume, 24 h value, exchange time.
 *
 * @example
 * ```ts
 * renderTable(TICKER_HEADER, tickers.map(tickerRow));
 * ```
 */
export function tickerRow(t: Ticker): string[] {
  return [
    t.market,
    t.symbol,
    t.last.toFixed(),
    `${t.changeRate.times(100).toFixed(2)}%`,
    t.baseVolume.toFixed(4),
    t.quoteVolume24h.toFixed(0),
    new Date(t.timestamp).toISOString().slice(11, 23),
  ];
}

/** Header matching {@link tickerRow}. */
export const TICKER_HEADER = ['market', 'symbol', 'last', 'change', 'volume', 'value 24h', 'time (UTC)'] as const;
