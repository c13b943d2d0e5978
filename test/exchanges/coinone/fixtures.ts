/** Loads Coinone's published example payloads from the shared fixture folder. */
import { fixtureDir } from '../../helpers/shared.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RestReply } from '../../../src/exchanges/exchange-adapter.js';
import { parseJsonExact } from '../../../src/transport/json.js';

export const FIXTURES = fixtureDir('coinone');

/** The text of a fixture file. */
export function readFixtureText(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/** A fixture parsed the way the transport parses replies. */
export function readFixture(name: string): unknown {
  return parseJsonExact(readFixtureText(name));
}

/** A fixture parsed with plain `JSON.parse`: the raw string spellings the expectations compare against. */
export function readRaw(name: string): unknown {
  return JSON.parse(readFixtureText(name)) as unknown;
}

/** The value at `path` inside a plain JSON tree (throws when the path does not exist). */
export function pick(value: unknown, ...path: readonly (string | number)[]): unknown {
  let node = value;
  for (const step of path) {
    if (typeof node !== 'object' || node === null || !(step in node)) throw new Error(`fixture has no ${path.join('.')}`);
    node = (node as Record<string | number, unknown>)[step];
  }
  return node;
}

/** The string at `path` inside a plain JSON tree. */
export function pickText(value: unknown, ...path: readonly (string | number)[]): string {
  const found = pick(value, ...path);
  if (typeof found !== 'string') throw new Error(`fixture ${path.join('.')} is not a string`);
  return found;
}

/** The array at `path` inside a plain JSON tree. */
export function pickList(value: unknown, ...path: readonly (string | number)[]): readonly unknown[] {
  const found = pick(value, ...path);
  if (!Array.isArray(found)) throw new Error(`fixture ${path.join('.')} is not an array`);
  return found;
}

/** A reply as the transport builds it: JSON bodies parsed with `parseJsonExact`, other text left as is. */
export function toReply(status: number, text: string, headers: Record<string, string> = {}): RestReply {
  let body: unknown;
  try {
    body = parseJsonExact(text);
  } catch {
    body = undefined;
  }
  return { status, headers: new Headers(headers), text, body };
}

/** A model object with every `Big` as its string, for readable, exact comparisons. */
export function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
