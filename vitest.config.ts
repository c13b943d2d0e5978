import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^market-data-backbone\/operators$/, replacement: here('./operators/index.ts') },
      { find: /^market-data-backbone\/testing$/, replacement: here('./src/testing/index.ts') },
      { find: /^market-data-backbone\/gateway$/, replacement: here('./src/gateway/index.ts') },
      { find: /^market-data-backbone\/metrics$/, replacement: here('./src/metrics/index.ts') },
      { find: /^market-data-backbone\/replay$/, replacement: here('./src/replay/index.ts') },
      { find: /^market-data-backbone\/internals$/, replacement: here('./src/internals.ts') },
      { find: /^market-data-backbone$/, replacement: here('./src/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'marbles/**/*.spec.ts', 'examples/**/*.spec.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
