import { describe, expect, it } from 'vitest';
import { ConnectionError, ExchangeError, ParseError, RateLimitError, UnknownSymbolError } from '../../../src/errors/index.js';
import type { RestReply } from '../../../src/core/exchange-adapter.js';
import { BINANCE_BAN_WAIT_MS, BINANCE_RATE_LIMIT_WAIT_MS, binanceRest } from '../../../src/exchanges/binance/index.js';
import { readFixtureText, readRaw, toReply } from './fixtures.js';

const tickerRequest = binanceRest.tickers(['BTCUSDT']);
const listRequest = binanceRest.tickers(['BTCUSDT', 'NOPEUSDT']);

describe('readFeedback', () => {
  it('should turn X-MBX-USED-WEIGHT-1M into the weight left of 6000', () => {
    const reply = toReply(200, '{}', { 'X-MBX-USED-WEIGHT-1M': '45' });
    expect(binanceRest.readFeedback(reply, tickerRequest)).toEqual({ group: 'REQUEST_WEIGHT', remaining: 5955 });
    expect(binanceRest.readFeedback(toReply(200, '{}', { 'x-mbx-used-weight-1m': '6100' }), tickerRequest)).toEqual({ group: 'REQUEST_WEIGHT', remaining: 0 });
  });

  it('should read the legacy header and a lower-case header bag, and nothing without a header', () => {
    expect(binanceRest.readFeedback(toReply(200, '{}', { 'X-MBX-USED-WEIGHT': '100' }), tickerRequest)).toEqual({ group: 'REQUEST_WEIGHT', remaining: 5900 });
    const plainBag: RestReply = { status: 200, text: '{}', body: {}, headers: { get: (name) => (name === 'x-mbx-used-weight-1m' ? '7' : null) } };
    expect(binanceRest.readFeedback(plainBag, tickerRequest)).toEqual({ group: 'REQUEST_WEIGHT', remaining: 5993 });
    expect(binanceRest.readFeedback(toReply(200, '{}'), tickerRequest)).toBeUndefined();
    expect(binanceRest.readFeedback(toReply(200, '{}', { 'X-MBX-USED-WEIGHT-1M': 'lots' }), tickerRequest)).toBeUndefined();
  });
});

