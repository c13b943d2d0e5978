/**
 * The package as users get it: built with tsup, packed with `npm pack`, unpacked into a consumer's
 * `node_modules`, then imported from ESM and CommonJS and type-checked with `moduleResolution: nodenext`.
 * Nothing is fetched: the consumer folder sits inside the repository, so the package's own dependencies
 * resolve from the repository's `node_modules` (Node walks up the folders).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const consumer = join(root, '.pack-test');
const installed = join(consumer, 'node_modules', 'market-data-backbone');
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);
const run = (file: string, args: readonly string[], cwd = root): string =>
  execFileSync(file, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });

/** Every entry point, by the name a user imports. */
const ENTRY_POINTS = { main: 'market-data-backbone', operators: 'market-data-backbone/operators', internals: 'market-data-backbone/internals', testing: 'market-data-backbone/testing' } as const;

/**
 * A consumer program that loads every entry point (`load` is `require` or `await import`), makes code of
 * one entry throw and checks the error against the classes and guards of another: the operators' stale
 * timer, the internals' REST client against a closed port, the main client against the simulator of
 * `/testing`. Prints what it saw as JSON.
 */
function crossEntryProgram(load: (specifier: string) => string): string {
  const modules = Object.entries(ENTRY_POINTS).map(([name, specifier]) => `const ${name} = ${load(specifier)};`);
  return [
    ...modules,
    `const { NEVER, firstValueFrom } = ${load('rxjs')};`,
    `const net = ${load('node:net')};`,
    'const caught = (promise) => promise.then(() => undefined, (error) => error);',
    'const check = (error, Class) => ({ name: error?.name, instance: error instanceof Class, base: error instanceof main.MarketDataError, guard: main.isMarketDataError(error) });',
    '(async () => {',
    '  const stale = await caught(firstValueFrom(NEVER.pipe(operators.staleAfter({ timeoutMs: 1 }))));',
    '  const server = net.createServer();',
    "  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));",
    '  const closedPort = server.address().port;',
    '  await new Promise((resolve) => server.close(resolve));',
    '  const rest = new internals.RestClient({ adapter: main.exchangeAdapters.upbit.rest, exchange: main.DEFAULT_EXCHANGE, limiter: new main.RateLimiter([]), baseUrl: `http://127.0.0.1:${closedPort}`, retry: false });',
    "  const refused = await caught(rest.fetch({ path: '/v1/ticker', query: { markets: 'KRW-BTC' }, group: 'default' }));",
    '  const simulator = await testing.startUpbitSimulator();',
    '  const backbone = new main.MarketDataBackbone({ exchanges: { upbit: { restUrl: simulator.url } } });',
    "  const unknown = await caught(backbone.getTicker('KRW-NOPE'));",
    '  await backbone.close();',
    '  await simulator.close();',
    '  console.log(JSON.stringify({ stale: check(stale, main.StaleStreamError), refused: check(refused, main.ConnectionError), unknown: check(unknown, main.UnknownSymbolError) }));',
    '})();',
  ].join('\n');
}

const CROSS_ENTRY_RESULT = {
  stale: { name: 'StaleStreamError', instance: true, base: true, guard: true },
  refused: { name: 'ConnectionError', instance: true, base: true, guard: true },
  unknown: { name: 'UnknownSymbolError', instance: true, base: true, guard: true },
};

let packed: string[] = [];

beforeAll(() => {
  rmSync(consumer, { recursive: true, force: true });
  mkdirSync(installed, { recursive: true });
  run(bin('tsup'), []);
  const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', consumer])) as [{ filename: string; files: { path: string }[] }];
  packed = info.files.map((file) => file.path);
  run('tar', ['-xzf', join(consumer, info.filename), '-C', installed, '--strip-components=1']);
}, 420_000); // tsup took 26 s alone and over 120 s with six helpers on two cores

afterAll(() => rmSync(consumer, { recursive: true, force: true }));

