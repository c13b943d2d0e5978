/**
 * What each subscribed stream sends, as a pure function of the model and the clock: a SNAPSHOT at
 * subscription, then on every push the REALTIME changes since the previous one.
 *
 * Per push, for the interval `(previous push, now]`: one trade frame per new trade, oldest first; one
 * ticker frame (the ticker at `now`) when the market traded; an orderbook frame when the book at `now`
 * differs from the last one sent; a candle frame when the latest candle changed and at least
 * `candleIntervalMs` of clock time passed since the stream's last candle frame (when a period closes,
 * its final state is sent first if it changed since last sent). Within a push, trades come first, then
 * tickers, books and candles. The same questions asked by many connections are answered once per push.
 */
import type { Big } from '../../model/decimal.js';
import { periodStart } from '../../model/candle-periods.js';
import type { MarketModel } from '../market/market-model.js';
import type { SimCandle, SimOrderBook, SimTrade } from '../market/model-types.js';
import type { UpbitWsSubscription } from './ws-request.js';
import { toWsCandleFrame, toWsOrderBookFrame, toWsTickerFrame, toWsTradeFrame, type UpbitWsFrame, type UpbitWsStreamType } from './ws-wire.js';

const DAY_MS = 86_400_000;
const PREV_CLOSE_CACHE_SIZE = 4096;

/** A subscription and what it has sent so far. */
export interface UpbitWsStreamState {
  readonly sub: UpbitWsSubscription;
  /** First clock instant not yet covered by REALTIME frames. */
  cursor: number;
  /** Content of the last orderbook sent (or seen at subscription). */
  bookKey: string | undefined;
  /** Period start and content of the last candle sent (or seen at subscription). */
  candle: { readonly start: number; readonly key: string } | undefined;
  /** Clock time of the last candle frame. */
  candleAt: number;
}

/** Identifies a candle's content: candles only ever gain later trades. */
function candleKey(candle: SimCandle): string {
  return `${candle.start}|${candle.trades}|${candle.lastTimestamp}`;
}

function bookKey(book: SimOrderBook): string {
  return book.units.map((u) => `${u.askPrice.toFixed()}:${u.askSize.toFixed()}/${u.bidPrice.toFixed()}:${u.bidSize.toFixed()}`).join(',');
}

/**
 * Builds SNAPSHOT and REALTIME frames from a {@link MarketModel}.
 *
 * @example
 * ```ts
 * const feed = new UpbitWsFeed(model, 1000);
 * const state = feed.subscribe(subscription, model.now());
 * feed.beginPush(model.now());
 * const frames = feed.push([state], model.now());
 * ```
 */
export class UpbitWsFeed {
  readonly #model: MarketModel;
  readonly #candleIntervalMs: number;
  readonly #memo = new Map<string, unknown>();
  readonly #prevClose = new Map<string, Big>();
  #memoAt = Number.NaN;

  /**
   * @param model The market model to read.
   * @param candleIntervalMs Least clock time between two candle frames of one stream.
   */
  constructor(model: MarketModel, candleIntervalMs: number) {
    this.#model = model;
    this.#candleIntervalMs = candleIntervalMs;
  }

