/**
 * Cross-exchange arbitrage math (premiums, executable spreads, the quantity behind them) from one snapshot of
 * order books and FX rates; the `arbitrage` operator adds the clock. Sums and products are exact; every division
 * (a percentage, a price divided by a rate) is rounded once to `decimals` places, half-up.
 */
import { Big, toBig } from './decimal.js';
import type { OrderBook, OrderBookLevel } from './order-book.js';
import { findRate, officialRates, toDivide, toLegConversion, type Divide, type FoundRate, type FxRate } from './fx-convert.js';
import { olderAge, toPremiumBases, type BasePremium, type PremiumBase, type PremiumBases, type TetherPremium } from './premium-bases.js';

export type { FxRate } from './fx-convert.js';

/**
 * Input of the arbitrage math: books of one base (`BTC/KRW`, `BTC/USDT`) keyed by leg name (usually the exchange
 * id; the key order is the pair order), and the rates for books not in the target quote.
 */
export interface ArbitrageLegs {
  readonly books: Readonly<Record<string, OrderBook>>;
  /** @default none (legs needing a rate are flagged `fxMissing`) */
  readonly fx?: FxRate | readonly FxRate[] | undefined;
  /**
   * The official rate (`USD/KRW`, from `streamFx`) of the `official` base: it converts USD and the dollar
   * stablecoins (USDT, USDC) at par. @default none (the official base has no rate: its legs are `fxMissing`)
   */
  readonly official?: FxRate | undefined;
}

/** Options of {@link computeArbitrage}. */
export interface ArbitrageOptions {
  /** Target quote currency every price is converted to (`'KRW'`). */
  readonly quote: string;
  /** Taker fee rate per exchange id (`'0.0005'` = 0.05 %). @default 0 for every exchange */
  readonly fees?: Readonly<Record<string, Big | string>>;
  /** Age (ms) from which a book or rate is stale (`at − receivedAt >= staleAfterMs`); `Infinity`: never. @default 5000 */
  readonly staleAfterMs?: number;
  /** Decimal places of every division, rounded half-up. @default 8 */
  readonly decimals?: number;
  /**
   * The premium bases to price (see `premium-bases.ts`): `usdt` converts with `fx`, `official` with
   * `official`, `both` with each (legs, routes and `premium` on the USDT base). Given, every pair gets
   * `premiums` per base and the snapshot the `tether` premium when both rates are there.
   * @default none: `fx` only, no `premiums`
   */
  readonly bases?: PremiumBases | undefined;
}

/**
 * One leg at time `at`. `bid`, `ask` and `mid` (their mean) are in the target quote, `undefined` for an empty
 * side or when `fxMissing` (no rate between the book's quote and the target). `fxRate` is the target value of
 * one unit of the book's quote (1 when the same). `ageMs` = `at − receivedAt` of the book, `fxAgeMs` that of
 * the rate used, if any. `stale`: the book or its rate reached `staleAfterMs`.
 */
export interface ArbitrageLeg {
  readonly exchange: string;
  readonly symbol: string;
  readonly fxRate: Big | undefined;
  readonly bid: Big | undefined;
  readonly ask: Big | undefined;
  readonly mid: Big | undefined;
  readonly ageMs: number;
  readonly fxAgeMs: number | undefined;
  /** Age of the rate at its source (`at − quotedAt`), when the rate has a `quotedAt`. */
  readonly fxQuoteAgeMs?: number | undefined;
  readonly stale: boolean;
  readonly fxMissing: boolean;
}

/**
 * Taking the asks of leg `buy` and the bids of leg `sell`, in the target quote: `buyPrice` = best ask × (1 + fee),
 * `sellPrice` = best bid × (1 − fee), `spread` = `sellPrice − buyPrice` per unit of base (negative: a loss),
 * `spreadPct` = `spread × 100 / buyPrice` (%). `amount` is the base quantity tradable at a profit walking both
 * books level by level (0 when `spread <= 0`); `profit` = Σ quantity × (bid after fee − ask with fee) over it.
 */
export interface ArbitrageRoute {
  readonly buy: string;
  readonly sell: string;
  readonly buyPrice: Big;
  readonly sellPrice: Big;
  readonly spread: Big;
  readonly spreadPct: Big;
  readonly amount: Big;
  readonly profit: Big;
}

/**
 * An unordered pair of legs (`a` before `b` in the books' key order). `premium` = `(mid a / mid b − 1) × 100` (%),
 * how much dearer `a` is; `aToB` buys on `a` and sells on `b`, `bToA` the reverse; each is `undefined` without
 * the mids, sides or rates it needs. `stale`: either leg is stale, so the numbers mix old and new prices.
 */
export interface ArbitragePair {
  readonly a: string;
  readonly b: string;
  readonly premium: Big | undefined;
  readonly aToB: ArbitrageRoute | undefined;
  readonly bToA: ArbitrageRoute | undefined;
  readonly stale: boolean;
  /** The premium of `a` over `b` on each base asked for with `bases`. */
  readonly premiums?: Partial<Record<PremiumBase, BasePremium>> | undefined;
}

