import { describe, expect, it } from 'vitest';
import { ExchangeClient } from '../../../src/client/exchange-client.js';
import { UnknownSymbolError } from '../../../src/errors/index.js';
import { binanceAdapter } from '../../../src/exchanges/binance/index.js';
import type { FetchLike } from '../../../src/transport/http/rest-client.js';
import { readFixtureText } from './fixtures.js';

/** exchangeInfo with the fixture's first symbol copied as `BTCUSD4`: a quote asset no suffix list knows. */
function exchangeInfoWithUnlistedQuote(): string {
  const info = JSON.parse(readFixtureText('rest_exchangeInfo_snippet.json')) as { symbols: Record<string, unknown>[] };
  const first = info.symbols[0]!;
  info.symbols.push({ ...first, symbol: 'BTCUSD4', baseAsset: 'BTC', quoteAsset: 'USD4' });
  return JSON.stringify(info);
}

function fakeFetch(routes: Record<string, string>): { fetch: FetchLike; urls: string[] } {
  const urls: string[] = [];
  const fetch: FetchLike = (url) => {
    urls.push(url);
    const text = routes[new URL(url).pathname];
    const status = text === undefined ? 400 : 200;
    const body = text ?? '{"code":-1121,"msg":"Invalid symbol."}';
    return Promise.resolve({ status, headers: new Headers({ 'X-MBX-USED-WEIGHT-1M': '10' }), text: () => Promise.resolve(body) });
  };
  return { fetch, urls };
}

describe('binance through the exchange client', () => {
  it('accepts a native code whose quote asset the adapter cannot split when exchangeInfo lists it', async () => {
    const ticker = JSON.parse(readFixtureText('rest_ticker_24hr.json')) as Record<string, unknown>;
    const { fetch, urls } = fakeFetch({
      '/api/v3/exchangeInfo': exchangeInfoWithUnlistedQuote(),
      '/api/v3/ticker/24hr': JSON.stringify({ ...ticker, symbol: 'BTCUSD4' }),
    });
    const client = new ExchangeClient(binanceAdapter, { fetch, retry: false });
    expect(await client.resolveMarket('btcusd4')).toBe('BTCUSD4');
    const result = await client.getTicker('BTCUSD4');
    expect(result.market).toBe('BTCUSD4');
    expect(urls.at(-1)).toContain('symbol=BTCUSD4');
    // A code neither the adapter nor the list knows is still an unknown symbol, without a ticker request.
    const before = urls.length;
    await expect(client.getTicker('NOPEXYZ9')).rejects.toBeInstanceOf(UnknownSymbolError);
    expect(urls.length).toBe(before);
  });
});
