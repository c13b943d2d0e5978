/**
 * Upbit's date and time spellings (UTC and KST), and parsing of the `to` parameter of candle requests.
 */

/** KST is UTC+9 with no daylight saving. */
export const KST_OFFSET_MS = 9 * 3_600_000;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * `yyyy-MM-dd'T'HH:mm:ss` (candle times; pass `ms + KST_OFFSET_MS` for the KST variant).
 *
 * @example
 * ```ts
 * formatDateTime(Date.UTC(2025, 6, 29)); // '2025-07-29T00:00:00'
 * ```
 */
export function formatDateTime(ms: number): string {
  return iso(ms).slice(0, 19);
}

/**
 * `yyyy-MM-dd`.
 *
 * @example
 * ```ts
 * formatDate(Date.UTC(2025, 6, 29)); // '2025-07-29'
 * ```
 */
export function formatDate(ms: number): string {
  return iso(ms).slice(0, 10);
}

/**
 * `HH:mm:ss`.
 *
 * @example
 * ```ts
 * formatTime(Date.UTC(2025, 6, 29, 23, 59, 59)); // '23:59:59'
 * ```
 */
export function formatTime(ms: number): string {
  return iso(ms).slice(11, 19);
}

/**
 * `yyyyMMdd` (ticker `trade_date`).
 *
 * @example
 * ```ts
 * formatCompactDate(Date.UTC(2025, 6, 30)); // '20250730'
 * ```
 */
export function formatCompactDate(ms: number): string {
  return formatDate(ms).replaceAll('-', '');
}

/**
 * `HHmmss` (ticker `trade_time`).
 *
 * @example
 * ```ts
 * formatCompactTime(Date.UTC(2025, 6, 30, 17, 3, 15)); // '170315'
 * ```
 */
export function formatCompactTime(ms: number): string {
  return formatTime(ms).replaceAll(':', '');
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses a candle `to` parameter: ISO 8601 `yyyy-MM-ddTHH:mm:ss` with optional fraction and `Z` or
 * `±HH:mm` offset (UTC when absent), or `yyyy-MM-dd HH:mm:ss` (UTC). Returns `undefined` when invalid.
 *
 * @example
 * ```ts
 * parseDateTime('2025-07-30T00:00:00+09:00'); // Date.UTC(2025, 6, 29, 15)
 * ```
 */
export function parseDateTime(text: string): number | undefined {
  const match = DATE_TIME.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const year = Number(y);
  const month = Number(mo) - 1;
  const day = Number(d);
  const local = Date.UTC(year, month, day, Number(h), Number(mi), Number(s));
  const check = new Date(local);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month || check.getUTCDate() !== day) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const millis = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  let offset = 0;
  if (zone !== undefined && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
    if (minutes > 18 * 60) return undefined;
    offset = (zone.startsWith('-') ? -minutes : minutes) * 60_000;
  }
  return local + millis - offset;
}

/**
 * Parses a trades `to` parameter (`HHmmss` or `HH:mm:ss`) into milliseconds after midnight.
 *
 * @example
 * ```ts
 * parseTimeOfDay('12:30:00'); // 45000000
 * ```
 */
export function parseTimeOfDay(text: string): number | undefined {
  const match = /^(\d{2}):?(\d{2}):?(\d{2})$/.exec(text);
  if (match === null) return undefined;
  const [, h, m, s] = match;
  if (Number(h) > 23 || Number(m) > 59 || Number(s) > 59) return undefined;
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
}