/**
 * Everything {@link computeArbitrage} derives from one {@link ArbitrageLegs} at clock time `at` (ms);
 * `nextStaleAt` is when the next fresh leg turns stale (`undefined`: none will).
 */
export interface ArbitrageSnapshot {
  readonly quote: string;
  readonly at: number;
  readonly legs: Readonly<Record<string, ArbitrageLeg>>;
  readonly pairs: readonly ArbitragePair[];
  readonly nextStaleAt: number | undefined;
  /** USDT/KRW over the official rate, when `bases` is `both` and both rates are there. */
  readonly tether?: TetherPremium | undefined;
}

/** A leg that can be priced: its book, fee and conversion into the target quote. */
type Side = { readonly book: OrderBook; readonly fee: Big; readonly convert: (price: Big) => Big };

const [ZERO, ONE, HALF, HUNDRED] = ['0', '1', '0.5', '100'].map((text) => new Big(text)) as [Big, Big, Big, Big];

/**
 * Computes premiums, executable spreads and quantities for every unordered pair of books, in `options.quote`.
 * A book quoted in `Q` is converted with a rate `Q/T` (× rate) or `T/Q` (÷ rate); without one its leg is flagged
 * `fxMissing`. A pair with a stale leg is flagged, never passed off as fresh. Fees adjust converted prices.
 *
 * @example
 * ```ts
 * import { computeArbitrage, toBig } from 'market-data-backbone';
 * const fx = { symbol: 'USDT/KRW', rate: toBig('1400'), receivedAt: Date.now() };
 * const snap = computeArbitrage({ books: { upbit, binance }, fx }, Date.now(), { quote: 'KRW', fees: { binance: '0.001' } });
 * snap.pairs[0]?.premium?.toFixed(2); // the premium of upbit over binance, in %
 * ```
 * @param legs The books and rates.
 * @param at Clock time (ms) the ages are measured at.
 * @param options Target quote, fees, stale age and precision.
 * @returns Converted legs, pairs, and when the next leg turns stale.
 */
export function computeArbitrage(legs: ArbitrageLegs, at: number, options: ArbitrageOptions): ArbitrageSnapshot {
  const { quote, staleAfterMs = 5_000, decimals = 8, bases } = options;
  const target = quote.toUpperCase();
  const divide = toDivide(decimals);
  const market: readonly FxRate[] = legs.fx === undefined ? [] : 'symbol' in legs.fx ? [legs.fx] : legs.fx;
  if (bases === undefined) return priceBooks(legs.books, market, at, options, divide);
  const official = officialRates(legs.official, target);
  const snapshots = toPremiumBases(bases).map((base) => [base, priceBooks(legs.books, base === 'usdt' ? market : official, at, options, divide)] as const);
  const [[, primary]] = snapshots as unknown as [[PremiumBase, ArbitrageSnapshot]];
  const pairs = primary.pairs.map((pair, i): ArbitragePair => {
    const premiums: Partial<Record<PremiumBase, BasePremium>> = {};
    for (const [base, snapshot] of snapshots) premiums[base] = toBasePremium(snapshot, snapshot.pairs[i]!);
    return { ...pair, premiums };
  });
  const usdt = findRate(market, 'USDT', target);
  const bank = legs.official;
  const tether = bases === 'both' && usdt !== undefined && !usdt.invert && bank !== undefined ? toTether(usdt, bank, at, staleAfterMs, divide) : undefined;
  const staleTimes = [...snapshots.map(([, s]) => s.nextStaleAt ?? Infinity), ...(tether?.stale === false ? [tether.staleAt] : [])];
  const nextStaleAt = Math.min(...staleTimes);
  return { ...primary, pairs, nextStaleAt: Number.isFinite(nextStaleAt) ? nextStaleAt : undefined, ...(tether && { tether: tether.premium }) };
}

