/**
 * The Binance side of the shared {@link MarketModel}: every KRW market of the model (but KRW-USDT) is
 * listed as `<BASE>USDT`, priced at the KRW price divided by the FX rate and by `1 + premium` (the
 * "kimchi premium": Upbit above Binance), rounded to the symbol's tick. Quantities are the model's
 * volumes unchanged, so `LOT_SIZE.stepSize` is the model's lot and volumes sum exactly.
 *
 * Trade ids are `UTC day number × 10^7 + position of the trade in its UTC day + 1`: consecutive within
 * a day and computable for any instant without counting from the listing (simulator choice; Binance's
 * ids never jump). Aggregate-trade ids equal trade ids (one trade per aggregate).
 */
import { Big } from '../../model/decimal.js';
import type { MarketModel } from '../market/market-model.js';
import type { SimAggregate, SimTrade } from '../market/model-types.js';

/** One listed Binance symbol. */
export interface BinanceMarket {
  /** `BTCUSDT`. */
  readonly symbol: string;
  /** Lower-case symbol, as stream names spell it (`btcusdt`). */
  readonly stream: string;
  readonly base: string;
  readonly quote: string;
  /** The model market it follows (`KRW-BTC`). */
  readonly source: string;
  readonly tickSize: Big;
  readonly stepSize: Big;
  /** First instant with trades (ms). */
  readonly listedAt: number;
}

/** One trade as Binance sees it. */
export interface BinanceTrade {
  readonly id: number;
  readonly price: Big;
  readonly qty: Big;
  readonly time: number;
  /** `true` when the taker sold (the buyer was the maker). */
  readonly buyerMaker: boolean;
}

/** An aggregate of trades converted to the symbol's prices (`quoteVolume` rounded down to 8 decimals). */
export interface BinanceAggregate {
  readonly open: Big;
  readonly high: Big;
  readonly low: Big;
  readonly close: Big;
  readonly volume: Big;
  readonly quoteVolume: Big;
  readonly takerBuyVolume: Big;
  readonly takerBuyQuoteVolume: Big;
  readonly trades: number;
  readonly firstId: number;
  readonly lastId: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const DAY_ID_SPAN = 10_000_000;
/** FX fallback (KRW per USDT) when the model has no KRW-USDT market. */
export const DEFAULT_FX_RATE = 1380;

/** The tick for a reference price: 5 significant digits, between 0.00000001 and 0.01 (as BTCUSDT). */
function tickFor(price: number): Big {
  const exponent = Math.floor(Math.log10(Math.max(price, 1e-12))) - 4;
  return new Big(10).pow(Math.min(-2, Math.max(-8, exponent)));
}

/**
 * The Binance view of a model: the symbol list and the price conversion.
 *
 * @example
 * ```ts
 * const markets = new BinanceMarkets(model, { premium: 0.02 });
 * markets.get('BTCUSDT')?.tickSize.toString(); // '0.01'
 * ```
 */
export class BinanceMarkets {
  readonly model: MarketModel;
  readonly fxRate: Big;
  readonly premium: Big;
  readonly #divisor: Big;
  readonly #bySymbol = new Map<string, BinanceMarket>();

