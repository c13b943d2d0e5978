import type { Big } from './decimal.js';
import type { MarketRef } from './market.js';

/**
 * A 24 h market summary.
 *
 * `open`/`baseVolume`/`quoteVolume` cover the exchange's trading day (Upbit: since 00:00 UTC);
 * `baseVolume24h`/`quoteVolume24h` are rolling 24 h. `change` and `changeRate` are signed and measured
 * against `prevClose` (Upbit: the previous UTC-midnight close). `changeRate` is a ratio (0.0127 = 1.27 %).
 */
export interface Ticker extends MarketRef {
  readonly type: 'ticker';
  readonly last: Big;
  readonly open: Big;
  readonly high: Big;
  readonly low: Big;
  readonly prevClose: Big;
  readonly change: Big;
  readonly changeRate: Big;
  readonly baseVolume: Big;
  readonly quoteVolume: Big;
  readonly baseVolume24h: Big;
  readonly quoteVolume24h: Big;
  /** Size of the last trade, where the exchange reports it. */
  readonly lastAmount?: Big | undefined;
}

/** The `Big` fields of a {@link Ticker}, in the order the type lists them. */
export const TICKER_DECIMALS = [
  'last',
  'open',
  'high',
  'low',
  'prevClose',
  'change',
  'changeRate',
  'baseVolume',
  'quoteVolume',
  'baseVolume24h',
  'quoteVolume24h',
  'lastAmount',
] as const satisfies readonly (keyof Ticker)[];
