/**
 * Coinone tick sizes by price band: `GET /public/v2/range_units/{quote}/{target}` (which replaced the
 * all-market `range_units` in 2024-12, and the deprecated `price_unit` of the market rows).
 *
 * @see https://docs.coinone.co.kr/reference/ (Public API v2, range units)
 */
import { sortPriceBands, type PriceBand } from '../../model/price-bands.js';
import type { MapContext, RestRequest } from '../../core/exchange-adapter.js';
import { readDecimal, readList, readRecord } from './fields.js';
import { COINONE_PUBLIC_GROUP } from './rest.js';
import { toCoinonePair } from './symbols.js';

/** The channel named in parse errors of a `range_units` reply. */
export const COINONE_RANGE_UNITS_CHANNEL = '/public/v2/range_units';

/**
 * `GET /public/v2/range_units/{quote}/{target}`: one market's tick table.
 *
 * @example
 * ```ts
 * buildCoinoneRangeUnitsRequest('KRW-BTC').path; // '/public/v2/range_units/KRW/BTC'
 * ```
 */
export function buildCoinoneRangeUnitsRequest(market: string): RestRequest {
  const { quote, target } = toCoinonePair(market);
  return { path: `${COINONE_RANGE_UNITS_CHANNEL}/${quote}/${target}`, query: {}, group: COINONE_PUBLIC_GROUP };
}

/**
 * Maps a `range_units` body to price bands, lowest first. `next_range_min` is not read: each band ends
 * where the next begins.
 *
 * @example
 * ```ts
 * parseCoinoneRangeUnits(parseJsonExact(text), { receivedAt: Date.now() })[0]?.tickSize.toString(); // '0.0001'
 * ```
 */
export function parseCoinoneRangeUnits(body: unknown, _context: MapContext): PriceBand[] {
  const channel = COINONE_RANGE_UNITS_CHANNEL;
  const rows = readList(readRecord(body, channel), 'range_price_units', channel).map((item) => {
    const row = readRecord(item, channel);
    return { from: readDecimal(row, 'range_min', channel), tickSize: readDecimal(row, 'price_unit', channel) };
  });
  return sortPriceBands(rows);
}
