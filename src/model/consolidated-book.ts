/**
 * The consolidated book: the order books of one asset on several venues merged into one, each price level
 * in one quote currency and tagged with the venues and sizes behind it, with the best bid and ask across
 * venues (an NBBO). Pure: the `consolidateBooks` operator adds the clock.
 */
import { Big } from './decimal.js';
import { toDivide, toLegConversion, type FxRate } from './fx-convert.js';
import type { OrderBook, OrderBookLevel } from './order-book.js';
import { parseUnifiedSymbol } from './symbol.js';

/** One venue's share of a consolidated level: its size and its own price (in its own quote). */
export interface VenueSize {
  readonly venue: string;
  readonly amount: Big;
  readonly price: Big;
}

/** A price level of the consolidated book: `amount` is the sum of the venues' sizes at `price` (target quote). */
export interface ConsolidatedLevel {
  readonly price: Big;
  readonly amount: Big;
  readonly venues: readonly VenueSize[];
}

/**
 * One venue's book in the consolidated view: `fxRate` is the target value of one unit of its quote (1 when
 * the same), `undefined` with `fxMissing` (no rate: its levels are left out). Ages at the book's time `at`
 * as in the arbitrage legs; `stale`: its book or rate reached `staleAfterMs`.
 */
export interface ConsolidatedLeg {
  readonly exchange: string;
  readonly symbol: string;
  readonly fxRate: Big | undefined;
  readonly ageMs: number;
  readonly fxAgeMs: number | undefined;
  readonly fxQuoteAgeMs: number | undefined;
  readonly stale: boolean;
  readonly fxMissing: boolean;
}

/**
 * The merged book at clock time `at`: `bids` best (highest) first, `asks` best (lowest) first, at most
 * `depth` levels each. `bestBid`/`bestAsk` are their first levels (the venues there are the NBBO's);
 * `crossed`: the best bid is at or above the best ask (venues disagree enough to trade against each other).
 * `stale`: some leg is stale (its levels are in the book unless `dropStale`); `nextStaleAt`: when the next
 * fresh leg turns stale.
 */
export interface ConsolidatedBook {
  readonly type: 'consolidatedBook';
  /** `BASE/QUOTE` in the target quote. */
  readonly symbol: string;
  readonly quote: string;
  readonly at: number;
  readonly bids: readonly ConsolidatedLevel[];
  readonly asks: readonly ConsolidatedLevel[];
  readonly bestBid: ConsolidatedLevel | undefined;
  readonly bestAsk: ConsolidatedLevel | undefined;
  readonly crossed: boolean;
  readonly legs: Readonly<Record<string, ConsolidatedLeg>>;
  readonly stale: boolean;
  readonly nextStaleAt: number | undefined;
}

/** Input of {@link mergeBooks}: books of one asset keyed by venue, and the rates for books in another quote. */
export interface ConsolidatedBookLegs {
  readonly books: Readonly<Record<string, OrderBook>>;
  /** @default none (books in another quote are `fxMissing`) */
  readonly fx?: FxRate | readonly FxRate[] | undefined;
}

/** Options of {@link mergeBooks}. */
export interface MergeBooksOptions {
  /** The quote every price is converted to (`'KRW'`). */
  readonly quote: string;
  /** Levels per side of the merged book. @default Infinity (all) */
  readonly depth?: number | undefined;
  /** Age (ms) from which a book or rate is stale. @default 5000 */
  readonly staleAfterMs?: number | undefined;
  /** Decimal places of a price divided by a rate (a KRW book in USDT), half-up. @default 8 */
  readonly decimals?: number | undefined;
  /** Leave stale legs' levels out instead of only flagging them. @default false */
  readonly dropStale?: boolean | undefined;
}

/** A venue's side, converted, with a cursor for the merge. */
interface Cursor {
  readonly venue: string;
  readonly levels: readonly OrderBookLevel[];
  readonly convert: (price: Big) => Big;
  index: number;
  head: Big | undefined;
}

