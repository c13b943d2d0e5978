import { afterEach, describe, expect, it } from 'vitest';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { Big, MarketDataBackbone } from 'market-data-backbone';
import { startBinanceSimulator, startCoinoneSimulator, startUpbitSimulator } from 'market-data-backbone/testing';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Three simulators on one market model: Upbit 2 % over Binance (at the model's USDT/KRW), Coinone 0.1 % under Upbit. */
async function setup() {
  const upbit = await startUpbitSimulator({ limitClock: { now: () => Date.now() } });
  const binance = await startBinanceSimulator({ model: upbit.model, premium: 0.02, limitClock: { now: () => Date.now() } });
  const coinone = await startCoinoneSimulator({ model: upbit.model, premium: -0.001, limitClock: { now: () => Date.now() } });
  const backbone = new MarketDataBackbone({
    gracePeriodMs: 0,
    exchanges: {
      upbit: { restUrl: upbit.url, wsUrl: upbit.wsUrl },
      binance: { restUrl: binance.url, wsUrl: binance.wsUrl },
      coinone: { restUrl: coinone.url, wsUrl: coinone.wsUrl },
    },
  });
  cleanups.push(() => upbit.close(), () => binance.close(), () => coinone.close(), () => backbone.close());
  return { upbit, binance, coinone, backbone };
}

describe('streamArbitrage across the three simulators', () => {
  it('shows the configured premiums, converts USDT through the FX stream and prices both routes', async () => {
    const { backbone } = await setup();
    const snapshot = await firstValueFrom(
      backbone
        .streamArbitrage('BTC', { exchanges: ['upbit', 'coinone', 'binance'], fx: 'upbit:USDT/KRW', fees: { upbit: '0.0005', binance: '0.001', coinone: '0.002' } })
        .pipe(filter((s) => s.pairs.every((p) => p.premium !== undefined)), timeout(15_000)),
    );
    expect(Object.keys(snapshot.legs).sort()).toEqual(['binance', 'coinone', 'upbit']);
    expect(snapshot.legs['binance']?.symbol).toBe('BTC/USDT');
    expect(snapshot.legs['binance']?.fxRate?.gt(1000)).toBe(true);
    const premium = (a: string, b: string): Big => {
      const pair = snapshot.pairs.find((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a))!;
      return pair.a === a ? pair.premium! : new Big(100).times(new Big(100).div(pair.premium!.plus(100))).minus(100);
    };
    // Simulators: Upbit = Binance x fx x 1.02, Coinone = Upbit x 0.999; mids differ from last prices by
    // half a spread, hence the tolerances.
    expect(premium('upbit', 'binance').minus(2).abs().lt('0.3')).toBe(true);
    expect(premium('coinone', 'upbit').plus('0.1').abs().lt('0.3')).toBe(true);
    for (const pair of snapshot.pairs) {
      expect(pair.stale).toBe(false);
      for (const route of [pair.aToB, pair.bToA]) {
        if (route === undefined) continue;
        // Hand computation from the legs: sell at the bid after the seller's fee, buy at the ask plus the buyer's fee.
        const buyLeg = snapshot.legs[route.buy]!;
        const sellLeg = snapshot.legs[route.sell]!;
        const fee = { upbit: '0.0005', binance: '0.001', coinone: '0.002' } as Record<string, string>;
        const buy = buyLeg.ask!.times(new Big(1).plus(fee[route.buy]!));
        const sell = sellLeg.bid!.times(new Big(1).minus(fee[route.sell]!));
        expect(route.buyPrice.minus(buy).abs().lt('0.01')).toBe(true);
        expect(route.sellPrice.minus(sell).abs().lt('0.01')).toBe(true);
        expect(route.spread.minus(sell.minus(buy)).abs().lt('0.01')).toBe(true);
      }
    }
  });

  it('finds the FX pair by itself when none is given: streamArbitrage(\'BTC\', [\'binance\', \'upbit\'])', async () => {
    const { backbone } = await setup();
    const snapshot = await firstValueFrom(
      backbone.streamArbitrage('BTC', ['binance', 'upbit']).pipe(filter((s) => s.pairs[0]?.premium !== undefined), timeout(15_000)),
    );
    expect(snapshot.legs['binance']?.symbol).toBe('BTC/USDT');
    expect(snapshot.legs['upbit']?.symbol).toBe('BTC/KRW');
    // The rate is Upbit's USDT/KRW ticker, as the simulator's own model has it.
    const usdt = await backbone.getTicker('USDT/KRW');
    expect(snapshot.legs['binance']?.fxRate?.minus(usdt.last).abs().div(usdt.last).lt('0.01')).toBe(true);
    const pair = snapshot.pairs[0]!;
    const upbitOverBinance = pair.a === 'upbit' ? pair.premium! : new Big(100).times(new Big(100).div(pair.premium!.plus(100))).minus(100);
    expect(upbitOverBinance.minus(2).abs().lt('0.3')).toBe(true);
  });

  it('flags a leg whose book stops arriving as stale instead of combining it as fresh', async () => {
    const { upbit, backbone } = await setup();
    const stale = firstValueFrom(
      backbone
        .streamArbitrage('BTC', { exchanges: ['upbit', 'coinone'], staleAfterMs: 400 })
        .pipe(filter((s) => s.legs['upbit']?.stale === true), timeout(15_000)),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    upbit.ws.stall(true);
    const snapshot = await stale;
    expect(snapshot.pairs[0]?.stale).toBe(true);
    expect(snapshot.legs['upbit']?.ageMs).toBeGreaterThanOrEqual(400);
  });
});
