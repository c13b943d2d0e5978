/**
 * The official (bank) FX rate: what the FX source reads from the Dunamu forex quotation, the rate
 * Upbit's own site shows. Prices stay exact `Big`s.
 */
import type { Big } from './decimal.js';

/**
 * One official rate: `rate` units of the quote currency (KRW) for one unit of the base (`USD/KRW` at
 * 1169: 1,169 KRW per dollar). `basePrice` is the bank's reference rate as quoted, for `unit` units
 * (JPY is quoted per 100: `rate` = `basePrice / unit`). `quotedAt` is the bank's own time of the quote,
 * `receivedAt` our clock when the reply arrived, and `ageMs` the quote's age when this value was made
 * (`now − quotedAt`): a bank market that is closed (nights, weekends) keeps its last rate, which is
 * not broken, only old, and `ageMs` says how old.
 *
 * It is an `FxRate` the arbitrage math accepts as is (see `computeArbitrage`).
 */
export interface OfficialFxRate {
  readonly type: 'fx';
  /** Unified pair, `USD/KRW`. */
  readonly symbol: string;
  /** KRW per one unit of the base currency. */
  readonly rate: Big;
  /** The bank's reference rate (매매기준율) for `unit` units, as quoted. */
  readonly basePrice: Big;
  /** How many units `basePrice` is for (1; JPY 100). */
  readonly unit: Big;
  /** The quote's own time (ms since epoch, the reply's `timestamp`). */
  readonly quotedAt: number;
  /** Our clock when the reply arrived (ms). */
  readonly receivedAt: number;
  /** `now − quotedAt` when this value was made (ms). */
  readonly ageMs: number;
}
