import { describe, expect, it } from 'vitest';
import { ConnectionError, ExchangeError, ParseError, RateLimitError, UnknownSymbolError } from '../../../src/errors/index.js';
import type { RestReply } from '../../../src/core/exchange-adapter.js';
import { parseRemainingReq, UPBIT_BLOCK_WAIT_MS, upbitAdapter } from '../../../src/exchanges/upbit/index.js';
import { readFixtureText, toReply } from './fixtures.js';

const rest = upbitAdapter.rest;
const tickerRequest = rest.tickers(['KRW-BTC', 'KRW-NOPE']);

/** The three header blocks of the doc's `curl -i` sessions, as replies. */
function readHeaderBlocks(): RestReply[] {
  return readFixtureText('http_headers_doc2025.txt')
    .split(/\r?\n\r?\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const [statusLine = '', ...lines] = block.split(/\r?\n/);
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon)] = line.slice(colon + 1).trim();
      }
      return toReply(Number(statusLine.split(' ')[1]), '[]', headers);
    });
}

describe('readFeedback', () => {
  it('should read the group and sec of every captured header block', () => {
    const replies = readHeaderBlocks();
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(replies.map((r) => rest.readFeedback(r, tickerRequest))).toEqual([
      { group: 'market', remaining: 9 },
      { group: 'ticker', remaining: 9 },
      { group: 'candles', remaining: 9 },
    ]);
  });

  it('should tolerate case, spacing and order, and ignore min', () => {
    expect(parseRemainingReq('group=default; min=1800; sec=29')).toEqual({ group: 'default', remaining: 29 });
    expect(parseRemainingReq('  SEC = 0 ;GROUP=order ;min=1')).toEqual({ group: 'order', remaining: 0 });
    expect(parseRemainingReq('group=ticker; min=600')).toBeUndefined();
    expect(parseRemainingReq('group=ticker; sec=x')).toBeUndefined();
    expect(parseRemainingReq('')).toBeUndefined();
  });

  it('should find the header whatever the bag, and return undefined without it', () => {
    const plainBag: RestReply = { status: 200, text: '[]', body: [], headers: { get: (name) => (name === 'remaining-req' ? 'group=trade; min=600; sec=3' : null) } };
    expect(rest.readFeedback(plainBag, tickerRequest)).toEqual({ group: 'trade', remaining: 3 });
    expect(rest.readFeedback(toReply(404, '{"error":{"name":"not_found","message":"Not Found"}}'), tickerRequest)).toBeUndefined();
  });
});

