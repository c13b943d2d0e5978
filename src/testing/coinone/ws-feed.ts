/**
 * What each Coinone WebSocket subscription sends, as a pure function of the {@link CoinoneMarket} and
 * the clock. At subscription: the current ORDERBOOK (as Coinone does), and, as a simulator choice, the
 * current TICKER and CHART candle; TRADE starts with the next trade. Then, per push covering
 * `(previous push, now]`: one TRADE frame per new trade, oldest first; a TICKER frame when the market
 * traded; an ORDERBOOK frame (16 levels a side, full replacement) whenever the book's state id changed,
 * even when the 16 levels did not; a CHART frame when the latest candle gained trades.
 * Answers are shared by all connections within one push.
 */
import { chartPeriodStart, type CoinoneChartInterval, type CoinoneMarket } from './market.js';
import { toWsBookData, toWsChartData, toWsTickerData, toWsTradeData, type CoinoneWsChannel, type CoinoneWsFormat, type WireObject } from './wire.js';

/** Levels per side of ORDERBOOK frames. */
export const COINONE_WS_BOOK_LEVELS = 16;

/** One subscription and what it has sent. */
export interface CoinoneWsStream {
  readonly channel: CoinoneWsChannel;
  readonly target: string;
  readonly interval: string | undefined;
  format: CoinoneWsFormat;
  /** First instant not yet covered. */
  cursor: number;
  /** Id of the last book or candle state sent. */
  sent: string | undefined;
}

/** A DATA payload and its channel, before formatting. */
export interface CoinoneWsData {
  readonly channel: CoinoneWsChannel;
  readonly data: WireObject;
}

/**
 * Builds DATA payloads for streams.
 *
 * @example
 * ```ts
 * const feed = new CoinoneWsFeed(market);
 * const stream = { channel: 'TRADE', target: 'BTC', interval: undefined, format: 'DEFAULT', cursor: now + 1, sent: undefined };
 * feed.beginPush(later);
 * feed.push(stream, later); // one TRADE payload per trade in (now, later]
 * ```
 */
export class CoinoneWsFeed {
  readonly #market: CoinoneMarket;
  readonly #memo = new Map<string, unknown>();
  #memoAt = Number.NaN;

  constructor(market: CoinoneMarket) {
    this.#market = market;
  }

  /** Starts answering for `now`: answers for earlier instants are dropped. */
  beginPush(now: number): void {
    if (now === this.#memoAt) return;
    this.#memo.clear();
    this.#memoAt = now;
  }

  /** The payloads sent right after a SUBSCRIBE at `now` (and the stream's state updated for them). */
  snapshot(stream: CoinoneWsStream, now: number): CoinoneWsData[] {
    this.beginPush(now);
    if (stream.channel === 'TRADE') return [];
    if (stream.channel === 'TICKER') return this.#ticker(stream.target, now);
    const state = stream.channel === 'ORDERBOOK' ? this.#book(stream.target, now) : this.#chart(stream, now);
    stream.sent = state?.id;
    return state === undefined ? [] : [state.data];
  }

  /** The payloads due for `(cursor, now]`, advancing the stream. Call {@link CoinoneWsFeed.beginPush} first. */
  push(stream: CoinoneWsStream, now: number): CoinoneWsData[] {
    if (stream.cursor > now) return [];
    const from = stream.cursor;
    stream.cursor = now + 1;
    const { channel, target } = stream;
    if (channel === 'TRADE') {
      const trades = this.#cached(`trades|${target}|${from}`, () => this.#market.tradesBetween(target, from, now));
      return trades.map((trade) => ({ channel, data: toWsTradeData(trade) }));
    }
    if (channel === 'TICKER') return this.#lastTradeAt(target, now) >= from ? this.#ticker(target, now) : [];
    const state = channel === 'ORDERBOOK' ? this.#book(target, now) : this.#chart(stream, now);
    if (state === undefined || state.id === stream.sent) return [];
    stream.sent = state.id;
    return [state.data];
  }

  #cached<T>(key: string, compute: () => T): T {
    if (this.#memo.has(key)) return this.#memo.get(key) as T;
    const value = compute();
    this.#memo.set(key, value);
    return value;
  }

  #lastTradeAt(target: string, now: number): number {
    return this.#cached(`last|${target}`, () => this.#market.model.lastTrade(`KRW-${target}`, now)?.timestamp ?? -Infinity);
  }

  #ticker(target: string, now: number): CoinoneWsData[] {
    return this.#cached(`ticker|${target}`, () => {
      const ticker = this.#market.ticker(target, now);
      return ticker === undefined ? [] : [{ channel: 'TICKER' as const, data: toWsTickerData(ticker) }];
    });
  }

  #book(target: string, now: number): { readonly id: string; readonly data: CoinoneWsData } | undefined {
    return this.#cached(`book|${target}`, () => {
      const book = this.#market.book(target, now, COINONE_WS_BOOK_LEVELS);
      return book === undefined ? undefined : { id: book.id, data: { channel: 'ORDERBOOK' as const, data: toWsBookData(book) } };
    });
  }

  /** The candle of the period holding the last trade; its state id is the last trade's id. */
  #chart(stream: CoinoneWsStream, now: number): { readonly id: string; readonly data: CoinoneWsData } | undefined {
    const interval = stream.interval as CoinoneChartInterval | undefined;
    if (interval === undefined) return undefined;
    return this.#cached(`chart|${stream.target}|${interval}`, () => {
      const last = this.#market.model.lastTrade(`KRW-${stream.target}`, now);
      if (last === undefined) return undefined;
      const trade = this.#market.trade(last, stream.target);
      const candle = this.#market.chart(stream.target, interval, chartPeriodStart(interval, last.timestamp), 1, now).candles[0];
      if (candle === undefined) return undefined;
      const data = toWsChartData(stream.target, interval, candle, trade.timestamp, trade.id);
      return { id: trade.id, data: { channel: 'CHART' as const, data } };
    });
  }
}
