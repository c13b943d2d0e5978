/**
 * The bank side of the shared {@link MarketModel}: an official USD/KRW rate quoted in rounds while the
 * bank market is open and frozen while it is closed. A round's rate is the model's KRW-USDT price then,
 * divided by `1 + tetherPremium` (so USDT/KRW sits that much over the official rate), rounded half-up to
 * 2 decimals as banks quote; other currencies follow at fixed cross rates to the dollar.
 *
 * Hours are a guess the protocol note leaves open ("nights, weekends, holidays — not verified"): rounds
 * every `roundMs` from 09:00 to 21:00 KST, Monday to Friday, except the given holidays.
 */
import { Big } from '../../model/decimal.js';
import type { MarketModel } from '../market/market-model.js';
import { formatDate, KST_OFFSET_MS } from '../market/time-format.js';

/** A currency the simulated bank quotes in KRW. */
export interface FxSimCurrency {
  /** `USD`. */
  readonly code: string;
  readonly name: string;
  readonly country: string;
  /** Units one quote is for (JPY: 100). */
  readonly unit: number;
  /** Units of this currency per US dollar (decimal text). */
  readonly perUsd: string;
  /** The record's `id`. */
  readonly id: number;
}

/** The currencies served: the code the protocol note uses, and a per-100 one. */
export const FX_SIM_CURRENCIES: readonly FxSimCurrency[] = [
  { code: 'USD', name: '달러', country: '미국', unit: 1, perUsd: '1', id: 79 },
  { code: 'JPY', name: '엔', country: '일본', unit: 100, perUsd: '150', id: 80 },
  { code: 'EUR', name: '유로', country: '유럽연합', unit: 1, perUsd: '0.92', id: 81 },
  { code: 'CNY', name: '위안', country: '중국', unit: 1, perUsd: '7.2', id: 82 },
];

/** Options of an {@link FxMarket}. */
export interface FxMarketOptions {
  /** How far the model's KRW-USDT sits over the official USD/KRW (0.005: 0.5 %). @default 0.005 */
  readonly tetherPremium?: number | undefined;
  /** Time between two quoting rounds (ms). @default 60_000 */
  readonly roundMs?: number | undefined;
  /** KST hour the first round is quoted at. @default 9 */
  readonly openHour?: number | undefined;
  /** KST hour quoting stops (exclusive). @default 21 */
  readonly closeHour?: number | undefined;
  /** KST dates (`2026-01-01`) without quotes, on top of weekends. @default [] */
  readonly holidays?: readonly string[] | undefined;
}

/** One quoting round: its time (ms) and its number within its day (1 first). */
export interface FxRound {
  readonly at: number;
  readonly count: number;
}

/** A currency's quote at one round, every price exact. */
export interface FxSimQuote {
  readonly currency: FxSimCurrency;
  readonly round: FxRound;
  readonly basePrice: Big;
  readonly openingPrice: Big;
  readonly highPrice: Big;
  readonly lowPrice: Big;
  /** The previous trading day's last rate. */
  readonly previousClose: Big;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** USD/KRW when the model has no KRW-USDT market. */
const DEFAULT_USD_KRW = '1380';

/**
 * The official rates of the model, round by round.
 *
 * @example
 * ```ts
 * const bank = new FxMarket(model);
 * const usd = bank.quote('USD'); // the latest round's quote (the last one of Friday, on a Sunday)
 * usd?.basePrice.toFixed(2); // e.g. '1383.08'
 * ```
 */
export class FxMarket {
  readonly model: MarketModel;
  readonly #divisor: Big;
  readonly #roundMs: number;
  readonly #openMs: number;
  readonly #closeMs: number;
  readonly #holidays: ReadonlySet<string>;

  constructor(model: MarketModel, options: FxMarketOptions = {}) {
    const { tetherPremium = 0.005, roundMs = 60_000, openHour = 9, closeHour = 21, holidays = [] } = options;
    if (!(roundMs > 0) || !(openHour >= 0 && openHour < closeHour && closeHour <= 24)) throw new RangeError('FxMarket: bad hours or round length');
    this.model = model;
    this.#divisor = new Big(tetherPremium).plus(1);
    this.#roundMs = roundMs;
    this.#openMs = openHour * HOUR_MS;
    this.#closeMs = closeHour * HOUR_MS;
    this.#holidays = new Set(holidays);
  }

  /** `true` while the bank quotes (a trading day, within the hours). */
  isOpen(at: number = this.model.now()): boolean {
    const day = kstDayStart(at);
    return this.#isTradingDay(day) && at >= day + this.#openMs && at < day + this.#closeMs;
  }

  /** The latest round at or before `at` (up to three weeks back), `undefined` when none. */
  round(at: number = this.model.now()): FxRound | undefined {
    for (let day = kstDayStart(at), i = 0; i < 21; day -= DAY_MS, i++) {
      const open = day + this.#openMs;
      if (!this.#isTradingDay(day) || at < open) continue;
      const last = Math.min(at, day + this.#closeMs - 1);
      const count = Math.floor((last - open) / this.#roundMs);
      return { at: open + count * this.#roundMs, count: count + 1 };
    }
    return undefined;
  }

  /** The quote of `code` (`USD`) at the latest round at or before `at`; `undefined` for an unknown code or no round. */
  quote(code: string, at: number = this.model.now()): FxSimQuote | undefined {
    const currency = FX_SIM_CURRENCIES.find((c) => c.code === code);
    const round = this.round(at);
    if (currency === undefined || round === undefined) return undefined;
    const open = round.at - (round.count - 1) * this.#roundMs;
    const basePrice = this.#rate(currency, round.at);
    const openingPrice = this.#rate(currency, open);
    const previous = this.round(open - 1);
    const previousClose = previous === undefined ? openingPrice : this.#rate(currency, previous.at);
    const moves = [basePrice, openingPrice];
    const day = this.#hasUsdt() ? this.model.aggregate('KRW-USDT', open, round.at + 1) : undefined;
    if (day !== undefined) moves.push(this.#convert(currency, day.high), this.#convert(currency, day.low));
    const highPrice = moves.reduce((a, b) => (b.gt(a) ? b : a));
    const lowPrice = moves.reduce((a, b) => (b.lt(a) ? b : a));
    return { currency, round, basePrice, openingPrice, highPrice, lowPrice, previousClose };
  }

  #rate(currency: FxSimCurrency, at: number): Big {
    const usdt = this.#hasUsdt() ? this.model.lastTrade('KRW-USDT', at)?.price : undefined;
    return this.#convert(currency, usdt ?? new Big(DEFAULT_USD_KRW).times(this.#divisor));
  }

  /** A KRW-USDT price as the official rate of `unit` units of `currency`, 2 decimals, half-up. */
  #convert(currency: FxSimCurrency, usdtKrw: Big): Big {
    return usdtKrw.div(this.#divisor).times(currency.unit).div(currency.perUsd).round(2, Big.roundHalfUp);
  }

  #hasUsdt(): boolean {
    return this.model.hasMarket('KRW-USDT', Number.MAX_SAFE_INTEGER);
  }

  #isTradingDay(dayStart: number): boolean {
    const weekday = new Date(dayStart + KST_OFFSET_MS).getUTCDay();
    return weekday !== 0 && weekday !== 6 && !this.#holidays.has(formatDate(dayStart + KST_OFFSET_MS));
  }
}

/** The UTC instant of 00:00 KST of the KST day holding `at`. */
function kstDayStart(at: number): number {
  return Math.floor((at + KST_OFFSET_MS) / DAY_MS) * DAY_MS - KST_OFFSET_MS;
}
