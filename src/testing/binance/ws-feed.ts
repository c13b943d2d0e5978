/**
 * What each Binance stream sends, as a function of the model clock. Nothing is sent at subscription;
 * on every push a stream sends what happened since its previous push:
 *
 * - `@trade`, `@aggTrade`: one event per new trade (aggregates hold one trade each);
 * - `@depth@100ms`: one diff per book step, `@depth`: the steps of each second merged into one diff;
 *   `U`/`u` continue the REST snapshot's `lastUpdateId` (dropped steps leave a gap);
 * - `@depth5/10/20[@100ms]`: the top N each second (or 100 ms);
 * - `@bookTicker`: one event per book step that changed the best bid or ask (`u` = the step's `u`);
 * - `@ticker`, `@miniTicker`: the rolling 24 h statistics once per second;
 * - `@kline_<i>`: the current kline every 2 s (1 s for `1s`), and the closed one (`x: true`) first
 *   when its period ended.
 */
import type { BinanceMarket, BinanceMarkets } from './markets.js';
import type { DepthBook, DepthStep } from './depth.js';
import { isBinanceInterval, klineAt, klineStart, tickerStats, type BinanceInterval } from './stats.js';
import { toDepth, toWsAggTrade, toWsBookTicker, toWsDepthDiff, toWsKline, toWsTicker, toWsTrade, type BinanceLevel } from './wire.js';
import type { WireValue } from '../server/wire-json.js';

/** A parsed stream name. */
export type BinanceStream =
  | { readonly kind: 'trade' | 'aggTrade' | 'ticker' | 'miniTicker' | 'bookTicker'; readonly market: BinanceMarket }
  | { readonly kind: 'depth'; readonly market: BinanceMarket; readonly fast: boolean }
  | { readonly kind: 'partial'; readonly market: BinanceMarket; readonly levels: number; readonly fast: boolean }
  | { readonly kind: 'kline'; readonly market: BinanceMarket; readonly interval: BinanceInterval };

/**
 * Parses `btcusdt@depth@100ms`-style names; `undefined` for unknown symbols or streams (Binance
 * acknowledges those and sends nothing).
 *
 * @example
 * ```ts
 * parseBinanceStream(markets, 'btcusdt@kline_1m')?.kind; // 'kline'
 * ```
 */
export function parseBinanceStream(markets: BinanceMarkets, name: string): BinanceStream | undefined {
  const [symbol, channel, speed, ...rest] = name.split('@');
  if (symbol === undefined || channel === undefined || rest.length > 0 || symbol !== symbol.toLowerCase()) return undefined;
  const market = markets.get(symbol.toUpperCase());
  if (market === undefined) return undefined;
  const fast = speed === '100ms';
  if (speed !== undefined && !fast) return undefined;
  if (channel === 'depth') return { kind: 'depth', market, fast };
  const partial = /^depth(5|10|20)$/.exec(channel);
  if (partial !== null) return { kind: 'partial', market, levels: Number(partial[1]), fast };
  if (speed !== undefined) return undefined;
  if (channel === 'trade' || channel === 'aggTrade' || channel === 'ticker' || channel === 'miniTicker' || channel === 'bookTicker') {
    return { kind: channel, market };
  }
  const interval = channel.startsWith('kline_') ? channel.slice(6) : '';
  return isBinanceInterval(interval) ? { kind: 'kline', market, interval } : undefined;
}

/** One subscription of one connection and how far it has sent. */
export interface BinanceStreamState {
  readonly name: string;
  readonly stream: BinanceStream | undefined;
  /** First model instant not yet covered (trades). */
  cursor: number;
  /** Last update id covered (depth diffs, bookTicker). */
  lastUpdateId: number;
  /** Model time of the last periodic event. */
  lastEmit: number;
  /** Period start of the last kline sent. */
  klineStart: number | undefined;
}

function merge(steps: readonly DepthStep[], side: 'bids' | 'asks'): BinanceLevel[] {
  const levels = new Map<string, string>();
  for (const step of steps) for (const [price, qty] of step[side]) levels.set(price, qty);
  const sign = side === 'bids' ? -1 : 1;
  return [...levels.entries()].sort((a, b) => sign * (Number(a[0]) - Number(b[0])));
}

/**
 * Builds stream payloads from the markets and books.
 *
 * @example
 * ```ts
 * const feed = new BinanceWsFeed(markets, (m) => books.get(m));
 * const state = feed.subscribe('btcusdt@trade', model.now());
 * const payloads = feed.push(state, model.now(), 1);
 * ```
 */