  /** @param options.fxRate KRW per USDT (default: the model's KRW-USDT last price, else 1380). */
  constructor(model: MarketModel, options: { readonly fxRate?: number | string | undefined; readonly premium?: number | string | undefined } = {}) {
    this.model = model;
    const usdt = model.hasMarket('KRW-USDT', Number.MAX_SAFE_INTEGER) ? model.lastTrade('KRW-USDT')?.price : undefined;
    this.fxRate = new Big(options.fxRate ?? usdt ?? DEFAULT_FX_RATE);
    this.premium = new Big(options.premium ?? 0.02);
    this.#divisor = this.fxRate.times(this.premium.plus(1));
    for (const market of model.markets(Number.MAX_SAFE_INTEGER)) {
      if (market.quote !== 'KRW' || market.base === 'USDT') continue;
      const reference = model.midPrice(market.market, market.listedAt) / this.#divisor.toNumber();
      const symbol = `${market.base}USDT`;
      this.#bySymbol.set(symbol, {
        symbol,
        stream: symbol.toLowerCase(),
        base: market.base,
        quote: 'USDT',
        source: market.market,
        tickSize: tickFor(reference),
        stepSize: market.lotSize,
        listedAt: market.listedAt,
      });
    }
  }

  /** Every symbol (listed or not yet), in catalogue order. */
  all(): BinanceMarket[] {
    return [...this.#bySymbol.values()];
  }

  /** Symbols trading at `at`. */
  listed(at: number): BinanceMarket[] {
    return this.all().filter((m) => m.listedAt <= at);
  }

  /** A symbol by its upper-case name, trading at `at` (any time when omitted). */
  get(symbol: string, at = Number.MAX_SAFE_INTEGER): BinanceMarket | undefined {
    const market = this.#bySymbol.get(symbol);
    return market !== undefined && market.listedAt <= at ? market : undefined;
  }

  /** A KRW price in USDT, rounded half-up to the tick (never below one tick). */
  price(market: BinanceMarket, krw: Big): Big {
    const ticks = krw.div(this.#divisor).div(market.tickSize).round(0, Big.roundHalfUp);
    return (ticks.lt(1) ? new Big(1) : ticks).times(market.tickSize);
  }

  /** A KRW value in USDT, rounded down to 8 decimals. */
  value(krw: Big): Big {
    return krw.div(this.#divisor).round(8, Big.roundDown);
  }

  /** Trades with `from <= time < to`, oldest first. */
  trades(market: BinanceMarket, from: number, to: number): BinanceTrade[] {
    return this.#withIds(market, this.model.trades(market.source, from, to));
  }

  /** Up to `limit` trades at or before `at`, oldest first (within the last 24 h). */
  recentTrades(market: BinanceMarket, at: number, limit: number): BinanceTrade[] {
    const page = this.model.tradesBefore(market.source, at + 1, 0, at - DAY_MS, limit);
    return this.#withIds(market, page.reverse());
  }

  /** The last trade at or before `at`. */
  lastTrade(market: BinanceMarket, at: number): BinanceTrade | undefined {
    const trade = this.model.lastTrade(market.source, at);
    return trade === undefined ? undefined : this.#withIds(market, [trade])[0];
  }

  /** Price and taker side of the last trade at or before `at` (no id: cheaper than {@link lastTrade}). */
  lastPrice(market: BinanceMarket, at: number): { readonly price: Big; readonly buyerMaker: boolean } | undefined {
    const trade = this.model.lastTrade(market.source, at);
    return trade === undefined ? undefined : { price: this.price(market, trade.price), buyerMaker: trade.side === 'ASK' };
  }

  /**
   * Up to `limit` trades from id `fromId` on (inclusive), oldest first. An id past its day's last
   * trade continues with the next day's first.
   */
  tradesFromId(market: BinanceMarket, fromId: number, limit: number, now: number): BinanceTrade[] {
    const dayStart = Math.floor(fromId / DAY_ID_SPAN) * DAY_MS;
    let skip = Math.max(0, (fromId % DAY_ID_SPAN) - 1);
    let from = dayStart;
    for (const span of [HOUR_MS, MINUTE_MS]) {
      while (from < dayStart + DAY_MS && from <= now) {
        const count = this.model.aggregate(market.source, from, from + span)?.trades ?? 0;
        if (count > skip) break;
        skip -= count;
        from += span;
      }
    }
    const out: BinanceTrade[] = [];
    while (out.length < skip + limit && from <= now) {
      const to = Math.min(from + HOUR_MS, now + 1);
      out.push(...this.trades(market, from, to));
      from = to;
    }
    return out.filter((trade) => trade.id >= fromId).slice(0, limit);
  }

  /** The aggregate of `[from, to)` in USDT, `undefined` without trades. */
  aggregate(market: BinanceMarket, from: number, to: number): BinanceAggregate | undefined {
    const a = this.model.aggregate(market.source, from, to);
    return a === undefined ? undefined : this.convert(market, a);
  }

  /** Converts a model aggregate (ids from its first and last trade instants). */
  convert(market: BinanceMarket, a: SimAggregate): BinanceAggregate {
    const quoteVolume = this.value(a.value);
    const takerBuyQuoteVolume = a.volume.eq(0) ? new Big(0) : quoteVolume.times(a.bidVolume).div(a.volume).round(8, Big.roundDown);
    return {
      open: this.price(market, a.open),
      high: this.price(market, a.high),
      low: this.price(market, a.low),
      close: this.price(market, a.close),
      volume: a.volume,
      quoteVolume,
      takerBuyVolume: a.bidVolume,
      takerBuyQuoteVolume,
      trades: a.trades,
      firstId: this.#idAt(market, a.firstTimestamp, 0),
      lastId: this.#lastIdAt(market, a.lastTimestamp),
    };
  }

  /** Trades of `ts`'s UTC day strictly before `ts`. */
  #countBefore(market: BinanceMarket, ts: number): number {
    const start = Math.floor(ts / DAY_MS) * DAY_MS;
    return ts === start ? 0 : (this.model.aggregate(market.source, start, ts)?.trades ?? 0);
  }

  /** Id of the `seq`-th trade at instant `ts`. */
  #idAt(market: BinanceMarket, ts: number, seq: number): number {
    return Math.floor(ts / DAY_MS) * DAY_ID_SPAN + this.#countBefore(market, ts) + seq + 1;
  }

  /** Id of the last trade at instant `ts` (or before it on the same day). */
  #lastIdAt(market: BinanceMarket, ts: number): number {
    return Math.floor(ts / DAY_MS) * DAY_ID_SPAN + this.#countBefore(market, ts) + (this.model.aggregate(market.source, ts, ts + 1)?.trades ?? 0);
  }

  #withIds(market: BinanceMarket, trades: readonly SimTrade[]): BinanceTrade[] {
    const out: BinanceTrade[] = [];
    let previous: { readonly day: number; readonly id: number } | undefined;
    for (const trade of trades) {
      const day = Math.floor(trade.timestamp / DAY_MS);
      const seq = Number(BigInt(trade.sequentialId) % 10_000n);
      const id = previous?.day === day ? previous.id + 1 : this.#idAt(market, trade.timestamp, seq);
      previous = { day, id };
      out.push({ id, price: this.price(market, trade.price), qty: trade.volume, time: trade.timestamp, buyerMaker: trade.side === 'ASK' });
    }
    return out;
  }
}