describe('toError', () => {
  it('should accept a good reply', () => {
    expect(rest.toError(toReply(200, readFixtureText('rest_ticker_krw_doc2025.json')), tickerRequest)).toBeUndefined();
    expect(rest.toError(toReply(200, '[]'), tickerRequest)).toBeUndefined();
  });

  it('should map 404 Code not found (numeric name) to UnknownSymbolError for the requested markets', () => {
    const error = rest.toError(toReply(404, readFixtureText('error_404_code_not_found.json')), tickerRequest);
    expect(error).toBeInstanceOf(UnknownSymbolError);
    expect(error).toMatchObject({ symbol: 'KRW-BTC,KRW-NOPE', code: 404, status: 404, exchange: 'upbit', retryable: false });
    expect(error?.message).toBe('Upbit GET /v1/ticker failed: 404 Code not found');
    const single = rest.toError(toReply(404, readFixtureText('error_404_code_not_found.json')), rest.candles('KRW-NOPE', '1d', {}));
    expect(single).toMatchObject({ symbol: 'KRW-NOPE' });
  });

  it('should map 400 and 401 Upbit bodies to ExchangeError with name as code, as sent', () => {
    const badRequest = rest.toError(toReply(400, readFixtureText('error_400_type_mismatch.json')), tickerRequest);
    expect(badRequest).toBeInstanceOf(ExchangeError);
    expect(badRequest).not.toBeInstanceOf(UnknownSymbolError);
    expect(badRequest).toMatchObject({ code: 400, status: 400, exchange: 'upbit' });
    expect(badRequest?.message).toBe('Upbit GET /v1/ticker failed: 400 Type mismatch error. Check the parameters type!');

    const unauthorized = rest.toError(toReply(401, readFixtureText('error_401_no_authorization_ip.json')), tickerRequest);
    expect(unauthorized).toBeInstanceOf(ExchangeError);
    expect(unauthorized).toMatchObject({ code: 'no_authorization_ip', status: 401, raw: { error: { name: 'no_authorization_ip', message: 'This is not a verified IP.' } } });
  });

  it('should map an unknown path (string not_found) to a plain ExchangeError', () => {
    const error = rest.toError(toReply(404, '{"error":{"name":"not_found","message":"Not Found"}}'), { path: '/v1/nope', query: {}, group: 'default' });
    expect(error).toBeInstanceOf(ExchangeError);
    expect(error).not.toBeInstanceOf(UnknownSymbolError);
    expect(error).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('should name the budget the server counted in a 429 (browsers: group=origin), else the request\'s group', () => {
    const body = '{"error":{"name":"too_many_requests","message":"Too many requests"}}';
    const origin = rest.toError(toReply(429, body, { 'Remaining-Req': 'group=origin; min=600; sec=0' }), tickerRequest);
    expect(origin).toMatchObject({ status: 429, group: 'origin' });
    expect(rest.toError(toReply(429, body), tickerRequest)).toMatchObject({ group: 'ticker' });
  });

  it('should map 429 with a JSON body or a plain-text body to RateLimitError', () => {
    const json = rest.toError(toReply(429, '{"error":{"name":"too_many_requests","message":"Too many requests"}}'), tickerRequest);
    expect(json).toBeInstanceOf(RateLimitError);
    expect(json).toMatchObject({ status: 429, retryAfterMs: 1000, group: 'ticker', blocked: false, retryable: true, exchange: 'upbit' });

    const text = rest.toError(toReply(429, 'Too many API requests.'), tickerRequest);
    expect(text).toBeInstanceOf(RateLimitError);
    expect(text).toMatchObject({ status: 429, retryAfterMs: 1000 });
    expect(text?.message).toBe('Upbit GET /v1/ticker failed: 429 Too many API requests.');

    const later = rest.toError(toReply(429, 'Too many API requests.', { 'Retry-After': '2' }), tickerRequest);
    expect(later).toMatchObject({ retryAfterMs: 2000 });
  });

  it('should map 418 to a blocking RateLimitError, waiting as long as the server says', () => {
    const header = rest.toError(toReply(418, '{"error":{"name":418,"message":"blocked"}}', { 'Retry-After': '30' }), tickerRequest);
    expect(header).toBeInstanceOf(RateLimitError);
    expect(header).toMatchObject({ status: 418, retryAfterMs: 30_000, blocked: true });

    const dated = rest.toError(
      toReply(418, 'blocked', { Date: 'Wed, 30 Jul 2025 16:30:09 GMT', 'Retry-After': 'Wed, 30 Jul 2025 16:32:09 GMT' }),
      tickerRequest,
    );
    expect(dated).toMatchObject({ retryAfterMs: 120_000 });

    expect(rest.toError(toReply(418, 'Too many requests. Blocked for 45 seconds.'), tickerRequest)).toMatchObject({ retryAfterMs: 45_000 });
    expect(rest.toError(toReply(418, '{"error":{"name":"too_many_requests","message":"요청이 10분 동안 차단되었습니다"}}'), tickerRequest)).toMatchObject({ retryAfterMs: 600_000 });
    expect(rest.toError(toReply(418, '{"error":{"name":418,"message":"90"}}'), tickerRequest)).toMatchObject({ retryAfterMs: 90_000 });
    expect(rest.toError(toReply(418, 'I am a teapot'), tickerRequest)).toMatchObject({ retryAfterMs: UPBIT_BLOCK_WAIT_MS });
  });

  it('should map 5xx to a retryable server ConnectionError, quoting a cut body', () => {
    const error = rest.toError(toReply(502, `<html>${'x'.repeat(1000)}</html>`), tickerRequest);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).not.toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ reason: 'server', status: 502, retryable: true, exchange: 'upbit' });
    expect(error!.message.startsWith('Upbit GET /v1/ticker failed: 502 <html>xxx')).toBe(true);
    expect(error!.message.length).toBeLessThan(300);
    expect(rest.toError(toReply(500, ''), tickerRequest)?.message).toBe('Upbit GET /v1/ticker failed: 500 (empty body)');
  });

  it('should map a 4xx body that is not Upbit JSON to ExchangeError coded by status', () => {
    const error = rest.toError(toReply(403, 'Forbidden'), tickerRequest);
    expect(error).toBeInstanceOf(ExchangeError);
    expect(error).toMatchObject({ code: 403, status: 403, raw: 'Forbidden' });
    expect(rest.toError(toReply(400, '{"message":"odd"}'), tickerRequest)).toMatchObject({ code: 400 });
  });

  it('should catch errors disguised as success and 2xx bodies that are not JSON', () => {
    const disguised = rest.toError(toReply(200, '{"error":{"name":"invalid_query_payload","message":"bad"}}'), tickerRequest);
    expect(disguised).toBeInstanceOf(ExchangeError);
    expect(disguised).toMatchObject({ code: 'invalid_query_payload', status: 200 });

    const malformed = rest.toError(toReply(200, '[{"market":"KRW-BTC",'), tickerRequest);
    expect(malformed).toBeInstanceOf(ParseError);
    expect(malformed).toMatchObject({ channel: '/v1/ticker', raw: '[{"market":"KRW-BTC",' });
  });
});