describe('the published package', () => {
  it('ships the build, the README and the manifest, and no sources or tests', () => {
    expect(packed).toContain('package.json');
    expect(packed).toContain('README.md');
    for (const entry of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/operators/index.js', 'dist/testing/index.js', 'dist/internals/index.js', 'dist/internals/index.cjs', 'dist/gateway/index.js', 'dist/gateway/index.cjs', 'dist/gateway/index.d.ts', 'dist/cli/mdb.js']) {
      expect(packed).toContain(entry);
    }
    expect(packed.filter((path) => /^(src|test|marbles|bench|examples)\//.test(path))).toEqual([]);
  });

  it('works from ESM: every entry point, against the simulator it ships', () => {
    writeFileSync(
      join(consumer, 'esm.mjs'),
      [
        "import { MarketDataBackbone, roundToTick } from 'market-data-backbone';",
        "import { cacheReplay } from 'market-data-backbone/operators';",
        "import { startUpbitSimulator } from 'market-data-backbone/testing';",
        'const simulator = await startUpbitSimulator();',
        'const backbone = new MarketDataBackbone({ exchanges: { upbit: { restUrl: simulator.url } } });',
        "const ticker = await backbone.getTicker('BTC/KRW');",
        "const bands = await backbone.getPriceBands('KRW-BTC');",
        'console.log(JSON.stringify({ market: ticker.market, exact: ticker.last.toFixed() === roundToTick(ticker.last, bands).toFixed(), operator: typeof cacheReplay }));',
        'await backbone.close();',
        'await simulator.close();',
      ].join('\n'),
    );
    expect(JSON.parse(run('node', ['esm.mjs'], consumer))).toEqual({ market: 'KRW-BTC', exact: true, operator: 'function' });
  });

  it('defines each error class once per format, in a chunk every entry point shares', () => {
    const built = packed.filter((path) => /^dist\/(?!cli\/).*\.c?js$/.test(path));
    const definitions = (extension: string): string[] =>
      built.filter((path) => path.endsWith(extension) && /\bMarketDataError = class\b|\bclass MarketDataError\b/.test(readFileSync(join(installed, path), 'utf8')));
    expect(definitions('.cjs')).toHaveLength(1);
    expect(definitions('.js')).toHaveLength(1);
  });

  it('keeps instanceof and isMarketDataError across entry points for require users', () => {
    writeFileSync(join(consumer, 'cross.cjs'), crossEntryProgram((specifier) => `require('${specifier}')`));
    expect(JSON.parse(run('node', ['cross.cjs'], consumer))).toEqual(CROSS_ENTRY_RESULT);
  });

  it('keeps instanceof and isMarketDataError across entry points for import users', () => {
    writeFileSync(join(consumer, 'cross.mjs'), crossEntryProgram((specifier) => `await import('${specifier}')`).replace('(async () => {', 'await (async () => {'));
    expect(JSON.parse(run('node', ['cross.mjs'], consumer))).toEqual(CROSS_ENTRY_RESULT);
  });

  it('requires every entry point on a Node that cannot require() ESM (engines: node >=20, before 20.19)', () => {
    // `--no-experimental-require-module` turns this Node back into one before 20.19: a `require()` of an
    // ESM-only package (jose 6) fails there with ERR_REQUIRE_ESM.
    const program = Object.values(ENTRY_POINTS).map((specifier) => `require('${specifier}');`).join('\n');
    writeFileSync(join(consumer, 'old-node.cjs'), `${program}\nconsole.log(typeof require('market-data-backbone').signUpbitToken);`);
    expect(run('node', ['--no-experimental-require-module', 'old-node.cjs'], consumer).trim()).toBe('function');
  });

  it('runs the mdb binary named in bin, as `npx mdb` runs it for an installed package', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const binary = join(installed, manifest.bin['mdb'] ?? 'missing');
    expect(readFileSync(binary, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(run('node', [binary, '--help'], consumer)).toMatch(/^usage: mdb /);
    const tickers = JSON.parse(run('node', [binary, 'ticker', 'ETH/USDT', '--exchange', 'binance', '--json'], consumer)) as { exchange: string; market: string }[];
    expect(tickers.map((t) => `${t.exchange} ${t.market}`)).toEqual(['binance ETHUSDT']);
  });

  it('works from CommonJS', () => {
    writeFileSync(
      join(consumer, 'cjs.cjs'),
      [
        "const { Big, toIdString } = require('market-data-backbone');",
        "const { parseJsonExact } = require('market-data-backbone/internals');",
        "const { dedupeBy } = require('market-data-backbone/operators');",
        "const [row] = parseJsonExact('[{\"id\":17877285547970000,\"p\":\"0.10\"}]');",
        'console.log(JSON.stringify({ id: toIdString(row.id), p: new Big(row.p).plus("0.2").toFixed(), operator: typeof dedupeBy }));',
      ].join('\n'),
    );
    expect(JSON.parse(run('node', ['cjs.cjs'], consumer))).toEqual({ id: '17877285547970000', p: '0.3', operator: 'function' });
  });

  it('type-checks a consumer under moduleResolution nodenext, ESM and CommonJS alike', () => {
    const consumerTs = [
      "import { MarketDataBackbone, tickSizeAt, type Ticker, type PriceBand } from 'market-data-backbone';",
      "import { arbitrage, retryBackoff } from 'market-data-backbone/operators';",
      "import type { UpbitSimulator } from 'market-data-backbone/testing';",
      "import { WsConnection, type WsConnectionOptions } from 'market-data-backbone/internals';",
      'export async function last(backbone: MarketDataBackbone): Promise<string> {',
      "  const ticker: Ticker = await backbone.getTicker('KRW-BTC');",
      "  const bands: readonly PriceBand[] = await backbone.getPriceBands('KRW-BTC');",
      "  return `${ticker.last.toFixed()} ${tickSizeAt(bands, ticker.last)?.toFixed() ?? '-'}`;",
      '}',
      'export const operators = [arbitrage, retryBackoff] as const;',
      'export const socket = (options: WsConnectionOptions): WsConnection => new WsConnection(options);',
      'export type Sim = UpbitSimulator;',
      '// @ts-expect-error a typo in a method name must not type-check',
      "export const wrong = (backbone: MarketDataBackbone) => backbone.getTiker('KRW-BTC');",
    ].join('\n');
    writeFileSync(join(consumer, 'consumer.mts'), consumerTs);
    writeFileSync(join(consumer, 'consumer.cts'), consumerTs.replace('export type Sim = UpbitSimulator;', 'export type Sim = UpbitSimulator | undefined;'));
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(root, 'node_modules', '@types')] },
        files: ['consumer.mts', 'consumer.cts'],
      }),
    );
    expect(readdirSync(consumer)).toContain('consumer.cts');
    expect(run(bin('tsc'), ['-p', consumer])).toBe('');
  }, 240_000); // tsc over the packed declarations took 30 s on the shared machine; run() kills at 240 s
});
