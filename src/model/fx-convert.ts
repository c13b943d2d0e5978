/**
 * Converting a book's prices into a target quote with FX rates, shared by the arbitrage math and the
 * consolidated book: which rate applies (either way round), how a leg ages with it, and the one rounding
 * of a division.
 */
import { Big } from './decimal.js';
import { DOLLAR_QUOTES } from './premium-bases.js';
import { parseUnifiedSymbol } from './symbol.js';

/**
 * A conversion rate: 1 unit of the base of `symbol` (unified `BASE/QUOTE`) is worth `rate` of its quote
 * (`USDT/KRW` at 1400: 1,400 KRW per USDT); it converts both ways. `receivedAt` (ms, our clock) ages like a book's.
 */
export interface FxRate {
  readonly symbol: string;
  readonly rate: Big;
  readonly receivedAt: number;
  /** The quote's own time at its source (a bank's timestamp), when it has one: reported as `fxQuoteAgeMs`. @default none */
  readonly quotedAt?: number | undefined;
  /** Age (ms, from `receivedAt`) from which this rate is stale, when not the options' `staleAfterMs`. @default the options' */
  readonly staleAfterMs?: number | undefined;
}

/** A division rounded once, to a fixed number of places. */
export type Divide = (dividend: Big, divisor: Big) => Big;

/** A rate found for a leg: how to apply it, and its times (`receivedAt` undefined: no rate needed). */
export interface FoundRate {
  readonly rate: Big;
  readonly invert: boolean;
  readonly receivedAt: number | undefined;
  readonly quotedAt?: number | undefined;
  readonly staleAfterMs?: number | undefined;
}

/** How one book's prices reach the target quote, and when the leg turns stale. */
export interface LegConversion {
  /** The rate used; `undefined` when none converts the book's quote (`fxMissing`). */
  readonly fx: FoundRate | undefined;
  readonly convert: ((price: Big) => Big) | undefined;
  /** The older of the book's and the rate's stale instants. */
  readonly staleAt: number;
}

const SAME: FoundRate = { rate: new Big(1), invert: false, receivedAt: undefined };

/**
 * Division to `decimals` places, half-up, through a private constructor that leaves the global
 * `Big.DP`/`Big.RM` alone.
 *
 * @example
 * ```ts
 * toDivide(2)(new Big(2), new Big(3)).toFixed(); // '0.67'
 * ```
 */
export function toDivide(decimals: number): Divide {
  const Dec = Object.assign(Big(), { DP: decimals, RM: Big.roundHalfUp });
  return (a, b) => new Big(new Dec(a).div(b));
}

/**
 * The rate turning `from` into `to`, inverted when quoted the other way round.
 *
 * @example
 * ```ts
 * findRate([{ symbol: 'USDT/KRW', rate: toBig('1400'), receivedAt: 0 }], 'KRW', 'USDT')?.invert; // true
 * ```
 */
export function findRate(rates: readonly FxRate[], from: string | undefined, to: string): FoundRate | undefined {
  for (const { symbol, ...fx } of rates) {
    const parts = parseUnifiedSymbol(symbol);
    if (parts === undefined || from === undefined) continue;
    if (parts.base === from && parts.quote === to) return { ...fx, invert: false };
    if (parts.base === to && parts.quote === from) return { ...fx, invert: true };
  }
  return undefined;
}

/**
 * An official `USD/<target>` rate as rates of USD and the dollar stablecoins (at par, as the protocol note
 * computes the premium); none without a rate.
 *
 * @example
 * ```ts
 * officialRates(usdKrw, 'KRW').map((r) => r.symbol); // ['USD/KRW', 'USDT/KRW', 'USDC/KRW']
 * ```
 */
export function officialRates(official: FxRate | undefined, target: string): FxRate[] {
  return official === undefined ? [] : DOLLAR_QUOTES.map((q) => ({ ...official, symbol: `${q}/${target}` }));
}

/**
 * How the book of `symbol` received at `receivedAt` converts into `target` with `rates`.
 *
 * @example
 * ```ts
 * toLegConversion(book.symbol, book.receivedAt, rates, 'KRW', toDivide(8), 5_000).convert?.(book.bids[0].price);
 * ```
 */
export function toLegConversion(symbol: string, receivedAt: number, rates: readonly FxRate[], target: string, divide: Divide, staleAfterMs: number): LegConversion {
  const from = parseUnifiedSymbol(symbol)?.quote;
  const fx = from === target ? SAME : findRate(rates, from, target);
  const convert = fx && ((price: Big) => (fx.invert ? divide(price, fx.rate) : price.times(fx.rate)));
  // A leg turns stale with the older of its book and its rate (a rate may carry its own stale age).
  const staleAt = Math.min(receivedAt + staleAfterMs, fx?.receivedAt === undefined ? Infinity : fx.receivedAt + (fx.staleAfterMs ?? staleAfterMs));
  return { fx, convert, staleAt };
}
