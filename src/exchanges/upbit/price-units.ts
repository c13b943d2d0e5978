/**
 * Upbit's tick sizes ("price units"): a documented table rather than an endpoint. KRW markets step by
 * price band, BTC markets by 0.00000001 at every price. USDT markets have a table of their own that the
 * protocol reference does not give, so they get none here (callers see an empty band list).
 *
 * The KRW rows are the project's protocol reference (1 KRW from 1,000 and 0.1 KRW from 100, the early
 * 2025 values). Upbit's guide page announces a coarser table from 2025-07-31 (for example 1,000 KRW
 * from 1,000,000 and new 50 and 5 KRW bands); until that is confirmed against the live exchange, the
 * reference wins, and this table is the one place to change.
 *
 * @see https://docs.upbit.com/kr/docs/krw-market-info (KRW market price units)
 */
import { Big } from '../../model/decimal.js';
import type { PriceBand } from '../../model/price-bands.js';

function bands(rows: ReadonlyArray<readonly [from: string, tickSize: string]>): readonly PriceBand[] {
  return Object.freeze(rows.map(([from, tickSize]) => Object.freeze({ from: new Big(from), tickSize: new Big(tickSize) })));
}

/** The KRW market table, lowest band first. */
export const UPBIT_KRW_PRICE_BANDS: readonly PriceBand[] = bands([
  ['0', '0.00000001'],
  ['0.0001', '0.0000001'],
  ['0.001', '0.000001'],
  ['0.01', '0.00001'],
  ['0.1', '0.0001'],
  ['1', '0.001'],
  ['10', '0.01'],
  ['100', '0.1'],
  ['1000', '1'],
  ['10000', '10'],
  ['100000', '50'],
  ['500000', '100'],
  ['1000000', '500'],
  ['2000000', '1000'],
]);

/** BTC markets: one tick at every price. */
export const UPBIT_BTC_PRICE_BANDS: readonly PriceBand[] = bands([['0', '0.00000001']]);

/**
 * The documented tick table of an Upbit market (`KRW-…`, `BTC-…`), or `undefined` for a quote the
 * documentation gives none for (`USDT-…`).
 *
 * @example
 * ```ts
 * upbitPriceBands('KRW-BTC')?.at(-1)?.tickSize.toString(); // '1000'
 * upbitPriceBands('USDT-BTC'); // undefined
 * ```
 */
export function upbitPriceBands(market: string): readonly PriceBand[] | undefined {
  if (market.startsWith('KRW-')) return UPBIT_KRW_PRICE_BANDS;
  if (market.startsWith('BTC-')) return UPBIT_BTC_PRICE_BANDS;
  return undefined;
}
