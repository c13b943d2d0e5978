import { firstValueFrom, NEVER, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { UnknownSymbolError, type Market, type OrderBook, type Ticker } from 'market-data-backbone';
import { streamArbitrage, type ArbitrageSources } from '../../src/backbone/arbitrage-stream.js';
import type { ExchangeId } from '../../src/exchanges/registry.js';

/** Sources listing `pairs` per exchange ('BTC/EUR'), recording which streams were asked for. */
function sources(pairs: Partial<Record<ExchangeId, string[]>>) {
  const asked: string[] = [];
  const source: ArbitrageSources = {
    getMarkets: async ({ exchange }) =>
      (pairs[exchange] ?? []).map((symbol): Market => {
        const [base = '', quote = ''] = symbol.split('/');
        return { type: 'market', exchange, symbol, market: `${base}${quote}`, base, quote, names: {}, warning: false, receivedAt: 0 };
      }),
    streamOrderBook: (symbol, { exchange }): Observable<OrderBook> => {
      asked.push(`${exchange} book ${symbol}`);
      return NEVER;
    },
    streamTicker: (symbol, { exchange }): Observable<Ticker> => {
      asked.push(`${exchange} ticker ${symbol}`);
      return NEVER;
    },
  };
  return { source, asked };
}

/** Subscribes long enough for the plan to be made, and answers what was asked or the error. */
async function plan(pairs: Partial<Record<ExchangeId, string[]>>, exchanges: ExchangeId[], fx?: string): Promise<string[] | unknown> {
  const { source, asked } = sources(pairs);
  const error = firstValueFrom(streamArbitrage(source, 'btc', { exchanges, fx })).catch((e: unknown) => e);
  const settled = await Promise.race([error, new Promise((resolve) => setTimeout(() => resolve(undefined), 20))]);
  return settled ?? asked.sort();
}

describe('streamArbitrage: which markets and which FX rate', () => {
  it('should need no rate when every exchange lists the asset in the quote', async () => {
    expect(await plan({ upbit: ['BTC/KRW', 'USDT/KRW'], coinone: ['BTC/KRW'] }, ['upbit', 'coinone'])).toEqual(['coinone book BTC/KRW', 'upbit book BTC/KRW']);
  });

  it('should convert through a pair another exchange lists, whichever comes first', async () => {
    const listing = { upbit: ['BTC/KRW', 'USDT/KRW'], binance: ['ETH/USDT', 'BTC/EUR', 'BTC/USDT'] };
    const expected = ['binance book BTC/USDT', 'upbit book BTC/KRW', 'upbit ticker USDT/KRW'];
    expect(await plan(listing, ['upbit', 'binance'])).toEqual(expected);
    expect(await plan(listing, ['binance', 'upbit'])).toEqual(expected);
  });

  it('should keep the rate it is given', async () => {
    const listing = { upbit: ['BTC/KRW', 'USDT/KRW', 'USDC/KRW'], binance: ['BTC/USDC', 'BTC/USDT'] };
    expect(await plan(listing, ['upbit', 'binance'], 'upbit:USDC/KRW')).toEqual(['binance book BTC/USDC', 'upbit book BTC/KRW', 'upbit ticker USDC/KRW']);
  });

  it('should fail typed, with a hint, when nothing converts an exchange\'s quote', async () => {
    const error = await plan({ upbit: ['BTC/KRW'], binance: ['BTC/EUR'] }, ['upbit', 'binance']);
    expect(error).toBeInstanceOf(UnknownSymbolError);
    expect((error as UnknownSymbolError).exchange).toBe('binance');
    expect((error as Error).message).toBe("binance lists BTC in none of KRW; pass fx: 'exchange:BASE/KRW' to convert another quote");
  });

  it('should refuse an fx that names no registered exchange, listing them', async () => {
    const error = await plan({ upbit: ['BTC/KRW'], binance: ['BTC/USDT'] }, ['upbit', 'binance'], 'kraken:USDT/KRW');
    expect((error as Error).message).toBe("fx must be 'usdt', 'official', 'both' or exchange:BASE/QUOTE with one of upbit, coinone, binance as the exchange, got 'kraken:USDT/KRW'");
  });
});
