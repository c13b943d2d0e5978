/**
 * Candle period arithmetic for every Upbit candle unit, on UTC boundaries: seconds and minute units
 * aligned to the epoch (240-minute candles start at 00, 04, … 20 UTC), days at 00:00 UTC, weeks on
 * Monday 00:00 UTC, months and years on their first day.
 */
import type { CandleInterval } from './candle.js';

const FIXED_MS: Readonly<Partial<Record<CandleInterval, number>>> = {
  '1s': 1000,
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '10m': 600_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '4h': 14_400_000,
  '1d': 86_400_000,
};

const DAY_MS = 86_400_000;
/** 1970-01-05, the first Monday after the epoch (a Thursday). */
const FIRST_MONDAY_DAYS = 4;

/**
 * The Upbit minute-candle unit of an interval (`'4h'` → 240), or `undefined` for other intervals.
 *
 * @example
 * ```ts
 * minuteUnitOf('1h'); // 60
 * ```
 */
export function minuteUnitOf(interval: CandleInterval): number | undefined {
  const ms = FIXED_MS[interval];
  return ms === undefined || ms < 60_000 || ms >= DAY_MS ? undefined : ms / 60_000;
}

/**
 * The interval of an Upbit minute-candle unit (`240` → `'4h'`), or `undefined` for an unsupported unit.
 *
 * @example
 * ```ts
 * intervalOfMinuteUnit(15); // '15m'
 * ```
 */
export function intervalOfMinuteUnit(unit: number): CandleInterval | undefined {
  const found = Object.entries(FIXED_MS).find(([, ms]) => ms === unit * 60_000 && ms < DAY_MS);
  return found?.[0] as CandleInterval | undefined;
}

/**
 * Start (ms, UTC) of the period containing `ms`.
 *
 * @example
 * ```ts
 * periodStart('1w', Date.UTC(2025, 6, 30)); // Date.UTC(2025, 6, 28): a Monday
 * ```
 */
export function periodStart(interval: CandleInterval, ms: number): number {
  const fixed = FIXED_MS[interval];
  if (fixed !== undefined) return Math.floor(ms / fixed) * fixed;
  if (interval === '1w') {
    const days = Math.floor(ms / DAY_MS);
    return (Math.floor((days - FIRST_MONDAY_DAYS) / 7) * 7 + FIRST_MONDAY_DAYS) * DAY_MS;
  }
  const date = new Date(ms);
  return interval === '1M' ? Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) : Date.UTC(date.getUTCFullYear(), 0, 1);
}

/**
 * Start of the period after the one starting at `start`.
 *
 * @example
 * ```ts
 * nextPeriod('1M', Date.UTC(2025, 0, 1)); // Date.UTC(2025, 1, 1)
 * ```
 */
export function nextPeriod(interval: CandleInterval, start: number): number {
  const fixed = FIXED_MS[interval];
  if (fixed !== undefined) return start + fixed;
  if (interval === '1w') return start + 7 * DAY_MS;
  const date = new Date(start);
  return interval === '1M'
    ? Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)
    : Date.UTC(date.getUTCFullYear() + 1, 0, 1);
}

/**
 * Start of the period before the one starting at `start`.
 *
 * @example
 * ```ts
 * previousPeriod('1d', Date.UTC(2025, 6, 30)); // Date.UTC(2025, 6, 29)
 * ```
 */
export function previousPeriod(interval: CandleInterval, start: number): number {
  return periodStart(interval, start - 1);
}