/**
 * Merges the books of several venues into one book in `options.quote`: each venue's levels converted
 * (× or ÷ its rate), equal prices joined into one level tagged with every venue's size, bids highest first
 * and asks lowest first, cut to `depth`. A venue without a rate is left out and flagged `fxMissing`; a
 * stale venue (book or rate older than `staleAfterMs`) is flagged, and left out with `dropStale`.
 *
 * @example
 * ```ts
 * import { mergeBooks, toBig } from 'market-data-backbone';
 * const fx = { symbol: 'USDT/KRW', rate: toBig('1400'), receivedAt: Date.now() };
 * const book = mergeBooks({ books: { upbit, binance }, fx }, Date.now(), { quote: 'KRW', depth: 10 });
 * book.bestBid?.venues.map((v) => v.venue); // e.g. ['binance']
 * ```
 * @param legs The books and rates.
 * @param at Clock time (ms) the ages are measured at.
 * @param options Target quote, depth, stale age, precision.
 * @returns The merged book with its NBBO and the state of each leg.
 */
export function mergeBooks(legs: ConsolidatedBookLegs, at: number, options: MergeBooksOptions): ConsolidatedBook {
  const { quote, depth = Infinity, staleAfterMs = 5_000, decimals = 8, dropStale = false } = options;
  const target = quote.toUpperCase();
  const divide = toDivide(decimals);
  const rates: readonly FxRate[] = legs.fx === undefined ? [] : 'symbol' in legs.fx ? [legs.fx] : legs.fx;
  const views: Record<string, ConsolidatedLeg> = {};
  const bidCursors: Cursor[] = [];
  const askCursors: Cursor[] = [];
  let nextStaleAt = Infinity;
  let base: string | undefined;
  for (const [venue, book] of Object.entries(legs.books)) {
    base ??= parseUnifiedSymbol(book.symbol)?.base;
    const { fx, convert, staleAt } = toLegConversion(book.symbol, book.receivedAt, rates, target, divide, staleAfterMs);
    const stale = at >= staleAt;
    if (!stale) nextStaleAt = Math.min(nextStaleAt, staleAt);
    views[venue] = {
      exchange: book.exchange, symbol: book.symbol, fxRate: convert?.(ONE), ageMs: at - book.receivedAt,
      fxAgeMs: fx?.receivedAt === undefined ? undefined : at - fx.receivedAt,
      fxQuoteAgeMs: fx?.quotedAt === undefined ? undefined : at - fx.quotedAt, stale, fxMissing: convert === undefined,
    };
    if (convert === undefined || (stale && dropStale)) continue;
    bidCursors.push(cursor(venue, book.bids, convert));
    askCursors.push(cursor(venue, book.asks, convert));
  }
  const bids = merge(bidCursors, depth, (a, b) => a.gt(b));
  const asks = merge(askCursors, depth, (a, b) => a.lt(b));
  const [bestBid, bestAsk] = [bids[0], asks[0]];
  return {
    type: 'consolidatedBook', symbol: `${base ?? ''}/${target}`, quote: target, at, bids, asks, bestBid, bestAsk,
    crossed: bestBid !== undefined && bestAsk !== undefined && bestBid.price.gte(bestAsk.price),
    legs: views, stale: Object.values(views).some((leg) => leg.stale), nextStaleAt: Number.isFinite(nextStaleAt) ? nextStaleAt : undefined,
  };
}

const ONE = new Big(1);

function cursor(venue: string, levels: readonly OrderBookLevel[], convert: (price: Big) => Big): Cursor {
  const first = levels[0];
  return { venue, levels, convert, index: 0, head: first && convert(first.price) };
}

/** K-way merge of sorted sides (`better(a, b)`: a comes first), joining equal prices, up to `depth` levels. */
function merge(cursors: readonly Cursor[], depth: number, better: (a: Big, b: Big) => boolean): ConsolidatedLevel[] {
  const out: ConsolidatedLevel[] = [];
  while (out.length < depth) {
    let best: Big | undefined;
    for (const c of cursors) if (c.head !== undefined && (best === undefined || better(c.head, best))) best = c.head;
    if (best === undefined) break;
    const venues: VenueSize[] = [];
    // Most levels have one venue: its size is the level's, with no addition.
    let amount: Big | undefined;
    for (const c of cursors) {
      // A venue may list two levels that convert to one price (a division rounded): both join the level.
      while (c.head !== undefined && c.head.eq(best)) {
        const level = c.levels[c.index]!;
        venues.push({ venue: c.venue, amount: level.amount, price: level.price });
        amount = amount === undefined ? level.amount : amount.plus(level.amount);
        const next = c.levels[++c.index];
        c.head = next && c.convert(next.price);
      }
    }
    out.push({ price: best, amount: amount!, venues });
  }
  return out;
}
