/**
 * The KRW premium on its two bases (see `../shared/protocols/fx.md`): converted at the exchange's own
 * USDT/KRW market (`usdt`) or at the bank's official USD/KRW rate (`official`), and the premium of USDT/KRW
 * itself over the official rate (the "tether premium"). They multiply:
 * `(1 + coin vs official) = (1 + coin vs USDT) × (1 + USDT vs official)`, each premium here in %, so
 * `1 + premium / 100`. Every premium comes with the exact prices it divides and the age of its inputs.
 */
import type { Big } from './decimal.js';

/** Where the rate converting a foreign quote comes from: the exchange's USDT market, or the bank. */
export type PremiumBase = 'usdt' | 'official';

/** Which bases `computeArbitrage` prices (`both`: the USDT base first, then the official one). */
export type PremiumBases = PremiumBase | 'both';

/**
 * The premium of leg `a` over leg `b` on one base: `premium` = `(price / reference − 1) × 100` (%), rounded
 * once like every division of the arbitrage math; `price` and `reference` are the two mids in the target
 * quote it divides (exact when a book is converted by multiplying with its rate). Ages at the snapshot's
 * time: `bookAgeMs` of the older book, `fxAgeMs` of the older rate received (our clock), `fxQuoteAgeMs` of
 * the older quote at its source (the bank's own timestamp; a closed bank market makes it hours old without
 * making the premium stale). `stale`: a book or a rate reached its stale age.
 */
export interface BasePremium {
  readonly premium: Big | undefined;
  readonly price: Big | undefined;
  readonly reference: Big | undefined;
  readonly bookAgeMs: number;
  readonly fxAgeMs: number | undefined;
  readonly fxQuoteAgeMs: number | undefined;
  readonly stale: boolean;
}

/**
 * The premium of the exchange's USDT/KRW over the official USD/KRW: `premium` = `(price / reference − 1) × 100`
 * (%), `price` the USDT rate, `reference` the official one. `ageMs` is the USDT rate's age, `fxQuoteAgeMs` the
 * bank quote's; `stale`: either rate reached its stale age.
 */
export interface TetherPremium {
  readonly premium: Big;
  readonly price: Big;
  readonly reference: Big;
  readonly ageMs: number;
  readonly fxQuoteAgeMs: number | undefined;
  readonly stale: boolean;
}

/** The bases of a {@link PremiumBases} option, primary first. */
export function toPremiumBases(bases: PremiumBases): readonly PremiumBase[] {
  return bases === 'both' ? ['usdt', 'official'] : [bases];
}

/** Quotes the official USD rate converts, besides USD: the dollar stablecoins, taken at par as the protocol note does. */
export const DOLLAR_QUOTES = ['USD', 'USDT', 'USDC'] as const;

/** The older of two ages; `undefined` when neither is known. */
export function olderAge(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}
