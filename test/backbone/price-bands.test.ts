import { afterEach, describe, expect, it } from 'vitest';
import { Big, MarketDataBackbone, ParseError, roundToTick, tickSizeAt, UnknownSymbolError } from 'market-data-backbone';
import { startBinanceSimulator, startCoinoneSimulator, startUpbitSimulator, tickFor } from 'market-data-backbone/testing';
import { parseCoinoneRangeUnits } from '../../src/exchanges/coinone/index.js';
import { parseJsonExact } from '../../src/transport/json/json.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const PRICES = ['0.00005', '0.5', '5', '55', '555', '999.9', '1000', '5555', '55555', '555555', '1999999', '2000000', '143250000'];

describe('price bands (tick sizes by price)', () => {
  it('reads Coinone range_units once per market and gives the tick the simulator enforces at every price', async () => {
    const simulator = await startCoinoneSimulator();
    const backbone = new MarketDataBackbone({ exchanges: { coinone: { restUrl: simulator.url } } });
    cleanups.push(() => simulator.close(), () => backbone.close());
    const bands = await backbone.getPriceBands('BTC/KRW', { exchange: 'coinone' });
    const requests = backbone.stats['coinone']!.requests;
    for (let i = 1; i < bands.length; i++) expect(bands[i]!.from.gt(bands[i - 1]!.from)).toBe(true);
    for (const price of PRICES) {
      expect(`${price}: ${tickSizeAt(bands, price)?.toFixed()}`).toBe(`${price}: ${tickFor('KRW', new Big(price)).toFixed()}`);
    }
    // Cached with the market list: a second call for the market (any spelling) sends nothing.
    expect(await backbone.getTickSize('KRW-BTC', '143250000', { exchange: 'coinone' })).toEqual(new Big(1000));
    expect(backbone.stats['coinone']!.requests).toBe(requests);
    await expect(backbone.getPriceBands('NOPE/KRW', { exchange: 'coinone' })).rejects.toBeInstanceOf(UnknownSymbolError);
  });

  it('gives Upbit\'s documented table without a request, and none for markets it documents none for', async () => {
    const simulator = await startUpbitSimulator();
    const backbone = new MarketDataBackbone({ exchanges: { upbit: { restUrl: simulator.url } } });
    cleanups.push(() => simulator.close(), () => backbone.close());
    await backbone.getMarkets();
    const requests = backbone.stats['upbit']!.requests;
    const bands = await backbone.getPriceBands('KRW-BTC');
    for (const price of PRICES) expect(`${price}: ${tickSizeAt(bands, price)?.toFixed()}`).toBe(`${price}: ${tickFor('KRW', new Big(price)).toFixed()}`);
    expect(roundToTick('143251234', bands, 'down').toFixed()).toBe('143251000');
    expect(backbone.stats['upbit']!.requests).toBe(requests);
    expect(await backbone.getPriceBands('USDT-BTC')).toEqual([]); // listed, but no documented table
    expect((await backbone.getPriceBands('BTC-ETH')).map((b) => b.tickSize.toFixed())).toEqual(['0.00000001']);
  });

  it('turns Binance\'s fixed PRICE_FILTER tick into one band from zero', async () => {
    const simulator = await startBinanceSimulator();
    const backbone = new MarketDataBackbone({ exchanges: { binance: { restUrl: simulator.url } } });
    cleanups.push(() => simulator.close(), () => backbone.close());
    const listed = (await backbone.getMarkets({ exchange: 'binance' })).find((m) => m.market === 'BTCUSDT');
    expect(listed?.tickSize).toBeDefined();
    const bands = await backbone.getPriceBands('BTC/USDT', { exchange: 'binance' });
    expect(bands.map((b) => [b.from.toFixed(), b.tickSize.toFixed()])).toEqual([['0', listed!.tickSize!.toFixed()]]);
  });

  it('parses a range_units reply in Coinone\'s shape, lowest band first, and rejects a malformed one', () => {
    const body = parseJsonExact(
      '{"result":"success","error_code":"0","range_price_units":[' +
        '{"range_min":"1000.0","next_range_min":"10000.0","price_unit":"1.0"},' +
        '{"range_min":"0.0","next_range_min":"1000.0","price_unit":"0.1"},' +
        '{"range_min":"10000.0","next_range_min":null,"price_unit":"10.0"}]}',
    );
    const bands = parseCoinoneRangeUnits(body, { receivedAt: 0 });
    expect(bands.map((b) => `${b.from.toFixed()}:${b.tickSize.toFixed()}`)).toEqual(['0:0.1', '1000:1', '10000:10']);
    expect(() => parseCoinoneRangeUnits(parseJsonExact('{"result":"success","range_price_units":[{"range_min":"x","price_unit":"1"}]}'), { receivedAt: 0 })).toThrow(ParseError);
    expect(() => parseCoinoneRangeUnits(parseJsonExact('{"result":"success"}'), { receivedAt: 0 })).toThrow(ParseError);
  });
});
