/**
 * The FX simulator serves the captured reply's shape (keys, order, JSON types, number spellings) from the
 * shared market model, and a closed bank market keeps its last rate, which the backbone reports with
 * its age instead of as broken.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Big, MarketDataBackbone } from 'market-data-backbone';
import { ManualClock, startFxSimulator, type FxSimulator } from 'market-data-backbone/testing';
import { MarketModel } from '../../src/testing/market/market-model.js';
import { fixtureReader } from '../helpers/fixtures.js';
import { fixtureDir } from '../helpers/shared.js';
import { createVirtualClock } from '../helpers/virtual-clock.js';

const capture = fixtureReader(fixtureDir('fx')).readText('rest_forex_recent_krwusd_capture2021.json');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Wednesday 2026-01-07 14:30:00 KST. */
const WEDNESDAY = Date.UTC(2026, 0, 7, 5, 30);
/** Saturday 2026-01-10 12:00:00 KST. */
const SATURDAY = Date.UTC(2026, 0, 10, 3);

async function start(at: number, options: { tetherPremium?: number } = {}): Promise<{ sim: FxSimulator; clock: ManualClock }> {
  const clock = new ManualClock(at);
  const sim = await startFxSimulator({ clock, ...options });
  cleanups.push(() => sim.close());
  return { sim, clock };
}

const get = async (sim: FxSimulator, codes: string) => (await fetch(`${sim.url}/v1/forex/recent?codes=${codes}`)).text();

/** `"key":<token>` of a compact JSON text. */
const token = (text: string, key: string) => new RegExp(`"${key}":("[^"]*"|[^,}\\]]*)`).exec(text)?.[1];

describe('FX simulator', () => {
  it('answers with the captured keys, in order, with the same JSON types and number spellings', async () => {
    const { sim } = await start(WEDNESDAY);
    const text = await get(sim, 'FRX.KRWUSD');
    const [served] = JSON.parse(text) as Record<string, unknown>[];
    const [captured] = JSON.parse(capture) as Record<string, unknown>[];
    expect(Object.keys(served!)).toEqual(Object.keys(captured!));
    const typeOf = (v: unknown) => (v === null ? 'null' : typeof v);
    expect(Object.fromEntries(Object.entries(served!).map(([k, v]) => [k, typeOf(v)]))).toEqual(
      Object.fromEntries(Object.entries(captured!).map(([k, v]) => [k, typeOf(v)])),
    );
    // Spellings as the capture: prices with two decimals, the dollar rate with four, change rates with ten.
    const spelling = (t: string) => t.replace(/\d/g, '9').replace(/^-/, '');
    for (const key of ['basePrice', 'openingPrice', 'highPrice', 'cashBuyingPrice', 'ttSellingPrice', 'usDollarRate', 'changeRate', 'currencyUnit']) {
      expect(spelling(token(text, key)!).split('.')[1]?.length, key).toBe(spelling(token(capture, key)!).split('.')[1]?.length);
    }
    expect(served).toMatchObject({ code: 'FRX.KRWUSD', currencyCode: 'USD', currencyUnit: 1, date: '2026-01-07', time: '14:30:00', timestamp: WEDNESDAY });
    // 14:30 KST is round 331 of the day (one a minute from 09:00).
    expect(served?.['recurrenceCount']).toBe(5.5 * 60 + 1);
  });

  it('quotes the model\'s USDT/KRW divided by 1 + tetherPremium, 2 decimals half-up, with the day\'s range around it', async () => {
    const { sim } = await start(WEDNESDAY, { tetherPremium: 0.01 });
    const [usd, jpy] = JSON.parse((await get(sim, 'FRX.KRWUSD,FRX.KRWJPY,FRX.KRWXXX')).replace(/":(-?\d+\.\d+)/g, '":"$1"')) as Record<string, string>[];
    const usdt = sim.model.lastTrade('KRW-USDT', WEDNESDAY)!.price;
    expect(usd?.['basePrice']).toBe(usdt.div('1.01').round(2, Big.roundHalfUp).toFixed(2));
    // JPY is per 100 units at 150 yen a dollar: the dollar rate × 100 / 150.
    expect(jpy?.['basePrice']).toBe(usdt.div('1.01').times(100).div(150).round(2, Big.roundHalfUp).toFixed(2));
    expect(jpy?.['currencyUnit']).toBe(100);
    const base = new Big(usd!['basePrice']!);
    expect(new Big(usd!['highPrice']!).gte(base) && new Big(usd!['lowPrice']!).lte(base)).toBe(true);
    // The unknown code is left out.
    expect(sim.requests.map((r) => r.codes)).toEqual(['FRX.KRWUSD,FRX.KRWJPY,FRX.KRWXXX']);
  });

  it('keeps Friday\'s last rate through the weekend, and the backbone reports its age rather than an error', async () => {
    const { sim, clock } = await start(SATURDAY);
    const { scheduler, advanceTo } = createVirtualClock();
    advanceTo(SATURDAY);
    const backbone = new MarketDataBackbone({ fx: { restUrl: sim.url, scheduler } });
    cleanups.push(() => backbone.close());
    const first = await backbone.getFx('USD/KRW');
    // Friday 20:59 KST, the last round of the day (quotes from 09:00 to 21:00).
    const fridayClose = Date.UTC(2026, 0, 9, 11, 59);
    expect(first.quotedAt).toBe(fridayClose);
    expect(first.ageMs).toBe(SATURDAY - fridayClose);
    expect(sim.market.isOpen(SATURDAY)).toBe(false);
    clock.set(SATURDAY + 3_600_000);
    advanceTo(SATURDAY + 3_600_000);
    const later = await backbone.getFx('USD/KRW');
    expect(sim.requests).toHaveLength(2);
    expect(later.rate.eq(first.rate)).toBe(true);
    expect(later.ageMs).toBe(first.ageMs + 3_600_000);
  });

  it('answers forced replies and holds replies while paused', async () => {
    const { sim } = await start(WEDNESDAY);
    sim.failNext(1, { status: 500, body: 'oops' });
    const forced = await fetch(`${sim.url}/v1/forex/recent?codes=FRX.KRWUSD`);
    expect([forced.status, await forced.text()]).toEqual([500, 'oops']);
    expect((await fetch(`${sim.url}/v1/other`)).status).toBe(404);
    expect(await get(sim, 'FRX.KRWNOPE')).toBe('[]');
    sim.pause();
    let answered = false;
    const held = get(sim, 'FRX.KRWUSD').then((text) => ((answered = true), text));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    sim.resume();
    expect(JSON.parse(await held)).toHaveLength(1);
  });

  it('uses the shared model: its quotes follow the model a Binance or Upbit simulator serves', async () => {
    const model = new MarketModel({ clock: new ManualClock(WEDNESDAY) });
    const sim = await startFxSimulator({ model });
    cleanups.push(() => sim.close());
    expect(sim.model).toBe(model);
    expect(sim.market.quote('USD')?.basePrice.toFixed(2)).toBe(model.lastTrade('KRW-USDT')!.price.div('1.005').round(2, Big.roundHalfUp).toFixed(2));
  });
});
