/**
 * A user's strategy and its marble tests, written as a user of the package would: the strategy takes any
 * `MarketDataSource` (the live `MarketDataBackbone` in production), and the tests hand it the test backbone
 * of `market-data-backbone/testing`, driven by marble diagrams on virtual time. The arbitrage math, the
 * stale flags and the silence check are the library's own code, not test doubles.
 *
 *   npx vitest run examples/strategy.spec.ts
 */
import { distinctUntilChanged, map, type Observable } from 'rxjs';
import { expect, it, describe } from 'vitest';
import { Big, UnknownSymbolError, type MarketDataSource } from 'market-data-backbone';
import { staleAfter } from 'market-data-backbone/operators';
import { createMarbleScheduler, createTestBackbone } from 'market-data-backbone/testing';

// ---- the strategy ----------------------------------------------------------------------------------------

/** What the premium alert says: the premium crossed the threshold, fell back under it, or cannot be trusted. */
export interface PremiumAlert {
  readonly kind: 'premium' | 'normal' | 'stale';
  /** Upbit over Binance in %, two places (not for `stale`). */
  readonly premium?: string;
}

/** Settings of {@link premiumAlerts}. */
export interface PremiumAlertOptions {
  /** Alert from this premium up, in % (`'3'`). */
  readonly threshold: string;
  /** A book or FX rate this old (ms) is stale: no premium is claimed from it. */
  readonly staleAfterMs: number;
  /** No snapshot at all for this long (ms; a market that never sent a book) is stale too. */
  readonly silenceMs: number;
}

/**
 * Alerts when Upbit's BTC premium over Binance (Binance's USDT converted at Upbit's USDT/KRW) reaches
 * `threshold`, when it falls back, and when the quotes behind it are stale or missing; one alert per change.
 *
 * @example
 * ```ts
 * premiumAlerts(new MarketDataBackbone(), { threshold: '3', staleAfterMs: 5_000, silenceMs: 30_000 }).subscribe(notify);
 * ```
 */
export function premiumAlerts(source: MarketDataSource, options: PremiumAlertOptions): Observable<PremiumAlert> {
  const { threshold, staleAfterMs, silenceMs } = options;
  const limit = new Big(threshold);
  return source.streamArbitrage('BTC', ['upbit', 'binance'], { fx: 'upbit:USDT/KRW', staleAfterMs }).pipe(
    staleAfter({ timeoutMs: silenceMs, mode: 'signal' }),
    map((event): PremiumAlert => {
      const pair = event.kind === 'value' ? event.value.pairs[0] : undefined;
      if (pair === undefined || pair.stale || pair.premium === undefined) return { kind: 'stale' };
      return { kind: pair.premium.gte(limit) ? 'premium' : 'normal', premium: pair.premium.toFixed(2) };
    }),
    distinctUntilChanged((a, b) => a.kind === b.kind),
  );
}

// ---- its tests -------------------------------------------------------------------------------------------

const options: PremiumAlertOptions = { threshold: '3', staleAfterMs: 1_000, silenceMs: 3_000 };

/** Upbit at 125/127 KRW (mid 126) is 20 % over Binance's 0.074/0.076 USDT (mid 0.075) at 1,400 KRW (105 KRW). */
const BOOKS = {
  rich: { bid: '125', ask: '127' },
  fair: { bid: '106', ask: '108' }, // mid 107: 1.90 % over 105
  binance: { bid: '0.074', ask: '0.076' },
} as const;

const createScheduler = () => createMarbleScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('premiumAlerts', () => {
  it('should alert when the premium reaches the threshold and again when it falls back, once per change', () => {
    const scheduler = createScheduler();
    scheduler.run(({ expectObservable }) => {
      const backbone = createTestBackbone(scheduler);
      backbone.orderBook('KRW-BTC', '   a 99ms b 99ms c 99ms d', { a: BOOKS.rich, b: BOOKS.fair, c: BOOKS.rich, d: BOOKS.rich });
      backbone.orderBook('BTCUSDT', '   a 399ms a', { a: BOOKS.binance }, { exchange: 'binance' });
      backbone.ticker('KRW-USDT', '     a 399ms a', { a: { last: '1400' } });

      expectObservable(premiumAlerts(backbone, options), '^ 500ms !').toBe('a 99ms b 99ms c', {
        a: { kind: 'premium', premium: '20.00' },
        b: { kind: 'normal', premium: '1.90' },
        c: { kind: 'premium', premium: '20.00' },
      });
    });
  });

  it('should call the premium stale when a book stops updating, and trust it again when fresh books arrive', () => {
    const scheduler = createScheduler();
    scheduler.run(({ expectObservable }) => {
      const backbone = createTestBackbone(scheduler);
      backbone.orderBook('KRW-BTC', '   a 1499ms a', { a: BOOKS.rich });
      backbone.orderBook('BTCUSDT', '   a 1499ms a', { a: BOOKS.binance }, { exchange: 'binance' });
      backbone.ticker('KRW-USDT', '     a 1499ms a', { a: { last: '1400' } });

      // Everything was received at 0, so at 1,000 (staleAfterMs) the library re-prices the pair as stale.
      expectObservable(premiumAlerts(backbone, options), '^ 2000ms !').toBe('a 999ms s 499ms a', {
        a: { kind: 'premium', premium: '20.00' },
        s: { kind: 'stale' },
      });
    });
  });

  it('should call it stale when a market never sends a book, after silenceMs', () => {
    const scheduler = createScheduler();
    scheduler.run(({ expectObservable }) => {
      const backbone = createTestBackbone(scheduler);
      backbone.orderBook('KRW-BTC', '   a', { a: BOOKS.rich });
      backbone.orderBook('BTCUSDT', '   -', {}, { exchange: 'binance' });
      backbone.ticker('KRW-USDT', '     a', { a: { last: '1400' } });

      expectObservable(premiumAlerts(backbone, options), '^ 4000ms !').toBe('3000ms s', { s: { kind: 'stale' } });
    });
  });

  it('should fail with the library error when a stream fails, and leave no subscription behind', () => {
    const scheduler = createScheduler();
    const delisted = new UnknownSymbolError('Unknown market KRW-BTC', { exchange: 'upbit', symbol: 'KRW-BTC' });
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      const backbone = createTestBackbone(scheduler);
      const upbit = backbone.orderBook('KRW-BTC', 'a 9ms #', { a: BOOKS.rich }, { error: delisted });
      backbone.orderBook('BTCUSDT', '   a', { a: BOOKS.binance }, { exchange: 'binance' });
      const fx = backbone.ticker('KRW-USDT', 'a', { a: { last: '1400' } });

      expectObservable(premiumAlerts(backbone, options)).toBe('a 9ms #', { a: { kind: 'premium', premium: '20.00' } }, delisted);
      expectSubscriptions(upbit.subscriptions).toBe('^ 9ms !');
      expectSubscriptions(fx.subscriptions).toBe('^ 9ms !');
    });
  });
});