  /** Starts a push at `now`: answers cached for an earlier instant are dropped. */
  beginPush(now: number): void {
    if (now === this.#memoAt) return;
    this.#memo.clear();
    this.#memoAt = now;
  }

  /**
   * Starts a stream at `now`: its SNAPSHOT frames (none with `is_only_realtime`) and its state.
   *
   * @example
   * ```ts
   * const { frames, state } = feed.subscribe(sub, now);
   * ```
   */
  subscribe(sub: UpbitWsSubscription, now: number): { readonly frames: UpbitWsFrame[]; readonly state: UpbitWsStreamState } {
    this.beginPush(now);
    const state: UpbitWsStreamState = { sub, cursor: now + 1, bookKey: undefined, candle: undefined, candleAt: now };
    const frames: UpbitWsFrame[] = [];
    const emit = (frame: UpbitWsFrame | undefined): void => {
      if (frame !== undefined && sub.snapshot) frames.push(frame);
    };
    if (sub.type === 'ticker') emit(this.#tickerFrame(sub.code, now, 'SNAPSHOT'));
    else if (sub.type === 'trade') {
      const last = this.#lastTrade(sub.code, now);
      if (last !== undefined) emit(this.#tradeFrame(last, now, 'SNAPSHOT'));
    } else if (sub.type === 'orderbook') {
      const book = this.#book(sub, now);
      state.bookKey = book === undefined ? undefined : bookKey(book);
      if (book !== undefined) emit(toWsOrderBookFrame(book, 'SNAPSHOT'));
    } else {
      const candle = this.#latestCandle(sub, now);
      state.candle = candle === undefined ? undefined : { start: candle.start, key: candleKey(candle) };
      if (candle !== undefined) emit(toWsCandleFrame(candle, sub.type, now, 'SNAPSHOT'));
    }
    return { frames, state };
  }

  /**
   * The REALTIME frames of `states` for `(cursor, now]`, advancing each state. Call
   * {@link UpbitWsFeed.beginPush} first.
   */
  push(states: readonly UpbitWsStreamState[], now: number): UpbitWsFrame[] {
    const live = states.filter((state) => state.sub.realtime && state.cursor <= now);
    const frames: UpbitWsFrame[] = [];
    for (const state of live) {
      if (state.sub.type !== 'trade') continue;
      for (const trade of this.#trades(state.sub.code, state.cursor, now)) frames.push(this.#tradeFrame(trade, now, 'REALTIME'));
    }
    for (const state of live) {
      if (state.sub.type !== 'ticker') continue;
      const last = this.#lastTrade(state.sub.code, now);
      const frame = last !== undefined && last.timestamp >= state.cursor ? this.#tickerFrame(state.sub.code, now, 'REALTIME') : undefined;
      if (frame !== undefined) frames.push(frame);
    }
    for (const state of live) {
      if (state.sub.type !== 'orderbook') continue;
      const book = this.#book(state.sub, now);
      const key = book === undefined ? undefined : bookKey(book);
      if (book !== undefined && key !== state.bookKey) frames.push(toWsOrderBookFrame(book, 'REALTIME'));
      state.bookKey = key;
    }
    for (const state of live) {
      if (state.sub.interval !== undefined) frames.push(...this.#candleFrames(state, now));
    }
    for (const state of live) state.cursor = now + 1;
    return frames;
  }

  #candleFrames(state: UpbitWsStreamState, now: number): UpbitWsFrame[] {
    const { sub } = state;
    const interval = sub.interval;
    if (interval === undefined || now - state.candleAt < this.#candleIntervalMs) return [];
    const latest = this.#latestCandle(sub, now);
    if (latest === undefined) return [];
    const frames: UpbitWsFrame[] = [];
    const previous = state.candle;
    if (previous !== undefined && previous.start < latest.start) {
      const closed = this.#candleOf(sub.code, interval, previous.start, now);
      if (closed !== undefined && candleKey(closed) !== previous.key) frames.push(toWsCandleFrame(closed, sub.type, now, 'REALTIME'));
    }
    const key = candleKey(latest);
    if (previous?.key !== key) frames.push(toWsCandleFrame(latest, sub.type, now, 'REALTIME'));
    state.candle = { start: latest.start, key };
    if (frames.length > 0) state.candleAt = now;
    return frames;
  }

  #cached<T>(key: string, compute: () => T): T {
    if (this.#memo.has(key)) return this.#memo.get(key) as T;
    const value = compute();
    this.#memo.set(key, value);
    return value;
  }

  #lastTrade(code: string, now: number): SimTrade | undefined {
    return this.#cached(`last|${code}`, () => this.#model.lastTrade(code, now));
  }

  #trades(code: string, from: number, now: number): SimTrade[] {
    return this.#cached(`trades|${code}|${from}`, () => this.#model.trades(code, from, now + 1));
  }

  #book(sub: UpbitWsSubscription, now: number): SimOrderBook | undefined {
    const key = `book|${sub.code}|${sub.depth}|${sub.level.toFixed()}`;
    return this.#cached(key, () => this.#model.orderBook(sub.code, now, sub.depth, sub.level));
  }

  #tickerFrame(code: string, now: number, stream: UpbitWsStreamType): UpbitWsFrame | undefined {
    return this.#cached(`ticker|${code}|${stream}`, () => {
      const ticker = this.#model.ticker(code, now);
      return ticker === undefined ? undefined : toWsTickerFrame(ticker, this.#model.market(code), stream);
    });
  }

  #tradeFrame(trade: SimTrade, now: number, stream: UpbitWsStreamType): UpbitWsFrame {
    return this.#cached(`trade|${trade.market}|${trade.sequentialId}|${stream}`, () => {
      const book = this.#model.orderBook(trade.market, trade.timestamp, 1);
      return toWsTradeFrame(trade, { prevClose: this.#prevCloseOf(trade), book, at: now }, stream);
    });
  }

  /** The ticker's previous close on the trade's UTC day (constant through the day). */
  #prevCloseOf(trade: SimTrade): Big {
    const key = `${trade.market}|${Math.floor(trade.timestamp / DAY_MS)}`;
    let prevClose = this.#prevClose.get(key);
    if (prevClose === undefined) {
      prevClose = this.#model.ticker(trade.market, trade.timestamp)?.prevClosingPrice ?? trade.price;
      if (this.#prevClose.size >= PREV_CLOSE_CACHE_SIZE) this.#prevClose.clear();
      this.#prevClose.set(key, prevClose);
    }
    return prevClose;
  }

  /** The candle of the period holding the market's last trade, as of `now`. */
  #latestCandle(sub: UpbitWsSubscription, now: number): SimCandle | undefined {
    const interval = sub.interval;
    const last = this.#lastTrade(sub.code, now);
    if (interval === undefined || last === undefined) return undefined;
    return this.#candleOf(sub.code, interval, periodStart(interval, last.timestamp), now);
  }

  #candleOf(code: string, interval: NonNullable<UpbitWsSubscription['interval']>, start: number, now: number): SimCandle | undefined {
    return this.#cached(`candle|${code}|${interval}|${start}`, () => this.#model.candles(code, interval, start, start + 1, now)[0]);
  }
}
