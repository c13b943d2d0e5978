import { describe, expect, it } from 'vitest';
import { ConnectionError, ExchangeError, ParseError, RateLimitError, UnknownSymbolError } from '../../../src/errors/index.js';
import { COINONE_RATE_LIMIT_WAIT_MS, coinoneRest } from '../../../src/exchanges/coinone/index.js';
import { readFixtureText, toReply } from './fixtures.js';

const bookRequest = coinoneRest.orderBooks(['KRW-NOPE']);
const tickerRequest = coinoneRest.tickers(['KRW-BTC']);

describe('coinone readFeedback', () => {
  it('should read Public-Ratelimit-Remaining into the public group', () => {
    const reply = toReply(200, readFixtureText('rest_ticker.json'), { 'Public-Ratelimit-Remaining': '1187' });
    expect(coinoneRest.readFeedback(reply, tickerRequest)).toEqual({ group: 'public', remaining: 1187 });
  });

  it('should return undefined without the header or with a value that is not a count', () => {
    expect(coinoneRest.readFeedback(toReply(200, '{}'), tickerRequest)).toBeUndefined();
    expect(coinoneRest.readFeedback(toReply(200, '{}', { 'public-ratelimit-remaining': 'lots' }), tickerRequest)).toBeUndefined();
  });
});

describe('coinone toError', () => {
  it('should accept every success fixture', () => {
    for (const name of ['rest_ticker.json', 'rest_orderbook.json', 'rest_chart.json', 'rest_markets_unknown_quote_empty.json']) {
      expect(coinoneRest.toError(toReply(200, readFixtureText(name)), tickerRequest)).toBeUndefined();
    }
  });

  it('should turn error 108 (HTTP 200) into UnknownSymbolError for the requested market', () => {
    const error = coinoneRest.toError(toReply(200, readFixtureText('error_unknown_currency.json')), bookRequest);
    expect(error).toBeInstanceOf(UnknownSymbolError);
    expect(error).toMatchObject({ exchange: 'coinone', code: '108', status: 200, symbol: 'KRW-NOPE' });
    expect(error?.message).toContain('Unknown CryptoCurrency');
    expect(error?.retryable).toBe(false);
  });

  it('should turn error 4 (HTTP 200) into a retryable RateLimitError waiting a minute', () => {
    const error = coinoneRest.toError(toReply(200, readFixtureText('error_rate_limit.json')), tickerRequest);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ retryAfterMs: COINONE_RATE_LIMIT_WAIT_MS, group: 'public', blocked: false });
    expect(COINONE_RATE_LIMIT_WAIT_MS).toBe(60_000);
    expect(error?.retryable).toBe(true);
  });

  it('should read the v1 spelling (errorCode) of the rate-limit refusal', () => {
    const error = coinoneRest.toError(toReply(200, readFixtureText('error_rate_limit_v1_legacy.json')), tickerRequest);
    expect(error).toBeInstanceOf(RateLimitError);
  });

  it('should honour Retry-After and map a bare HTTP 429', () => {
    const error = coinoneRest.toError(toReply(429, 'Too Many Requests', { 'Retry-After': '3' }), tickerRequest);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ retryAfterMs: 3000, status: 429 });
  });

  it('should turn error 107 into an ExchangeError carrying code and raw', () => {
    const error = coinoneRest.toError(toReply(200, readFixtureText('error_parameter_wrong.json')), bookRequest);
    expect(error).toBeInstanceOf(ExchangeError);
    expect(error).not.toBeInstanceOf(UnknownSymbolError);
    expect(error).toMatchObject({ code: '107', status: 200, raw: { result: 'error', error_code: '107', error_msg: 'Parameter value is wrong' } });
  });

  it('should treat 108 on a path without a market as a plain ExchangeError', () => {
    const error = coinoneRest.toError(toReply(200, readFixtureText('error_unknown_currency.json')), coinoneRest.markets());
    expect(error).toBeInstanceOf(ExchangeError);
    expect(error).not.toBeInstanceOf(UnknownSymbolError);
  });

  it('should treat maintenance (405) and HTTP 5xx as retryable server failures', () => {
    const maintenance = coinoneRest.toError(toReply(200, '{"result":"error","error_code":"405","error_msg":"Maintenance"}'), tickerRequest);
    expect(maintenance).toBeInstanceOf(ConnectionError);
    expect(maintenance).toMatchObject({ reason: 'server' });
    expect(maintenance?.retryable).toBe(true);
    const gateway = coinoneRest.toError(toReply(502, '<html>Bad gateway</html>'), tickerRequest);
    expect(gateway).toBeInstanceOf(ConnectionError);
    expect(gateway).toMatchObject({ status: 502 });
  });

  it('should map other HTTP errors without an error body to ExchangeError with the status', () => {
    const error = coinoneRest.toError(toReply(403, 'Forbidden'), tickerRequest);
    expect(error).toBeInstanceOf(ExchangeError);
    expect(error).toMatchObject({ code: 403, status: 403, raw: 'Forbidden' });
  });

  it('should refuse a 200 body that is not a JSON object (the docs page of an unknown path)', () => {
    const error = coinoneRest.toError(toReply(200, '<!DOCTYPE html><html><title>Coinone API</title></html>'), tickerRequest);
    expect(error).toBeInstanceOf(ParseError);
    expect(coinoneRest.toError(toReply(200, '[1,2]'), tickerRequest)).toBeInstanceOf(ParseError);
  });

  it('should treat a non-zero error_code as an error even without result', () => {
    expect(coinoneRest.toError(toReply(200, '{"error_code":"107"}'), tickerRequest)).toBeInstanceOf(ExchangeError);
    expect(coinoneRest.toError(toReply(200, '{"error_code":"0","tickers":[]}'), tickerRequest)).toBeUndefined();
  });
});
