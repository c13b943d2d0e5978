/**
 * The official FX source on the real captured reply: read exactly, typed errors for bad replies and bad
 * pairs, and at most one request a minute per pair on a virtual clock.
 */
import { describe, expect, it } from 'vitest';
import { firstValueFrom, type Subscription } from 'rxjs';
import { ConnectionError, ExchangeError, InvalidArgumentError, ParseError, UnknownSymbolError } from '../../src/errors/index.js';
import { parseFxReply, toFxCode } from '../../src/fx/dunamu.js';
import { OfficialFxSource } from '../../src/fx/fx-source.js';
import type { OfficialFxRate } from '../../src/model/fx.js';
import type { FetchLike } from '../../src/transport/http/rest-client.js';
import { fixtureReader } from '../helpers/fixtures.js';
import { fixtureDir } from '../helpers/shared.js';
import { createVirtualClock } from '../helpers/virtual-clock.js';

const fixtures = fixtureReader(fixtureDir('fx'));
const CAPTURE = 'rest_forex_recent_krwusd_capture2021.json';
/** The capture's `timestamp`: 2021-08-13 11:01:50.337 UTC (20:01:50 KST). */
const QUOTED_AT = 1628852510337;

/** A fetch answering every request with `reply()` and recording the URLs asked. */
function fakeFetch(reply: (url: string) => { status: number; text: string }) {
  const urls: string[] = [];
  const fetch: FetchLike = async (url) => {
    urls.push(url);
    const { status, text } = reply(url);
    return { status, headers: { get: () => null }, text: async () => text };
  };
  return { fetch, urls };
}

