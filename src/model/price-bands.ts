/**
 * Tick sizes that depend on the price. Upbit's KRW markets and every Coinone market move in steps that
 * grow with the price (1 KRW from 1,000, 1,000 KRW from 2,000,000); Binance has one tick per market.
 * A list of bands covers all three: a fixed tick is one band from 0.
 */
import { Big } from './decimal.js';

/** One band of a tick table: from `from` (inclusive) up to the next band's `from`, prices step by `tickSize`. */
export interface PriceBand {
  readonly from: Big;
  readonly tickSize: Big;
}

/** How {@link roundToTick} moves a price that is off the grid. */
export type TickRounding = 'down' | 'up' | 'nearest';

/** big.js rounding modes: 0 towards zero, 3 away from zero, 1 half up. */
const BIG_ROUNDING: Readonly<Record<TickRounding, 0 | 1 | 3>> = { down: 0, up: 3, nearest: 1 };

/**
 * The band covering `price`: the one with the highest `from` at or below it, or `undefined` when the
 * price lies below every band (or there are none). Bands may come in any order.
 *
 * @example
 * ```ts
 * const bands = [{ from: new Big(0), tickSize: new Big('0.1') }, { from: new Big(1000), tickSize: new Big(1) }];
 * bandAt(bands, new Big(1500))?.tickSize.toString(); // '1'
 * ```
 */
export function bandAt(bands: readonly PriceBand[], price: Big): PriceBand | undefined {
  let found: PriceBand | undefined;
  for (const band of bands) if (price.gte(band.from) && (found === undefined || band.from.gt(found.from))) found = band;
  return found;
}

/**
 * The tick size at `price`, or `undefined` when no band covers it.
 *
 * @example
 * ```ts
 * const bands = await backbone.getPriceBands('KRW-BTC');
 * tickSizeAt(bands, '143250000')?.toString(); // '1000'
 * ```
 */
export function tickSizeAt(bands: readonly PriceBand[], price: Big | string): Big | undefined {
  return bandAt(bands, new Big(price))?.tickSize;
}

/**
 * `price` moved onto the tick grid of its band: `down` towards zero, `up` away from it, `nearest` half
 * up. A price that rounds up across a band boundary lands on the boundary, which is on both grids when
 * the exchange's bands start at multiples of their ticks (Upbit's and Coinone's do). Throws a
 * `RangeError` when no band covers the price.
 *
 * @example
 * ```ts
 * roundToTick('143251234', bands, 'down').toString(); // '143251000'
 * roundToTick('999.96', bands, 'up').toString(); // '1000'
 * ```
 */
export function roundToTick(price: Big | string, bands: readonly PriceBand[], rounding: TickRounding = 'nearest'): Big {
  const value = new Big(price);
  const band = bandAt(bands, value);
  if (band === undefined) throw new RangeError(`No tick size covers the price ${value.toFixed()}`);
  const steps = value.div(band.tickSize).round(0, BIG_ROUNDING[rounding]);
  return steps.times(band.tickSize);
}

/**
 * Bands sorted by `from`, lowest first, one per `from`; the form exchange adapters hand out.
 *
 * @example
 * ```ts
 * sortPriceBands([{ from: new Big(100), tickSize: new Big(1) }, { from: new Big(0), tickSize: new Big('0.1') }])[0]?.from.toString(); // '0'
 * ```
 */
export function sortPriceBands(bands: readonly PriceBand[]): PriceBand[] {
  const sorted = [...bands].sort((a, b) => a.from.cmp(b.from));
  return sorted.filter((band, i) => i === 0 || !band.from.eq(sorted[i - 1]!.from));
}