export class BinanceWsFeed {
  readonly #markets: BinanceMarkets;
  readonly #book: (market: BinanceMarket, now: number) => DepthBook;

  /** @param book The symbol's book advanced to `now`. */
  constructor(markets: BinanceMarkets, book: (market: BinanceMarket, now: number) => DepthBook) {
    this.#markets = markets;
    this.#book = book;
  }

  /** Starts a stream at `now`. */
  subscribe(name: string, now: number): BinanceStreamState {
    const stream = parseBinanceStream(this.#markets, name);
    const needsBook = stream?.kind === 'depth' || stream?.kind === 'bookTicker';
    const lastUpdateId = needsBook ? this.#book(stream.market, now).updateId : 0;
    return { name, stream, cursor: now + 1, lastUpdateId, lastEmit: now, klineStart: undefined };
  }

  /** The payloads `state` sends for the time since its previous push (advances the state). */
  push(state: BinanceStreamState, now: number, tf: number): WireValue[] {
    const { stream } = state;
    if (stream === undefined) return [];
    const { market } = stream;
    const every = (ms: number): boolean => {
      if (Math.floor(now / ms) <= Math.floor(state.lastEmit / ms)) return false;
      state.lastEmit = now;
      return true;
    };
    switch (stream.kind) {
      case 'trade':
      case 'aggTrade': {
        if (now < state.cursor) return [];
        const trades = this.#markets.trades(market, state.cursor, now + 1);
        state.cursor = now + 1;
        return trades.map((t) => (stream.kind === 'trade' ? toWsTrade(market, t, now, tf) : toWsAggTrade(market, t, now, tf)));
      }
      case 'depth':
        return this.#diffs(state, market, stream.fast, now, tf);
      case 'partial': {
        if (!every(stream.fast ? 100 : 1000)) return [];
        const { lastUpdateId, bids, asks } = this.#book(market, now).snapshot(stream.levels);
        return [toDepth(lastUpdateId, bids, asks)];
      }
      case 'bookTicker': {
        const steps = this.#book(market, now).stepsAfter(state.lastUpdateId);
        state.lastUpdateId = steps[steps.length - 1]?.last ?? state.lastUpdateId;
        return steps.filter((s) => s.topChanged).map((s) => toWsBookTicker(market, s.last, s.top));
      }
      case 'ticker':
      case 'miniTicker': {
        if (!every(1000)) return [];
        const top = stream.kind === 'ticker' ? this.#book(market, now).top() : undefined;
        return [toWsTicker(tickerStats(this.#markets, market, now, top), now, stream.kind === 'ticker' ? 'FULL' : 'MINI', tf)];
      }
      case 'kline':
        return every(stream.interval === '1s' ? 1000 : 2000) ? this.#klines(state, market, stream.interval, now, tf) : [];
    }
  }

  #diffs(state: BinanceStreamState, market: BinanceMarket, fast: boolean, now: number, tf: number): WireValue[] {
    if (!fast && Math.floor(now / 1000) <= Math.floor(state.lastEmit / 1000)) return [];
    const steps = this.#book(market, now).stepsAfter(state.lastUpdateId);
    const last = steps[steps.length - 1];
    if (last === undefined) return [];
    state.lastUpdateId = last.last;
    state.lastEmit = now;
    if (fast) return steps.filter((s) => !s.dropped).map((s) => toWsDepthDiff(market, s.time, s.first, s.last, s.bids, s.asks, tf));
    const lastDropped = steps.map((s) => s.dropped).lastIndexOf(true);
    const kept = steps.slice(lastDropped + 1);
    const first = kept[0];
    if (first === undefined) return [];
    return [toWsDepthDiff(market, now, first.first, last.last, merge(kept, 'bids'), merge(kept, 'asks'), tf)];
  }

  #klines(state: BinanceStreamState, market: BinanceMarket, interval: BinanceInterval, now: number, tf: number): WireValue[] {
    const start = klineStart(interval, now);
    const out: WireValue[] = [];
    const previous = state.klineStart;
    if (previous !== undefined && previous < start) {
      const closed = klineAt(this.#markets, market, interval, previous, now);
      if (closed !== undefined) out.push(toWsKline(market, interval, closed, now, true, tf));
    }
    const current = klineAt(this.#markets, market, interval, start, now);
    if (current !== undefined) out.push(toWsKline(market, interval, current, now, false, tf));
    state.klineStart = start;
    return out;
  }
}