describe('toError', () => {
  it('should accept good replies', () => {
    expect(binanceRest.toError(toReply(200, readFixtureText('rest_ticker_24hr.json')), tickerRequest)).toBeUndefined();
    expect(binanceRest.toError(toReply(200, '[]'), listRequest)).toBeUndefined();
  });

  it('should map -1121 to UnknownSymbolError for the requested symbol(s)', () => {
    const raw = readRaw<{ code: number; msg: string }>('error_invalid_symbol.json');
    const single = binanceRest.toError(toReply(400, readFixtureText('error_invalid_symbol.json')), tickerRequest);
    expect(single).toBeInstanceOf(UnknownSymbolError);
    expect(single).toMatchObject({ exchange: 'binance', code: raw.code, status: 400, symbol: 'BTCUSDT', raw });
    expect(single?.message).toBe(`Binance GET /api/v3/ticker/24hr failed: 400 ${raw.code} ${raw.msg}`);
    const list = binanceRest.toError(toReply(400, readFixtureText('error_invalid_symbol.json')), listRequest);
    expect(listRequest.query['symbols']).toBe('["BTCUSDT","NOPEUSDT"]');
    expect(list).toBeInstanceOf(UnknownSymbolError);
    expect(list).toMatchObject({ symbol: 'BTCUSDT,NOPEUSDT' });
    // a symbols value that is no JSON list of strings is reported as sent
    const odd = { ...listRequest, query: { symbols: 'BTCUSDT' } };
    expect(binanceRest.toError(toReply(400, readFixtureText('error_invalid_symbol.json')), odd)).toMatchObject({ symbol: 'BTCUSDT' });
  });

  it('should map 429 to a RateLimitError waiting Retry-After seconds', () => {
    const raw = readRaw<{ code: number; msg: string }>('error_429.json');
    const error = binanceRest.toError(toReply(429, readFixtureText('error_429.json'), { 'Retry-After': '37' }), tickerRequest);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ exchange: 'binance', status: 429, retryAfterMs: 37_000, blocked: false, group: 'REQUEST_WEIGHT', retryable: true });
    expect(error?.message).toContain(String(raw.code));
    expect(error?.message).toContain(raw.msg);
    const bare = binanceRest.toError(toReply(429, readFixtureText('error_429.json')), tickerRequest);
    expect(bare).toMatchObject({ retryAfterMs: BINANCE_RATE_LIMIT_WAIT_MS });
  });

  it('should map 418 to a blocked RateLimitError, from Retry-After or else the ban end in the message', () => {
    const text = readFixtureText('error_418.json');
    const withHeader = binanceRest.toError(toReply(418, text, { 'Retry-After': '600' }), tickerRequest);
    expect(withHeader).toBeInstanceOf(RateLimitError);
    expect(withHeader).toMatchObject({ status: 418, blocked: true, retryAfterMs: 600_000 });
    // The fixture's ban ends at 1702275878212; a reply dated 100 s before it waits 100.212 s.
    const date = new Date(1702275778000).toUTCString();
    expect(binanceRest.toError(toReply(418, text, { Date: date }), tickerRequest)).toMatchObject({ blocked: true, retryAfterMs: 100_212 });
    expect(binanceRest.toError(toReply(418, text), tickerRequest)).toMatchObject({ blocked: true, retryAfterMs: BINANCE_BAN_WAIT_MS });
  });

  it('should read an HTTP-date Retry-After against the reply Date', () => {
    const headers = { 'Retry-After': 'Wed, 21 Oct 2015 07:28:30 GMT', Date: 'Wed, 21 Oct 2015 07:28:00 GMT' };
    expect(binanceRest.toError(toReply(429, '', headers), tickerRequest)).toMatchObject({ retryAfterMs: 30_000 });
  });

  it('should map 5xx to a retryable ConnectionError, JSON or not', () => {
    const json = binanceRest.toError(toReply(503, '{"code":-1008,"msg":"Server is currently overloaded with other requests. Please try again in a few minutes."}'), tickerRequest);
    expect(json).toBeInstanceOf(ConnectionError);
    expect(json).toMatchObject({ status: 503, reason: 'server', retryable: true });
    expect(json?.message).toContain('-1008');
    const html = binanceRest.toError(toReply(502, '<html>Bad Gateway</html>'), tickerRequest);
    expect(html).toMatchObject({ status: 502, retryable: true });
    expect(html?.message).toContain('<html>Bad Gateway</html>');
  });

  it('should map other 4xx to ExchangeError with the Binance code, or the status for non-JSON bodies', () => {
    const bad = binanceRest.toError(toReply(400, '{"code":-1120,"msg":"Invalid interval."}'), binanceRest.candles('BTCUSDT', '1m', {}));
    expect(bad).toBeInstanceOf(ExchangeError);
    expect(bad).not.toBeInstanceOf(UnknownSymbolError);
    expect(bad).toMatchObject({ code: -1120, status: 400, raw: { code: -1120, msg: 'Invalid interval.' }, retryable: false });
    const notFound = binanceRest.toError(toReply(404, '<html>Not Found</html>'), tickerRequest);
    expect(notFound).toBeInstanceOf(ExchangeError);
    expect(notFound).toMatchObject({ code: 404, status: 404, raw: '<html>Not Found</html>', retryable: false });
  });

  it('should map a WAF 403 to a retryable RateLimitError, JSON or not', () => {
    const empty = binanceRest.toError(toReply(403, ''), tickerRequest);
    expect(empty).toBeInstanceOf(RateLimitError);
    expect(empty).not.toBeInstanceOf(ExchangeError);
    expect(empty).toMatchObject({ exchange: 'binance', status: 403, retryAfterMs: BINANCE_RATE_LIMIT_WAIT_MS, blocked: false, group: 'REQUEST_WEIGHT', retryable: true });
    expect(BINANCE_RATE_LIMIT_WAIT_MS).toBe(60_000);
    expect(empty?.message).toContain('(empty body)');
    const html = binanceRest.toError(toReply(403, '<html><body>403 Forbidden</body></html>', { 'Retry-After': '12' }), tickerRequest);
    expect(html).toMatchObject({ status: 403, retryAfterMs: 12_000, retryable: true });
    expect(html?.message).toContain('403 Forbidden');
    const json = binanceRest.toError(toReply(403, readFixtureText('error_429.json')), tickerRequest);
    expect(json).toBeInstanceOf(RateLimitError);
    expect(json).toMatchObject({ status: 403, retryAfterMs: 60_000 });
  });

  it('should report a 2xx body that is not JSON as a ParseError', () => {
    const error = binanceRest.toError(toReply(200, 'not json'), tickerRequest);
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ channel: '/api/v3/ticker/24hr', raw: 'not json' });
  });
});
