/**
 * A tiny JSON writer that spells numbers from exact decimal strings, never through a double.
 *
 * Upbit's replies carry numbers like `163248000.00000000` and `137728155832.9616000000000000` and ids
 * beyond 2^53; `JSON.stringify` cannot produce these. Values to serialise are plain objects, arrays,
 * strings, booleans, `null`, safe-integer `number`s, and {@link RawNumber}s holding the exact spelling.
 */
import type { Big } from '../../model/decimal.js';
import { decimalsOf } from '../market/ticks.js';

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * A JSON number written exactly as given.
 *
 * @example
 * ```ts
 * stringifyWire({ sequential_id: new RawNumber('17510687993360000') }); // '{"sequential_id":17510687993360000}'
 * ```
 */
export class RawNumber {
  readonly text: string;

  constructor(text: string) {
    if (!JSON_NUMBER.test(text)) throw new Error(`RawNumber: ${text} is not a JSON number`);
    this.text = text;
  }
}

/** Anything {@link stringifyWire} accepts. `undefined` object members are left out. */
export type WireValue =
  | string
  | number
  | boolean
  | null
  | RawNumber
  | readonly WireValue[]
  | { readonly [key: string]: WireValue | undefined };

/**
 * Serialises a {@link WireValue} compactly, keys in insertion order (like Upbit's replies).
 *
 * @example
 * ```ts
 * stringifyWire([{ price: fixed(new Big(5252000), 8), change: 'EVEN' }]); // '[{"price":5252000.00000000,"change":"EVEN"}]'
 * ```
 */
export function stringifyWire(value: WireValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`stringifyWire: ${value} is not a safe integer; use RawNumber`);
    return String(value);
  }
  if (value instanceof RawNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map((item: WireValue) => stringifyWire(item)).join(',')}]`;
  const parts: string[] = [];
  for (const [key, item] of Object.entries(value as { readonly [key: string]: WireValue | undefined })) {
    if (item !== undefined) parts.push(`${JSON.stringify(key)}:${stringifyWire(item)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * An exact decimal in its shortest plain spelling (`0.0134662`, `148520000`).
 *
 * @example
 * ```ts
 * plain(new Big('0.01346620')).text; // '0.0134662'
 * ```
 */
export function plain(value: Big): RawNumber {
  return new RawNumber(value.toFixed());
}

/**
 * An exact decimal padded to at least `decimals` decimals (`163248000.00000000`); values with more
 * decimals keep all of them, so padding never rounds.
 *
 * @example
 * ```ts
 * fixed(new Big('0.0017283860'), 10).text; // '0.0017283860'
 * ```
 */
export function fixed(value: Big, decimals: number): RawNumber {
  return new RawNumber(value.toFixed(Math.max(decimals, decimalsOf(value))));
}

/**
 * Like {@link fixed}, but zero is written as the integer `0` (Upbit's spelling of EVEN changes).
 *
 * @example
 * ```ts
 * fixedOrZero(new Big(0), 8).text; // '0'
 * ```
 */
export function fixedOrZero(value: Big, decimals: number): RawNumber {
  return value.eq(0) ? new RawNumber('0') : fixed(value, decimals);
}
