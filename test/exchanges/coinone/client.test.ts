import { describe, expect, it } from 'vitest';
import { ExchangeClient } from '../../../src/client/exchange-client.js';
import { UnknownSymbolError } from '../../../src/errors/index.js';
import { coinoneAdapter } from '../../../src/exchanges/coinone/index.js';
import type { FetchLike } from '../../../src/transport/http/rest-client.js';
import { readFixtureText } from './fixtures.js';

/** A fetch that answers from fixtures by path (no network) and records every URL asked for. */
function fakeFetch(routes: Record<string, string>): { fetch: FetchLike; urls: string[] } {
  const urls: string[] = [];
  const fetch: FetchLike = (url) => {
    urls.push(url);
    const { pathname } = new URL(url);
    const text = routes[pathname] ?? '<html>Coinone API docs</html>';
    return Promise.resolve({ status: 200, headers: new Headers({ 'Public-Ratelimit-Remaining': '1199' }), text: () => Promise.resolve(text) });
  };
  return { fetch, urls };
}

describe('coinone through the exchange client', () => {
  it('should resolve BTC/KRW to KRW-BTC and fetch its ticker', async () => {
    const { fetch, urls } = fakeFetch({
      '/public/v2/markets/KRW': readFixtureText('rest_market.json'),
      '/public/v2/ticker_new/KRW/BTC': readFixtureText('rest_ticker.json'),
    });
    const client = new ExchangeClient(coinoneAdapter, { fetch, retry: false });
    const ticker = await client.getTicker('BTC/KRW');
    expect(ticker.market).toBe('KRW-BTC');
    expect(ticker.last.toFixed()).toBe('50062000');
    expect(urls).toEqual([
      'https://api.coinone.co.kr/public/v2/markets/KRW',
      'https://api.coinone.co.kr/public/v2/ticker_new/KRW/BTC?additional_data=true',
    ]);
  });

  it('should serve concurrent tickers from one all-markets call', async () => {
    const { fetch, urls } = fakeFetch({ '/public/v2/ticker_new/KRW': readFixtureText('rest_tickers_all.json') });
    const client = new ExchangeClient(coinoneAdapter, { fetch, retry: false, validateSymbols: false });
    const [eth, btc] = await Promise.all([client.getTicker('ETH/KRW'), client.getTicker('KRW-BTC')]);
    expect(eth.last.toFixed()).toBe('118800');
    expect(btc.last.toFixed()).toBe('3833000');
    expect(urls).toEqual(['https://api.coinone.co.kr/public/v2/ticker_new/KRW?additional_data=true']);
  });

  it('should reject an unknown market answered with error 108 as UnknownSymbolError', async () => {
    const { fetch } = fakeFetch({ '/public/v2/orderbook/KRW/NOPE': readFixtureText('error_unknown_currency.json') });
    const client = new ExchangeClient(coinoneAdapter, { fetch, retry: false, validateSymbols: false });
    await expect(client.getOrderBook('NOPE/KRW')).rejects.toBeInstanceOf(UnknownSymbolError);
  });

  it('should fetch an order book and trades', async () => {
    const { fetch, urls } = fakeFetch({
      '/public/v2/orderbook/KRW/BTC': readFixtureText('rest_orderbook.json'),
      '/public/v2/trades/KRW/BTC': readFixtureText('rest_trades.json'),
    });
    const client = new ExchangeClient(coinoneAdapter, { fetch, retry: false, validateSymbols: false });
    const book = await client.getOrderBook('BTC/KRW', 5);
    expect(book.asks[0]?.price.toFixed()).toBe('75863000');
    const trades = await client.getTrades('BTC/KRW', { count: 10 });
    expect(trades.map((t) => t.id)).toEqual(['1416893212001']);
    expect(urls).toEqual([
      'https://api.coinone.co.kr/public/v2/orderbook/KRW/BTC?size=5',
      'https://api.coinone.co.kr/public/v2/trades/KRW/BTC?size=10',
    ]);
  });
});
