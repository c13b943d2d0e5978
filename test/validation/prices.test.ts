/**
 * Values that cannot be prices or amounts (negative, or beyond a double's range such as `1e400`) make
 * the frame or reply a `ParseError`; signed fields (change, change rate) may be negative. Through a
 * running stream: the error shows on `streamErrors()` and the next good frame still arrives.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { filter, firstValueFrom } from 'rxjs';
import { exchangeAdapters, MarketDataBackbone, ParseError, type MarketDataError, type Trade } from 'market-data-backbone';
import { startUpbitSimulator } from 'market-data-backbone/testing';
import { fixtureReader } from '../helpers/fixtures.js';
import { fixtureDir } from '../helpers/shared.js';
import { isAmount, toBig } from '../../src/model/decimal.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const upbitFixtures = fixtureReader(fixtureDir('upbit'));
const binanceFixtures = fixtureReader(fixtureDir('binance'));
const coinoneFixtures = fixtureReader(fixtureDir('coinone'));

/** The first Upbit trade of the fixture as a compact frame, with `trade_price` replaced by `price` (raw JSON). */
function upbitTradeFrame(price: string, sequentialId = '17877285547970000'): string {
  const [trade] = JSON.parse(upbitFixtures.readText('ws_trade_default.json')) as Record<string, unknown>[];
  return JSON.stringify({ ...trade, sequential_id: 0, trade_price: 0 })
    .replace('"trade_price":0', `"trade_price":${price}`)
    .replace('"sequential_id":0', `"sequential_id":${sequentialId}`);
}

const BAD = ['-1', '1e400', '-0.5e-3'];

describe('isAmount', () => {
  it('should accept zero and positive finite decimals, and refuse negatives and values beyond a double', () => {
    expect(['0', '-0', '0.00000001', '109847000', '1e308', '1.7e308'].map((v) => isAmount(toBig(v)))).toEqual([true, true, true, true, true, true]);
    expect(['-1', '-0.00000001', '1e309', '1e400', '1.8e308', '9.99e308'].map((v) => isAmount(toBig(v)))).toEqual([false, false, false, false, false, false]);
  });
});

describe('frames whose prices cannot be prices', () => {
  it.each(BAD)('should make an Upbit trade frame with trade_price %s a ParseError naming the field', (price) => {
    const decode = exchangeAdapters.upbit.ws.decode;
    expect(decode(upbitTradeFrame('109847000.0'), 0).kind).toBe('events');
    expect(() => decode(upbitTradeFrame(price), 0)).toThrow(ParseError);
    expect(() => decode(upbitTradeFrame(price), 0)).toThrow(/"price" is not a price or amount/);
  });

  it('should let signed fields be negative (an Upbit ticker falling)', () => {
    const ticker = upbitFixtures.readText('ws_ticker_default.json').replace(/"signed_change_price":\s*[\d.]+/, '"signed_change_price": -404000.0').replace(/"signed_change_rate":\s*[\d.]+/, '"signed_change_rate": -0.0126');
    const message = exchangeAdapters.upbit.ws.decode(ticker, 0);
    expect(message.kind).toBe('events');
    const [event] = message.kind === 'events' ? message.events : [];
    expect(event?.type === 'ticker' && event.change.lt(0)).toBe(true);
    // A negative volume in the same frame is not.
    expect(() => exchangeAdapters.upbit.ws.decode(ticker.replace(/"acc_trade_volume":\s*[\d.]+/, '"acc_trade_volume": -1'), 0)).toThrow(ParseError);
  });

  it.each(BAD)('should make Binance and Coinone trade and book frames with %s a ParseError', (bad) => {
    const binanceTrade = binanceFixtures.readText('ws_trade.json').replace('"p": "0.001"', `"p": "${bad}"`);
    expect(() => exchangeAdapters.binance.ws.decode(binanceTrade, 0)).toThrow(ParseError);
    const coinoneTrade = coinoneFixtures.readText('ws_trade.json').replace('"qty": "5000"', `"qty": "${bad}"`);
    expect(() => exchangeAdapters.coinone.ws.decode(coinoneTrade, 0)).toThrow(/"amount" is not a price or amount/);
    const coinoneBook = coinoneFixtures.readText('ws_orderbook.json').replace('"price": "692.1"', `"price": "${bad}"`);
    expect(() => exchangeAdapters.coinone.ws.decode(coinoneBook, 0)).toThrow(/"asks\[\d+\]\.price" is not a price or amount/);
    // The untouched fixtures decode.
    expect(exchangeAdapters.binance.ws.decode(binanceFixtures.readText('ws_trade.json'), 0).kind).toBe('events');
    expect(exchangeAdapters.coinone.ws.decode(coinoneFixtures.readText('ws_orderbook.json'), 0).kind).toBe('events');
  });

  it('should make a REST reply with a negative trade price a ParseError', () => {
    const body = upbitFixtures.read('rest_trades_ticks.json');
    const rest = exchangeAdapters.upbit.rest;
    expect(rest.parseTrades(body, { receivedAt: 0 }).length).toBeGreaterThan(0);
    const bad = JSON.parse(upbitFixtures.readText('rest_trades_ticks.json').replace(/"trade_price":\s*[\d.]+/, '"trade_price": -1')) as unknown;
    expect(() => rest.parseTrades(bad, { receivedAt: 0 })).toThrow(ParseError);
  });
});

describe('a running trade stream', () => {
  it('should report a frame with a negative or 1e400 price on streamErrors and go on with the next good frame', async () => {
    const simulator = await startUpbitSimulator();
    cleanups.push(() => simulator.close());
    const backbone = new MarketDataBackbone({ restUrl: simulator.url, wsUrl: simulator.wsUrl });
    cleanups.push(() => backbone.close());
    const errors: MarketDataError[] = [];
    backbone.streamErrors().subscribe((error) => errors.push(error));
    const trades: Trade[] = [];
    const failures: unknown[] = [];
    backbone.streamTrades('KRW-BTC').subscribe({ next: (t) => trades.push(t), error: (e: unknown) => failures.push(e) });
    await firstValueFrom(backbone.streamTrades('KRW-BTC'));

    for (const price of ['-1', '1e400']) simulator.ws.sendRaw(upbitTradeFrame(price, String(Number.MAX_SAFE_INTEGER)));
    // Subscribed before the frames can arrive (they are read on a later turn of the event loop).
    await firstValueFrom(backbone.streamErrors().pipe(filter(() => errors.filter((e) => e instanceof ParseError).length === 2)));
    const reportedAt = Date.now();
    // The next good frame still arrives on the same stream, after both bad ones were reported.
    await firstValueFrom(backbone.streamTrades('KRW-BTC').pipe(filter((t) => t.receivedAt > reportedAt)));
    expect(trades.some((t) => t.receivedAt > reportedAt)).toBe(true);
    const refused = errors.filter((e) => e instanceof ParseError);
    expect(refused).toHaveLength(2);
    expect(refused.map((e) => e.message).join('\n')).toMatch(/"price" is not a price or amount \(-1\)[\s\S]*"price" is not a price or amount \(1e\+400\)/);
    expect(trades.every((t) => isAmount(t.price) && isAmount(t.amount))).toBe(true);
    expect(failures).toEqual([]);
  });
});
