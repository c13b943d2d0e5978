/**
 * Upbit price units (tick sizes) per quote currency.
 *
 * KRW follows the table in the protocol reference (2025 values: 1 KRW from 1,000, 0.1 KRW from 100).
 * BTC markets tick 0.00000001 at every price. USDT markets have their own table, which the reference
 * does not spell out; the simulator's choice (documented here, kept in this one place) mirrors the KRW
 * table's low end: 0.01 from 10 USDT, then one more decimal per decade down to 0.00000001.
 */
import { Big } from '../../model/decimal.js';

/** One row of a tick table: prices `>= min` trade in multiples of `tick`. */
export interface TickBand {
  readonly min: Big;
  readonly tick: Big;
}

function table(rows: ReadonlyArray<readonly [string, string]>): readonly TickBand[] {
  return rows.map(([min, tick]) => ({ min: new Big(min), tick: new Big(tick) }));
}

const KRW_TICKS = table([
  ['2000000', '1000'],
  ['1000000', '500'],
  ['500000', '100'],
  ['100000', '50'],
  ['10000', '10'],
  ['1000', '1'],
  ['100', '0.1'],
  ['10', '0.01'],
  ['1', '0.001'],
  ['0.1', '0.0001'],
  ['0.01', '0.00001'],
  ['0.001', '0.000001'],
  ['0.0001', '0.0000001'],
  ['0', '0.00000001'],
]);

const USDT_TICKS = table([
  ['10', '0.01'],
  ['1', '0.001'],
  ['0.1', '0.0001'],
  ['0.01', '0.00001'],
  ['0.001', '0.000001'],
  ['0.0001', '0.0000001'],
  ['0', '0.00000001'],
]);

const BTC_TICKS = table([['0', '0.00000001']]);

/**
 * The tick table of a quote currency (`KRW`, `BTC`, `USDT`), highest band first.
 *
 * @example
 * ```ts
 * tickTable('KRW')[0]; // { min: 2000000, tick: 1000 }
 * ```
 */
export function tickTable(quote: string): readonly TickBand[] {
  if (quote === 'KRW') return KRW_TICKS;
  if (quote === 'USDT') return USDT_TICKS;
  return BTC_TICKS;
}

/** The band a price falls in, with the price bounds of that band (`max` undefined for the top band). */
export interface BandInfo {
  readonly tick: Big;
  readonly min: Big;
  readonly max: Big | undefined;
}

/**
 * The band containing `price` in the quote's tick table.
 *
 * @example
 * ```ts
 * bandOf('KRW', new Big(4300)).tick.toString(); // '1'
 * ```
 */
export function bandOf(quote: string, price: Big): BandInfo {
  const rows = tickTable(quote);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row !== undefined && price.gte(row.min)) {
      return { tick: row.tick, min: row.min, max: i === 0 ? undefined : rows[i - 1]?.min };
    }
  }
  const last = rows[rows.length - 1];
  if (last === undefined) throw new Error('tickTable: empty table');
  return { tick: last.tick, min: last.min, max: undefined };
}

/**
 * The tick size at `price`.
 *
 * @example
 * ```ts
 * tickFor('KRW', new Big('999.9')).toString(); // '0.1'
 * ```
 */
export function tickFor(quote: string, price: Big): Big {
  return bandOf(quote, price).tick;
}

/**
 * The next valid price above `price` (which must sit on the grid).
 *
 * @example
 * ```ts
 * nextPriceUp('KRW', new Big('999.9')).toString(); // '1000'
 * ```
 */
export function nextPriceUp(quote: string, price: Big): Big {
  return price.plus(tickFor(quote, price));
}

/**
 * The next valid price below `price`, crossing into a finer band when needed (1000 → 999.9).
 *
 * @example
 * ```ts
 * nextPriceDown('KRW', new Big('1000')).toString(); // '999.9'
 * ```
 */
export function nextPriceDown(quote: string, price: Big): Big {
  const tick = tickFor(quote, price);
  const candidate = price.minus(tick);
  const lowerTick = tickFor(quote, candidate);
  return lowerTick.lt(tick) ? price.minus(lowerTick) : candidate;
}

/**
 * Number of decimals of a tick (`0.001` → 3, `1000` → 0).
 *
 * @example
 * ```ts
 * decimalsOf(new Big('0.001')); // 3
 * ```
 */
export function decimalsOf(value: Big): number {
  return Math.max(0, value.c.length - 1 - value.e);
}
