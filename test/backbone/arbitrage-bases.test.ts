/**
 * The premium on both bases across live simulators on one market model (Upbit, Binance and the FX
 * simulator): the identity (1 + coin vs FX) = (1 + coin vs USDT) × (1 + USDT vs FX) holds exactly on the
 * prices each premium divides, and each rounded premium is that exact ratio to its 8 decimals.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { Big, MarketDataBackbone } from 'market-data-backbone';
import { startBinanceSimulator, startFxSimulator, startUpbitSimulator } from 'market-data-backbone/testing';
import { startGateway } from '../gateway/helpers.js';
import type { BasePremium, TetherPremium } from '../../src/model/premium-bases.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `(1 + premium / 100) × reference` is `price` to within half a unit of the premium's 8th decimal. */
function roundedFrom({ premium, price, reference }: Pick<BasePremium | TetherPremium, 'premium' | 'price' | 'reference'>): boolean {
  const error = new Big(1).plus(premium!.div(100)).times(reference!).minus(price!).abs();
  return error.lte(reference!.times('0.000000005').div(100));
}

describe('streamArbitrage with fx: both', () => {
  it('satisfies the premium identity exactly on live simulator values', async () => {
    const upbit = await startUpbitSimulator({ limitClock: { now: () => Date.now() } });
    const binance = await startBinanceSimulator({ model: upbit.model, premium: 0.02, limitClock: { now: () => Date.now() } });
    const fx = await startFxSimulator({ model: upbit.model, tetherPremium: 0.01 });
    const backbone = new MarketDataBackbone({
      gracePeriodMs: 0,
      fx: { restUrl: fx.url },
      exchanges: { upbit: { restUrl: upbit.url, wsUrl: upbit.wsUrl }, binance: { restUrl: binance.url, wsUrl: binance.wsUrl } },
    });
    cleanups.push(() => upbit.close(), () => binance.close(), () => fx.close(), () => backbone.close());

    const snapshot = await firstValueFrom(
      backbone
        .streamArbitrage('BTC', { exchanges: ['upbit', 'binance'], fx: 'both' })
        .pipe(filter((s) => s.tether !== undefined && s.pairs[0]?.premiums?.official?.premium !== undefined), timeout(15_000)),
    );
    const pair = snapshot.pairs[0]!;
    const [coinVsFx, coinVsUsdt, tether] = [pair.premiums!.official!, pair.premiums!.usdt!, snapshot.tether!];
    expect([pair.a, pair.b]).toEqual(['upbit', 'binance']);
    // Exact: price_fx / ref_fx = (price_usdt / ref_usdt) × (price_t / ref_t), cross-multiplied.
    const left = coinVsFx.price!.times(coinVsUsdt.reference!).times(tether.reference);
    const right = coinVsUsdt.price!.times(tether.price).times(coinVsFx.reference!);
    expect(left.eq(right)).toBe(true);
    for (const premium of [coinVsFx, coinVsUsdt, tether]) expect(roundedFrom(premium)).toBe(true);
    // The rounded premiums multiply to within their rounding (three halves of 1e-10 on a ratio near 1).
    const one = (p: Big) => new Big(1).plus(p.div(100));
    const gap = one(coinVsFx.premium!).minus(one(coinVsUsdt.premium!).times(one(tether.premium))).abs();
    expect(gap.lte('0.0000000002')).toBe(true);

    // The inputs are the live ones: the official rate is the FX simulator's, the USDT rate Upbit's ticker,
    // and the simulators' premium shows through (Upbit 2 % over Binance at USDT/KRW).
    const official = await backbone.getFx('USD/KRW');
    expect(tether.reference.eq(official.rate)).toBe(true);
    expect(snapshot.legs['binance']?.fxRate?.eq(tether.price)).toBe(true);
    // The bank's rate is the model's USDT/KRW at the round's time over 1.01; USDT/KRW moves on between rounds.
    expect(tether.reference.eq(upbit.model.lastTrade('KRW-USDT', official.quotedAt)!.price.div('1.01').round(2, Big.roundHalfUp))).toBe(true);
    expect(coinVsUsdt.premium!.minus(2).abs().lt('0.3')).toBe(true);
    expect(coinVsFx.fxQuoteAgeMs).toBe(tether.fxQuoteAgeMs);
    expect(coinVsFx.stale).toBe(false);
  });

  it('is served by the gateway too: GET /v1/arbitrage?fx=both has both bases and the USDT premium, as exact strings', async () => {
    const upbit = await startUpbitSimulator({ limitClock: { now: () => Date.now() } });
    const binance = await startBinanceSimulator({ model: upbit.model, premium: 0.02, limitClock: { now: () => Date.now() } });
    const fx = await startFxSimulator({ model: upbit.model, tetherPremium: 0.01 });
    const backbone = new MarketDataBackbone({
      fx: { restUrl: fx.url },
      exchanges: { upbit: { restUrl: upbit.url, wsUrl: upbit.wsUrl }, binance: { restUrl: binance.url, wsUrl: binance.wsUrl } },
    });
    const gateway = await startGateway(backbone);
    cleanups.push(() => upbit.close(), () => binance.close(), () => fx.close(), () => backbone.close(), () => gateway.stop());
    type Wire = { pairs: { premiums?: { usdt?: { premium?: string }; official?: { premium?: string } } }[]; tether?: { premium: string; reference: string } };
    // The first snapshot may come before the bank's rate: ask until one has both bases.
    let body: Wire | undefined;
    for (let attempt = 0; attempt < 50 && (body?.tether === undefined || body.pairs[0]?.premiums?.official?.premium === undefined); attempt += 1) {
      const reply = await fetch(`${gateway.url}/v1/arbitrage?base=BTC&exchanges=upbit,binance&fx=both`);
      body = reply.status === 200 ? ((await reply.json()) as Wire) : undefined;
      if (body?.tether === undefined) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const pair = body!.pairs[0]!;
    expect(pair.premiums!.usdt!.premium).toMatch(/^-?\d+(\.\d+)?$/); // a decimal string, not a float
    expect(body!.tether!.reference).toBe((await backbone.getFx('USD/KRW')).rate.toFixed());
    const refused = await fetch(`${gateway.url}/v1/arbitrage?base=BTC&exchanges=upbit,binance&fx=bank`);
    expect(refused.status).toBe(400);
  });
});
