/**
 * `npm start`'s table of the KRW premium on both bases: over the exchange's USDT/KRW and over the bank's
 * official USD/KRW, with the USDT/KRW premium over the official rate and how old the bank's quote is.
 */
import type { ArbitrageSnapshot } from '../model/arbitrage.js';
import { formatPercent } from './format.js';

/** Header matching {@link premiumBasesRows}. */
export const PREMIUM_BASES_HEADER = ['asset', 'pair', 'vs USDT/KRW', 'vs official USD/KRW', 'USDT vs official', 'bank quote', 'legs'] as const;

/**
 * `15 h 02 min`, `3 min`, `12 s`: an age for people.
 *
 * @example
 * ```ts
 * describeAge(54_120_000); // '15 h 02 min'
 * ```
 */
export function describeAge(ms: number | undefined): string {
  if (ms === undefined) return '-';
  const [hours, minutes, seconds] = [Math.floor(ms / 3_600_000), Math.floor(ms / 60_000) % 60, Math.floor(ms / 1_000) % 60];
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  return minutes > 0 ? `${minutes} min` : `${seconds} s`;
}

/**
 * One row per pair of a snapshot priced with `fx: 'both'`: the premium of A over B on each base, the
 * tether premium and the bank quote's age (old is not stale: a closed bank market keeps its rate).
 *
 * @example
 * ```ts
 * renderTable(PREMIUM_BASES_HEADER, premiumBasesRows('BTC', snapshot));
 * ```
 */
export function premiumBasesRows(asset: string, snapshot: ArbitrageSnapshot): string[][] {
  const percent = (value: { readonly premium: ArbitrageSnapshot['pairs'][number]['premium'] } | undefined): string =>
    value?.premium === undefined ? '-' : formatPercent(value.premium.div(100));
  return snapshot.pairs.map((pair) => [
    asset,
    `${pair.a}/${pair.b}`,
    percent(pair.premiums?.usdt),
    percent(pair.premiums?.official),
    percent(snapshot.tether),
    describeAge(snapshot.tether?.fxQuoteAgeMs ?? pair.premiums?.official?.fxQuoteAgeMs),
    pair.premiums?.usdt?.stale === true || pair.premiums?.official?.stale === true ? 'STALE' : 'fresh',
  ]);
}
