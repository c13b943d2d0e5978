/**
 * streamConsolidatedBook across three live simulators on one market model: the merged levels are the
 * venues' levels converted (Binance's USDT at Upbit's USDT/KRW, or at the official rate), sorted, joined
 * and summed, with the NBBO first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { Big, InvalidArgumentError, MarketDataBackbone, MarketDataError } from 'market-data-backbone';
import { startBinanceSimulator, startCoinoneSimulator, startFxSimulator, startUpbitSimulator } from 'market-data-backbone/testing';
import type { ConsolidatedBook } from '../../src/model/consolidated-book.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const limitClock = { now: () => Date.now() };
  const upbit = await startUpbitSimulator({ limitClock });
  const binance = await startBinanceSimulator({ model: upbit.model, premium: 0.02, limitClock });
  const coinone = await startCoinoneSimulator({ model: upbit.model, premium: -0.001, limitClock });
  const fx = await startFxSimulator({ model: upbit.model });
  const backbone = new MarketDataBackbone({
    gracePeriodMs: 0,
    fx: { restUrl: fx.url },
    exchanges: {
      upbit: { restUrl: upbit.url, wsUrl: upbit.wsUrl },
      binance: { restUrl: binance.url, wsUrl: binance.wsUrl },
      coinone: { restUrl: coinone.url, wsUrl: coinone.wsUrl },
    },
  });
  cleanups.push(() => upbit.close(), () => binance.close(), () => coinone.close(), () => fx.close(), () => backbone.close());
  return backbone;
}

/** Every level: sorted best first, its amount the sum of its venues', each venue's own price converted to it. */
function checkLevels(book: ConsolidatedBook): void {
  for (const [side, levels] of [['bids', book.bids], ['asks', book.asks]] as const) {
    levels.forEach((level, i) => {
      const next = levels[i + 1];
      if (next !== undefined) expect(side === 'bids' ? level.price.gt(next.price) : level.price.lt(next.price)).toBe(true);
      expect(level.venues.reduce((sum, v) => sum.plus(v.amount), new Big(0)).eq(level.amount)).toBe(true);
      for (const venue of level.venues) expect(venue.price.times(book.legs[venue.venue]!.fxRate!).eq(level.price)).toBe(true);
    });
  }
  expect(book.bestBid).toBe(book.bids[0]);
  expect(book.bestAsk).toBe(book.asks[0]);
}

describe('streamConsolidatedBook across the three simulators', () => {
  it('merges the three books in KRW at the exchanges\' USDT/KRW, the NBBO first', async () => {
    const backbone = await setup();
    const book = await firstValueFrom(
      backbone.streamConsolidatedBook('BTC', { exchanges: ['upbit', 'coinone', 'binance'], depth: 30 }).pipe(filter((b) => Object.keys(b.legs).length === 3), timeout(15_000)),
    );
    expect(book.symbol).toBe('BTC/KRW');
    expect(book.legs['binance']).toMatchObject({ symbol: 'BTC/USDT', fxMissing: false, stale: false });
    checkLevels(book);
    expect(book.bids.length).toBe(30);
    // Binance is 2 % under Upbit (at the model's USDT/KRW): the cheapest asks are Binance's, the dearest bids a KRW venue's.
    expect(book.bestAsk?.venues.map((v) => v.venue)).toEqual(['binance']);
    expect(book.bestBid?.venues.some((v) => v.venue !== 'binance')).toBe(true);
  });

  it('converts Binance at the official rate with fx: official', async () => {
    const backbone = await setup();
    const book = await firstValueFrom(
      backbone.streamConsolidatedBook('BTC', { exchanges: ['upbit', 'binance'], fx: 'official', depth: 5 }).pipe(filter((b) => b.legs['binance']?.fxMissing === false), timeout(15_000)),
    );
    const official = await backbone.getFx('USD/KRW');
    expect(book.legs['binance']?.fxRate?.eq(official.rate)).toBe(true);
    expect(book.legs['binance']?.fxQuoteAgeMs).toBeGreaterThanOrEqual(0);
    checkLevels(book);
  });

  it('refuses bad arguments on subscription, before any request', async () => {
    const backbone = new MarketDataBackbone({ restUrl: 'http://127.0.0.1:9' });
    cleanups.push(() => backbone.close());
    const failure = (options: Parameters<MarketDataBackbone['streamConsolidatedBook']>[1], base = 'BTC') =>
      firstValueFrom(backbone.streamConsolidatedBook(base, options)).catch((error: unknown) => error);
    expect(await failure({ exchanges: ['upbit'] }, 'BTC/KRW')).toBeInstanceOf(InvalidArgumentError);
    expect(await failure({ exchanges: ['kraken' as 'upbit'] })).toBeInstanceOf(InvalidArgumentError);
    expect(await failure({ exchanges: ['upbit'], depth: 0 })).toBeInstanceOf(InvalidArgumentError);
    const both = await failure({ exchanges: ['upbit', 'binance'], fx: 'both' });
    expect(both).toBeInstanceOf(MarketDataError);
    expect((both as Error).message).toContain('one base');
  });
});
