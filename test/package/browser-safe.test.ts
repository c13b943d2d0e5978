import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const STATIC_IMPORT = /^\s*(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]/gm;
const BARE_IMPORT = /^\s*import\s+['"]([^'"]+)['"]/gm;

/** Every module a file reaches through static imports, and the bare packages they name. */
function staticGraph(entry: string): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of [...text.matchAll(STATIC_IMPORT), ...text.matchAll(BARE_IMPORT)]) {
      const spec = match[1]!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.set(spec, file);
    }
  };
  visit(resolve(root, entry));
  return { files, packages };
}

const nodeOnly = (name: string): boolean => name.startsWith('node:') || builtinModules.includes(name) || name === 'ws';

describe('browser entry points', () => {
  for (const entry of ['src/index.ts', 'src/internals.ts', 'operators/index.ts', 'src/testing/harness/index.ts']) {
    it(`${entry} imports no Node built-in and no ws package statically`, () => {
      const { files, packages } = staticGraph(entry);
      expect(files.size).toBeGreaterThan(5);
      const offenders = [...packages].filter(([name]) => nodeOnly(name)).map(([name, file]) => `${name} in ${file.slice(root.length)}`);
      expect(offenders).toEqual([]);
    });
  }

  it('keeps the simulators (node:http) out of the browser graph', () => {
    const { files } = staticGraph('src/index.ts');
    expect([...files].some((f) => f.includes('/src/testing/'))).toBe(false);
    expect(staticGraph('src/testing/index.ts').packages.has('node:http')).toBe(true);
  });

  it('keeps record and replay (node:fs, node:zlib) out of the browser graph', () => {
    const { files } = staticGraph('src/index.ts');
    expect([...files].some((f) => f.includes('/src/replay/'))).toBe(false);
    expect(staticGraph('src/replay/index.ts').packages.has('node:zlib')).toBe(true);
  });
});