/** Lets the fake fetch's promises settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the Dunamu forex reply', () => {
  it('reads the captured reply exactly: only code, currencyUnit, basePrice and timestamp', () => {
    const [usd, ...rest] = parseFxReply(fixtures.read(CAPTURE));
    expect(rest).toEqual([]);
    expect(usd?.code).toBe('FRX.KRWUSD');
    // "basePrice":1169.00 is the decimal 1169 (the padded zeros are spelling, not value).
    expect(usd?.basePrice.eq('1169')).toBe(true);
    expect(usd?.basePrice.toFixed(2)).toBe('1169.00');
    expect(usd?.unit.toFixed()).toBe('1');
    expect(usd?.timestamp).toBe(QUOTED_AT);
  });

  it('keeps every digit of a rate a double cannot hold, and divides a per-100 quote exactly', () => {
    const text = fixtures
      .readText(CAPTURE)
      .replace('"basePrice":1169.00', '"basePrice":1169.123456789012345678')
      .replace('"currencyUnit":1', '"currencyUnit":100');
    const source = new OfficialFxSource({ fetch: fakeFetch(() => ({ status: 200, text: text.replace('FRX.KRWUSD', 'FRX.KRWJPY') })).fetch });
    return source.getFx('JPY/KRW').then((rate) => {
      expect(rate.basePrice.toFixed()).toBe('1169.123456789012345678');
      // 1169.123456789012345678 / 100, moved two places, no rounding.
      expect(rate.rate.toFixed()).toBe('11.69123456789012345678');
      expect(rate.unit.toFixed()).toBe('100');
      source.close();
    });
  });

  it('names the pair or the field of a bad reply with a ParseError', () => {
    const capture = fixtures.readText(CAPTURE);
    const bad = [
      '{"code":"FRX.KRWUSD"}',
      capture.replace('"basePrice":1169.00', '"basePrice":"n/a"'),
      capture.replace('"basePrice":1169.00', '"basePrice":0'),
      capture.replace('"currencyUnit":1', '"currencyUnit":1.5'),
      capture.replace('"timestamp":1628852510337', '"timestamp":"yesterday"'),
      capture.replace('"code":"FRX.KRWUSD"', '"code":7'),
    ];
    const problems = bad.map((text) => {
      try {
        parseFxReply(JSON.parse(text));
        return 'parsed';
      } catch (error) {
        return error instanceof ParseError ? error.message.replace(/^.*could not be parsed: /, '') : String(error);
      }
    });
    expect(problems).toEqual([
      'reply is not an array',
      '"basePrice" is not a decimal',
      '"basePrice" is not a positive rate',
      '"currencyUnit" is not a positive whole number',
      '"timestamp" is not a millisecond timestamp',
      '"code" is not a string',
    ]);
  });

  it('refuses a pair that is not a currency against KRW before any request', () => {
    for (const pair of ['USD-KRW', 'KRW/USD', 'USDT/KRW', 'USD/JPY', '']) expect(() => toFxCode(pair), pair).toThrow(InvalidArgumentError);
    expect(toFxCode(' usd/krw ')).toBe('FRX.KRWUSD');
  });
});

describe('OfficialFxSource', () => {
  it('gives the rate with its age on the injected clock, and typed errors for bad replies and unknown pairs', async () => {
    const { scheduler, advanceTo } = createVirtualClock();
    advanceTo(QUOTED_AT + 3_600_000);
    let next = { status: 200, text: fixtures.readText(CAPTURE) };
    const { fetch } = fakeFetch(() => next);
    const source = new OfficialFxSource({ fetch, scheduler });
    const rate = await source.getFx('USD/KRW');
    expect(rate).toMatchObject({ type: 'fx', symbol: 'USD/KRW', quotedAt: QUOTED_AT, receivedAt: QUOTED_AT + 3_600_000, ageMs: 3_600_000 });
    expect(rate.rate.toFixed(2)).toBe('1169.00');
    // The capture holds no JPY: the source does not quote it.
    await expect(source.getFx('JPY/KRW')).rejects.toBeInstanceOf(UnknownSymbolError);
    await expect(source.getFx('USD/JPY')).rejects.toBeInstanceOf(InvalidArgumentError);
    for (const [reply, type] of [
      [{ status: 503, text: 'busy' }, ConnectionError],
      [{ status: 404, text: '{"error":"no"}' }, ExchangeError],
      [{ status: 200, text: '<html>' }, ParseError],
      [{ status: 200, text: '{"code":"FRX.KRWEUR"}' }, ParseError],
    ] as const) {
      next = reply;
      await expect(source.getFx('EUR/KRW')).rejects.toBeInstanceOf(type);
      advanceTo(scheduler.now() + 60_000); // the pair's one request a minute
    }
    source.close();
    await expect(source.getFx('USD/KRW')).rejects.toThrow('closed');
  });

  it('polls a pair at most once a minute, whatever the streams and calls, each value carrying its age', async () => {
    const { scheduler, advanceTo } = createVirtualClock();
    const start = QUOTED_AT + 60_000;
    advanceTo(start);
    const { fetch, urls } = fakeFetch(() => ({ status: 200, text: fixtures.readText(CAPTURE) }));
    const source = new OfficialFxSource({ fetch, scheduler });
    const seen: OfficialFxRate[] = [];
    const subscriptions: Subscription[] = [source.streamFx('USD/KRW').subscribe((r) => seen.push(r)), source.streamFx('usd/krw').subscribe()];
    advanceTo(start);
    await settle();
    expect(urls).toEqual([`https://quotation-api-cdn.dunamu.com/v1/forex/recent?codes=FRX.KRWUSD`]);
    expect(seen.map((r) => r.ageMs)).toEqual([60_000]);
    for (let t = start + 10_000; t < start + 60_000; t += 10_000) {
      advanceTo(t);
      await source.getFx('USD/KRW');
      await firstValueFrom(source.streamFx('USD/KRW'));
    }
    expect(urls).toHaveLength(1);
    for (let minute = 1; minute <= 3; minute++) {
      advanceTo(start + minute * 60_000 - 1);
      await settle();
      expect(urls).toHaveLength(minute);
      advanceTo(start + minute * 60_000);
      await settle();
      expect(urls).toHaveLength(minute + 1);
    }
    // The bank did not move: the same quote each minute, one minute older each time.
    expect(seen.map((r) => r.ageMs)).toEqual([60_000, 120_000, 180_000, 240_000]);
    expect(new Set(seen.map((r) => r.rate.toFixed()))).toEqual(new Set(['1169']));
    subscriptions.forEach((s) => s.unsubscribe());
    source.close();
  });

  it('keeps streaming the last rate through a failed poll, reporting the failure', async () => {
    const { scheduler, advanceTo } = createVirtualClock();
    advanceTo(QUOTED_AT);
    let status = 200;
    const { fetch } = fakeFetch(() => ({ status, text: fixtures.readText(CAPTURE) }));
    const source = new OfficialFxSource({ fetch, scheduler });
    const errors: string[] = [];
    source.errors$.subscribe((e) => errors.push(e.name));
    const seen: number[] = [];
    const subscription = source.streamFx('USD/KRW').subscribe({ next: (r) => seen.push(r.ageMs), error: () => seen.push(-1) });
    advanceTo(QUOTED_AT);
    await settle();
    status = 502;
    advanceTo(QUOTED_AT + 60_000);
    await settle();
    status = 200;
    advanceTo(QUOTED_AT + 120_000);
    await settle();
    expect(errors).toEqual(['ConnectionError']);
    expect(seen).toEqual([0, 120_000]);
    subscription.unsubscribe();
    source.close();
  });

  it('refuses to poll more often than once a minute', () => {
    expect(() => new OfficialFxSource({ pollIntervalMs: 30_000 })).toThrow(InvalidArgumentError);
  });
});
