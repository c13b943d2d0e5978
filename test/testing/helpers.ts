/** Shared helpers of the simulator tests: HTTP calls, exact parsing and JSON shape comparison. */
import { fixtureDir } from '../helpers/shared.js';
import { isWireNumber } from '../../src/model/decimal.js';
import { parseJsonExact } from '../../src/transport/json/json.js';

/** Upbit's published examples (see SOURCES.md there). */
export const FIXTURES = fixtureDir('upbit');

/** 2025-07-30T17:03:15.113Z: the instant of the 2025 ticker capture. */
export const T0 = Date.UTC(2025, 6, 30, 17, 3, 15, 113);

export interface Fetched {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
}

/** GETs `path` from a simulator and parses the body exactly (or keeps `undefined` if not JSON). */
export async function get(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<Fetched> {
  const response = await fetch(`${baseUrl}${path}`, { headers });
  const text = await response.text();
  let json: unknown;
  try {
    json = parseJsonExact(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The JSON type of a parsed value: number (either representation), string, boolean, null, array, object. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (isWireNumber(value)) return 'number';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Describes a parsed JSON value as nested types and keys, keeping only the first element of arrays:
 * two values with the same shape have the same keys (in order) and the same value types.
 */
export function shapeOf(value: unknown): unknown {
  const type = jsonType(value);
  if (type === 'array') {
    const first = (value as unknown[])[0];
    return first === undefined ? ['empty'] : [shapeOf(first)];
  }
  if (type === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, shapeOf(item)]);
  }
  return type;
}

/** A record view of a parsed object. */
export function asRecord(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
  return value as Record<string, unknown>;
}

/** A list view of a parsed array of objects. */
export function asRecords(value: unknown): Array<Record<string, unknown>> {
  if (!Array.isArray(value)) throw new Error('not an array');
  return value.map(asRecord);
}
