/**
 * The layout rules of the style guide that a reader should never have to check by hand: one operator
 * per file, named as its export, exported from `operators/index.ts` and proven by a marble spec of the
 * same name. (Import directions between the layers are checked by `layers.test.ts`.)
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as operators from 'market-data-backbone/operators';

const root = fileURLToPath(new URL('../..', import.meta.url));
const names = (dir: string, suffix: string): string[] =>
  readdirSync(join(root, dir))
    .filter((file) => file.endsWith(suffix))
    .map((file) => file.slice(0, -suffix.length));

describe('layout', () => {
  const operatorFiles = names('operators', '.ts').filter((name) => name !== 'index');

  it('should have one marble spec per operator file, and no spec without its operator', () => {
    expect(operatorFiles.length).toBeGreaterThan(5);
    expect(names('marbles', '.spec.ts').sort()).toEqual([...operatorFiles].sort());
  });

  it('should export every operator as a function named as its file', () => {
    const exported = operators as Readonly<Record<string, unknown>>;
    for (const name of operatorFiles) expect(typeof exported[name], name).toBe('function');
  });
});
