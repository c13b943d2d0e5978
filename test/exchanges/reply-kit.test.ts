import { describe, expect, it } from 'vitest';
import { isReplyRecord, quoteBody, readHeader, readReplyDate, readRetryAfterMs } from '../../src/exchanges/kit/reply-kit.js';
import type { RestReply } from '../../src/core/exchange-adapter.js';

/** A reply whose header bag is a plain map: only the spellings it was given answer. */
function replyWith(headers: Record<string, string>): RestReply {
  const bag = new Map(Object.entries(headers));
  return { status: 429, headers: { get: (name) => bag.get(name) ?? null }, text: '', body: undefined };
}

describe('reply-kit', () => {
  it('should read a header in its canonical or lower-case spelling', () => {
    expect(readHeader(replyWith({ 'retry-after': '3' }), 'Retry-After')).toBe('3');
    expect(readHeader(replyWith({ 'Retry-After': '4' }), 'Retry-After')).toBe('4');
    expect(readHeader(replyWith({}), 'Retry-After')).toBeUndefined();
  });

  it('should tell JSON objects from arrays, null and scalars', () => {
    expect(isReplyRecord({ code: 1 })).toBe(true);
    expect(isReplyRecord([])).toBe(false);
    expect(isReplyRecord(null)).toBe(false);
    expect(isReplyRecord('error')).toBe(false);
    expect(isReplyRecord(undefined)).toBe(false);
  });

  it('should quote a body trimmed, name an empty one and cut a long one at 200 characters', () => {
    expect(quoteBody('  Too Many Requests\n')).toBe('Too Many Requests');
    expect(quoteBody(' \n ')).toBe('(empty body)');
    const long = 'x'.repeat(250);
    expect(quoteBody(long)).toBe(`${'x'.repeat(200)}…`);
    expect(quoteBody('y'.repeat(200))).toBe('y'.repeat(200));
  });

  it('should read Retry-After as delta-seconds, rounding fractions up to whole ms', () => {
    expect(readRetryAfterMs(replyWith({ 'Retry-After': '3' }))).toBe(3000);
    expect(readRetryAfterMs(replyWith({ 'Retry-After': ' 1.0005 ' }))).toBe(1001);
    expect(readRetryAfterMs(replyWith({ 'Retry-After': '' }))).toBeUndefined();
    expect(readRetryAfterMs(replyWith({}))).toBeUndefined();
  });

  it('should measure an HTTP-date Retry-After against the reply Date, never the local clock', () => {
    const date = 'Mon, 11 Dec 2023 06:23:38 GMT';
    expect(readReplyDate(replyWith({ Date: date }))).toBe(1702275818000);
    expect(readRetryAfterMs(replyWith({ Date: date, 'Retry-After': 'Mon, 11 Dec 2023 06:24:08 GMT' }))).toBe(30_000);
    expect(readRetryAfterMs(replyWith({ Date: date, 'Retry-After': 'Mon, 11 Dec 2023 06:23:00 GMT' }))).toBe(0);
    expect(readRetryAfterMs(replyWith({ 'Retry-After': 'Mon, 11 Dec 2023 06:24:08 GMT' }))).toBeUndefined();
    expect(readRetryAfterMs(replyWith({ Date: date, 'Retry-After': 'soon' }))).toBeUndefined();
    expect(readReplyDate(replyWith({ Date: 'yesterday' }))).toBeUndefined();
  });
});
