import { rmSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

/**
 * Three builds run in parallel, so none of them may clean `dist/` (one would delete what another just
 * wrote); the folder is emptied once, here, before any of them starts.
 */
rmSync(new URL('./dist', import.meta.url), { recursive: true, force: true });

/** The package's entry points; each is also a subpath in `package.json` `exports`. */
const entry = {
  index: 'src/index.ts',
  'internals/index': 'src/internals.ts',
  'operators/index': 'operators/index.ts',
  'testing/index': 'src/testing/index.ts',
  // Node only (node:http, node:crypto, ws): never reached from the browser-safe entries above.
  'gateway/index': 'src/gateway/index.ts',
  // Node only (prom-client): never reached from the browser-safe entries above.
  'metrics/index': 'src/metrics/index.ts',
  'replay/index': 'src/replay/index.ts',
};

const library: Options = {
  entry,
  dts: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['ws', 'node:*'],
  // Code shared by two entry points (the error classes above all) goes into one chunk both import, so
  // `instanceof MarketDataError` holds across `market-data-backbone`, `/operators`, `/testing` and
  // `/internals`.
  splitting: true,
};

export default defineConfig([
  { ...library, format: ['esm'] },
  {
    ...library,
    format: ['cjs'],
    // With `treeshake`, esbuild's split ESM output is turned into CommonJS chunks by Rollup. (tsup's
    // other path for CommonJS splitting, a sucrase pass, rewrites jose's `super(a, b), this.name = ...`
    // into a syntax error.)
    treeshake: true,
    // tsup's CommonJS code splitting (esbuild splits as ESM, tsup rewrites each chunk to CommonJS):
    // without it every `.cjs` entry carried its own copy of the error classes.
    // jose 6 ships ESM only, and Node 20 before 20.19 cannot `require()` ESM: the CommonJS build
    // carries its own copy of the few jose functions it uses, so `engines: >=20` holds for `require`.
    noExternal: ['jose'],
  },
  {
    entry: { 'cli/mdb': 'src/cli/mdb.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    // `mdb serve --redis` loads node-redis when asked; it is not a dependency of the package.
    external: ['redis'],
  },
]);
