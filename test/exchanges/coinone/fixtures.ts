/** Loads Coinone's published example payloads from the shared fixture folder. */
import { fixtureReader } from '../../helpers/fixtures.js';
import { fixtureDir } from '../../helpers/shared.js';

export { toReply } from '../../helpers/fixtures.js';

const fixtures = fixtureReader(fixtureDir('coinone'));

export const FIXTURES = fixtures.dir;

/** The text of a fixture file. */
export const readFixtureText = fixtures.readText;

/** A fixture parsed the way the transport parses replies and frames. */
export const readFixture = fixtures.read;

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

/** A model object with every `Big` as its string, for readable, exact comparisons. */
export function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
