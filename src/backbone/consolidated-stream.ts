/**
 * `streamConsolidatedBook`: the order books of one asset on several exchanges, with the rate converting
 * them (`openLegs`, shared with `streamArbitrage`), merged by the {@link consolidateBooks} operator.
 */
import { defer, map, type Observable } from 'rxjs';
import { consolidateBooks } from '../../operators/consolidateBooks.js';
import { MarketDataError } from '../errors/index.js';
import type { ExchangeId } from '../exchanges/registry.js';
import type { ConsolidatedBook, MergeBooksOptions } from '../model/consolidated-book.js';
import { officialRates } from '../model/fx-convert.js';
import { openLegs, type ArbitrageSources } from './arbitrage-stream.js';

/** Options of `streamConsolidatedBook`. */
export interface StreamConsolidatedBookOptions extends Partial<Omit<MergeBooksOptions, 'quote' | 'depth'>> {
  /** The exchanges whose books are merged (one or more). */
  readonly exchanges: readonly ExchangeId[];
  /** Quote currency every price is converted to. @default 'KRW' */
  readonly quote?: string | undefined;
  /**
   * The rate converting books in another quote: `'usdt'` (the exchanges' own market, Upbit's USDT/KRW),
   * `'official'` (the bank's USD/KRW from `streamFx`, USDT at par) or `exchange:BASE/QUOTE`.
   * @default the exchanges' own market rate
   */
  readonly fx?: 'usdt' | 'official' | (string & {}) | undefined;
  /** Levels per side of each exchange's book and of the merged book. @default 20 */
  readonly depth?: number | undefined;
  /** Age (ms, from its arrival) at which the official rate is stale. @default 180_000 */
  readonly officialStaleAfterMs?: number | undefined;
}

/**
 * The consolidated book of `base` across exchanges (see the facade's `streamConsolidatedBook`).
 *
 * @example
 * ```ts
 * streamConsolidatedBook(backbone, 'BTC', { exchanges: ['upbit', 'coinone', 'binance'], depth: 30 }).subscribe(render);
 * ```
 */
export function streamConsolidatedBook(sources: ArbitrageSources, base: string, options: StreamConsolidatedBookOptions): Observable<ConsolidatedBook> {
  const { exchanges, quote = 'KRW', fx, depth = 20, officialStaleAfterMs = 180_000, ...merging } = options;
  return defer(() => {
    if (exchanges.length < 1) throw new MarketDataError('streamConsolidatedBook needs at least one exchange');
    if (fx === 'both') throw new MarketDataError("streamConsolidatedBook converts on one base: fx is 'usdt', 'official' or exchange:BASE/QUOTE");
    const target = quote.toUpperCase();
    return openLegs(sources, base, { exchanges, quote: target, fx, depth, officialStaleAfterMs }).pipe(
      map(({ books, fx: market, official }) => ({ books, fx: [...(market === undefined ? [] : [market]), ...officialRates(official, target)] })),
      consolidateBooks({ quote: target, depth, ...merging }),
    );
  });
}