/** {@link computeArbitrage} with one set of rates. */
function priceBooks(books: ArbitrageLegs['books'], rates: readonly FxRate[], at: number, options: ArbitrageOptions, divide: Divide): ArbitrageSnapshot {
  const { quote, fees = {}, staleAfterMs = 5_000 } = options;
  const target = quote.toUpperCase();
  let nextStaleAt = Infinity;
  const sides = new Map<string, Side>();
  const views: Record<string, ArbitrageLeg> = {};
  for (const [name, book] of Object.entries(books)) {
    const { fx, convert, staleAt } = toLegConversion(book.symbol, book.receivedAt, rates, target, divide, staleAfterMs);
    const [bid, ask] = [book.bids[0]?.price, book.asks[0]?.price];
    // Only fresh legs time the next re-pricing.
    if (at < staleAt) nextStaleAt = Math.min(nextStaleAt, staleAt);
    views[name] = {
      exchange: book.exchange, symbol: book.symbol, fxRate: convert?.(ONE),
      bid: bid && convert?.(bid), ask: ask && convert?.(ask), mid: bid && ask && convert?.(bid.plus(ask).times(HALF)),
      ageMs: at - book.receivedAt, fxAgeMs: fx?.receivedAt === undefined ? undefined : at - fx.receivedAt,
      ...(fx?.quotedAt !== undefined && { fxQuoteAgeMs: at - fx.quotedAt }),
      stale: at >= staleAt, fxMissing: convert === undefined,
    };
    const fee = fees[book.exchange] ?? ZERO;
    if (convert) sides.set(name, { book, convert, fee: typeof fee === 'string' ? toBig(fee) : fee });
  }
  const names = Object.keys(views);
  const pairs = names.flatMap((a, i) =>
    names.slice(i + 1).map((b): ArbitragePair => {
      const [legA, legB, sideA, sideB] = [views[a]!, views[b]!, sides.get(a), sides.get(b)];
      const [midA, midB] = [legA.mid, legB.mid];
      const premium = midA && midB && !midB.eq(0) ? divide(midA.minus(midB).times(HUNDRED), midB) : undefined;
      const [aToB, bToA] = sideA && sideB ? [route(a, sideA, b, sideB, divide), route(b, sideB, a, sideA, divide)] : [];
      return { a, b, premium, aToB, bToA, stale: legA.stale || legB.stale };
    }),
  );
  return { quote: target, at, legs: views, pairs, nextStaleAt: Number.isFinite(nextStaleAt) ? nextStaleAt : undefined };
}

/** Buys at `buy`'s asks and sells at `sell`'s bids; `undefined` when either side is empty. */
function route(buyName: string, buy: Side, sellName: string, sell: Side, divide: Divide): ArbitrageRoute | undefined {
  const askPrice = (level: OrderBookLevel): Big => buy.convert(level.price).times(ONE.plus(buy.fee));
  const bidPrice = (level: OrderBookLevel): Big => sell.convert(level.price).times(ONE.minus(sell.fee));
  const [{ asks }, { bids }] = [buy.book, sell.book];
  if (asks[0] === undefined || bids[0] === undefined) return undefined;
  const [buyPrice, sellPrice] = [askPrice(asks[0]), bidPrice(bids[0])];
  const spread = sellPrice.minus(buyPrice);
  // Match the cheapest asks left against the dearest bids left while each matched unit still earns.
  let [amount, profit, i, j, askLeft, bidLeft] = [ZERO, ZERO, 0, 0, asks[0].amount, bids[0].amount];
  while (i < asks.length && j < bids.length) {
    const edge = bidPrice(bids[j]!).minus(askPrice(asks[i]!));
    if (edge.lte(0)) break;
    const quantity = askLeft.lt(bidLeft) ? askLeft : bidLeft;
    [amount, profit] = [amount.plus(quantity), profit.plus(quantity.times(edge))];
    [askLeft, bidLeft] = [askLeft.minus(quantity), bidLeft.minus(quantity)];
    if (askLeft.lte(0)) askLeft = asks[++i]?.amount ?? ZERO;
    if (bidLeft.lte(0)) bidLeft = bids[++j]?.amount ?? ZERO;
  }
  const spreadPct = buyPrice.eq(0) ? ZERO : divide(spread.times(HUNDRED), buyPrice);
  return { buy: buyName, sell: sellName, buyPrice, sellPrice, spread, spreadPct, amount, profit };
}

/** One base's premium of a pair, from that base's snapshot. */
function toBasePremium({ legs }: ArbitrageSnapshot, pair: ArbitragePair): BasePremium {
  const [a, b] = [legs[pair.a]!, legs[pair.b]!];
  return {
    premium: pair.premium, price: a.mid, reference: b.mid, bookAgeMs: Math.max(a.ageMs, b.ageMs),
    fxAgeMs: olderAge(a.fxAgeMs, b.fxAgeMs), fxQuoteAgeMs: olderAge(a.fxQuoteAgeMs, b.fxQuoteAgeMs), stale: pair.stale,
  };
}

/** USDT/KRW over the official rate, and when it turns stale. */
function toTether(usdt: FoundRate, bank: FxRate, at: number, staleAfterMs: number, divide: Divide) {
  const [price, reference, usdtAt] = [usdt.rate, bank.rate, usdt.receivedAt ?? at];
  const staleAt = Math.min(usdtAt + (usdt.staleAfterMs ?? staleAfterMs), bank.receivedAt + (bank.staleAfterMs ?? staleAfterMs));
  const premium: TetherPremium = {
    premium: divide(price.minus(reference).times(HUNDRED), reference), price, reference, ageMs: at - usdtAt,
    fxQuoteAgeMs: bank.quotedAt === undefined ? undefined : at - bank.quotedAt, stale: at >= staleAt,
  };
  return { premium, staleAt, stale: premium.stale };
}
