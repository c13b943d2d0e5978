/**
 * The layout rules of the style guide that a reader should never have to check by hand: one operator
 * per file, named as its export, exported from `operators/index.ts` and proven by a marble spec of the
 * same name; `src/` files stay under 400 lines (the split point the guide sets for a module).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as operators from 'market-data-backbone/operators';

const root = fileURLToPath(new URL('../..', import.meta.url));
const names = (dir: string, suffix: string): string[] =>
  readdirSync(join(root, dir))
    .filter((file) => file.endsWith(suffix))
    .map((file) => file.slice(0, -suffix.length));

function files(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

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

  it('should keep every src/ file under 400 lines', () => {
    const long = files('src')
      .map((file) => [file, readFileSync(join(root, file), 'utf8').split('\n').length] as const)
      .filter(([, lines]) => lines > 400);
    expect(long).toEqual([]);
  });
});
