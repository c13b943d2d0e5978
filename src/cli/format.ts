/** Plain-text tables and cell formats for the CLI (`mdb` and the `npm start` live view). */
import type { ArbitrageSnapshot } from '../model/arbitrage.js';
import { computeBookMetrics, planBookMetrics } from '../model/book-metrics.js';
import type { Big } from '../model/decimal.js';
import type { OrderBook } from '../model/order-book.js';
import type { Ticker } from '../model/ticker.js';
import type { Trade } from '../model/trade.js';

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

/** Where a live value came from: the WebSocket, or REST polling while the stream was down or stale. */
export type LiveSource = 'WS' | 'REST';

/** What the live view knows about one market; every field stays `undefined` until its stream speaks. */
export interface LiveMarketView {
  readonly market: string;
  readonly ticker?: Ticker | undefined;
  readonly book?: OrderBook | undefined;
  readonly lastTrade?: Trade | undefined;
  /** Trades seen since the view started. */
  readonly trades: number;
  /** Source of the latest ticker, book and trade. */
  readonly sources: Readonly<Partial<Record<'ticker' | 'book' | 'trade', LiveSource>>>;
}

/** A trade as the live view lists it: with the source that delivered it. */
export interface LiveTrade {
  readonly trade: Trade;
  readonly source: LiveSource;
}

/**
 * A decimal with thousands separators in its integer part (`161917000.5` → `161,917,000.5`).
 *
 * @example
 * ```ts
 * groupDigits(ticker.last); // '161,917,000'
 * ```
 */
export function groupDigits(value: Big): string {
  const [int = '', fraction] = value.toFixed().split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/**
 * A signed percentage of a ratio with two decimals (`0.0182` → `+1.82%`).
 *
 * @example
 * ```ts
 * formatPercent(ticker.changeRate); // '+1.82%'
 * ```
 */
export function formatPercent(ratio: Big): string {
  const percent = ratio.times(100).toFixed(2);
  return ratio.gt(0) ? `+${percent}%` : `${percent}%`;
}

/**
 * The sources of a row in one word: `WS`, `REST`, `WS+REST` when its streams disagree, `-` before data.
 *
 * @example
 * ```ts
 * formatSources({ ticker: 'WS', book: 'REST' }); // 'WS+REST'
 * ```
 */
export function formatSources(sources: LiveMarketView['sources']): string {
  const distinct = [...new Set(Object.values(sources))].sort((a, b) => b.localeCompare(a));
  return distinct.length === 0 ? '-' : distinct.join('+');
}

/** Depth within 10 bps of the mid, for the live view. */
const DEPTH_10_BPS = planBookMetrics({ bands: [10] });

/**
 * The size (base) within 10 bps of the mid on each side of a book, `bid / ask` to 4 places; `-` before a book,
 * and `one-sided`, `empty` or `crossed` for a book without a mid.
 *
 * @example
 * ```ts
 * depthCell(book); // '0.5122 / 0.3110'
 * ```
 */
export function depthCell(book: OrderBook | undefined): string {
  if (book === undefined) return '-';
  const metrics = computeBookMetrics(book, DEPTH_10_BPS);
  if (metrics.kind !== 'ok') return metrics.kind;
  const band = metrics.bands[0]!;
  return `${band.bidSize.toFixed(4)} / ${band.askSize.toFixed(4)}`;
}

/**
 * One live-view row: market, last, change, best bid/ask, spread, size within 10 bps, last trade, trades seen, source.
 *
 * @example
 * ```ts
 * renderTable(LIVE_HEADER, views.map(liveRow));
 * ```
 */
export function liveRow(view: LiveMarketView): string[] {
  const { ticker, book, lastTrade } = view;
  const bid = book?.bids[0]?.price;
  const ask = book?.asks[0]?.price;
  const spread = bid !== undefined && ask !== undefined && bid.gt(0) ? `${ask.minus(bid).div(bid).times(100).toPrecision(2)}%` : '-';
  const trade = lastTrade === undefined ? '-' : `${lastTrade.side} ${lastTrade.amount.toFixed()} @ ${groupDigits(lastTrade.price)}`;
  return [
    view.market,
    ticker === undefined ? '-' : groupDigits(ticker.last),
    ticker === undefined ? '-' : formatPercent(ticker.changeRate),
    bid === undefined ? '-' : groupDigits(bid),
    ask === undefined ? '-' : groupDigits(ask),
    spread,
    depthCell(book),
    trade,
    String(view.trades),
    formatSources(view.sources),
  ];
}

/** Header matching {@link liveRow}. */
export const LIVE_HEADER = ['market', 'last', 'change', 'best bid', 'best ask', 'spread', 'size ±10 bps (bid / ask)', 'last trade', 'trades', 'source'] as const;

/**
 * One row of the recent-trades list: exchange time, market, taker side, price, amount, source.
 *
 * @example
 * ```ts
 * renderTable(TRADE_HEADER, recent.map(tradeRow));
 * ```
 */
export function tradeRow({ trade, source }: LiveTrade): string[] {
  return [new Date(trade.timestamp).toISOString().slice(11, 23), trade.market, trade.side, groupDigits(trade.price), trade.amount.toFixed(), source];
}

/** Header matching {@link tradeRow}. */
export const TRADE_HEADER = ['time (UTC)', 'market', 'side', 'price', 'amount', 'source'] as const;

/**
 * One row per pair of exchanges of an arbitrage snapshot: premium (mid vs mid), the better executable
 * route (buy on one, sell on the other after fees) with its spread and quantity, and a stale flag.
 *
 * @example
 * ```ts
 * renderTable(ARBITRAGE_HEADER, arbitrageRows('BTC', snapshot));
 * ```
 */
export function arbitrageRows(asset: string, snapshot: ArbitrageSnapshot): string[][] {
  return snapshot.pairs.map((pair) => {
    const routes = [pair.aToB, pair.bToA].filter((r) => r !== undefined);
    const best = routes.sort((x, y) => y.spreadPct.cmp(x.spreadPct))[0];
    const mid = (exchange: string): string => {
      const value = snapshot.legs[exchange]?.mid;
      return value === undefined ? '-' : groupDigits(value.round(0));
    };
    return [
      asset,
      `${pair.a}/${pair.b}`,
      mid(pair.a),
      mid(pair.b),
      pair.premium === undefined ? '-' : formatPercent(pair.premium.div(100)),
      best === undefined ? '-' : `buy ${best.buy}, sell ${best.sell}`,
      best === undefined ? '-' : formatPercent(best.spreadPct.div(100)),
      best === undefined ? '-' : best.amount.toFixed(),
      pair.stale ? 'STALE' : 'fresh',
    ];
  });
}

/** Header matching {@link arbitrageRows}. */
export const ARBITRAGE_HEADER = ['asset', 'pair', 'mid A (KRW)', 'mid B (KRW)', 'premium A/B', 'best route', 'spread', 'qty', 'legs'] as const;
