/**
 * The library in a real browser: `page-entry.ts` is bundled for the browser (every dependency inside,
 * no Node built-in), served from one origin and run in headless Chromium against the Upbit simulator
 * on another, so every request is cross-origin and carries `Origin`. The simulator allows one `Origin`
 * request per 500 ms, so a page that did not detect the browser and pace itself would get a 429. Its
 * market stands still (manual clock) while its limits run on wall time, so what the page saw must
 * equal, digit for digit, what Node then reads from the same simulator.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { builtinModules } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketDataBackbone } from '../../src/index.js';
import { ManualClock, startUpbitSimulator, type UpbitSimulator } from '../../src/testing/index.js';
import { createGateway } from '../../src/gateway/index.js';
import { closedPort } from '../cli/run-cli.js';
import { T0 } from '../testing/helpers.js';
import type { ScenarioConfig, ScenarioSummary } from './page-entry.js';

/** Debian's chromium; `.ci/run` installs it when missing (browser downloads cannot work here). */
const CHROMIUM = '/usr/bin/chromium';
/**
 * Headless, and quiet: without the background-networking flags Chromium keeps dialling hosts that this
 * closed network refuses. Root (as CI runs) needs `--no-sandbox`.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ORIGIN_WINDOW_MS = 500;
/**
 * The page paces itself with the simulator's own window: the limiter keeps each request's unit spent
 * until its reply is in, then one window more, so however late Chromium lets a request leave after its
 * permit (some 30 ms were seen), two arrivals are never less than a window apart.
 */
const PAGE_WINDOW_MS = ORIGIN_WINDOW_MS;
const TIMEOUT_MS = 60_000;
const PAGE = '<!doctype html><html><head><meta charset="utf-8"><script src="/page.js"></script></head><body></body></html>';

/** The part of an esbuild metafile read here: each input and what it imports. */
interface Metafile {
  readonly inputs: Readonly<Record<string, { readonly imports: ReadonlyArray<{ readonly path: string; readonly external?: boolean }> }>>;
}

/** Bundles the page for the browser into `dir`; returns the script and esbuild's metafile. */
async function bundlePage(dir: string): Promise<{ script: string; metafile: Metafile }> {
  await build({
    entry: { page: 'test/browser/page-entry.ts' },
    outDir: dir,
    platform: 'browser',
    format: ['iife'],
    target: 'es2022',
    noExternal: [/.*/],
    outExtension: () => ({ js: '.js' }),
    metafile: true,
    config: false,
    dts: false,
    sourcemap: false,
    splitting: false,
    silent: true,
  });
  const script = await readFile(join(dir, 'page.js'), 'utf8');
  const metafile = JSON.parse(await readFile(join(dir, 'metafile-iife.json'), 'utf8')) as Metafile;
  return { script, metafile };
}

/** Serves the page and its script on 127.0.0.1 (another port, hence another origin, than the simulator). */
async function servePage(script: string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const [type, body] = request.url === '/page.js' ? ['text/javascript', script] : ['text/html', PAGE];
    response.writeHead(200, { 'content-type': `${type};charset=utf-8`, 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

function closeServer(server: Server | undefined): Promise<void> {
  if (server === undefined) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const isNodeOnly = (path: string): boolean => path.startsWith('node:') || builtinModules.includes(path);

describe('in headless Chromium', () => {
  let dir: string | undefined;
  let sim: UpbitSimulator | undefined;
  let pageServer: Server | undefined;
  let pageUrl = '';
  let metafile: Metafile;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mdb-browser-'));
    const bundle = await bundlePage(dir);
    metafile = bundle.metafile;
    ({ server: pageServer, url: pageUrl } = await servePage(bundle.script));
    sim = await startUpbitSimulator({
      clock: new ManualClock(T0),
      limitClock: { now: () => Date.now() },
      rateLimits: { originWindowMs: ORIGIN_WINDOW_MS },
      ws: { limits: { originWindowMs: ORIGIN_WINDOW_MS } },
    });
  }, TIMEOUT_MS);

  afterAll(async () => {
    await sim?.close();
    await closeServer(pageServer);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }, TIMEOUT_MS);

  it('should bundle with no Node built-in and without the ws package', () => {
    const inputs = Object.entries(metafile.inputs);
    expect(inputs.some(([path]) => path.startsWith('src/'))).toBe(true);
    const external = inputs.flatMap(([, input]) => input.imports.filter((i) => i.external === true).map((i) => i.path));
    expect(external).toEqual([]);
    const nodeOnly = inputs.flatMap(([path, input]) => [path, ...input.imports.map((i) => i.path)]).filter(isNodeOnly);
    expect(nodeOnly).toEqual([]);
    // The package's `browser` field turns `ws` into an empty module; none of its code may ship.
    expect(inputs.filter(([path]) => path.startsWith('node_modules/ws/'))).toEqual([]);
  });

  it(
    'should fetch and stream from the simulator, pacing its Origin requests by itself',
    async () => {
      if (!existsSync(CHROMIUM)) {
        throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does`);
      }
      if (sim === undefined) throw new Error('the simulator did not start');
      const simulator = sim;
      const config: ScenarioConfig = { restUrl: simulator.url, wsUrl: simulator.wsUrl, originWindowMs: PAGE_WINDOW_MS };
      const pageErrors: string[] = [];
      let browser: Browser | undefined;
      let summary: ScenarioSummary;
      try {
        browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: TIMEOUT_MS });
        const page = await browser.newPage();
        page.on('pageerror', (error) => pageErrors.push(error.message));
        page.on('console', (message) => {
          if (message.type() === 'error') pageErrors.push(message.text());
        });
        await page.goto(pageUrl);
        summary = await page.evaluate((scenario) => window.runScenario(scenario), config);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`The page failed: ${message} (page errors: ${pageErrors.join(' | ') || 'none'})`, { cause: error });
      } finally {
        await browser?.close();
      }
      const pageRequests = [...simulator.requests];

      expect(summary.sendsOrigin).toBe(true);
      expect(pageErrors).toEqual([]);
      // Every request reached the simulator and none was refused: the page kept to 1 per window.
      expect(pageRequests.filter((r) => r.status !== 200 && r.method !== 'OPTIONS')).toEqual([]);
      const gets = pageRequests.filter((r) => r.method === 'GET');
      expect(gets.map((r) => r.path)).toEqual(expect.arrayContaining(['/v1/market/all', '/v1/ticker', '/v1/orderbook']));
      for (let i = 1; i < gets.length; i++) {
        // Unpaced, these would arrive within a few ms of each other and the second would get a 429.
        expect((gets[i]?.receivedAt ?? 0) - (gets[i - 1]?.receivedAt ?? 0)).toBeGreaterThanOrEqual(ORIGIN_WINDOW_MS);
      }
      expect(summary.replies).toEqual({ 200: gets.length });
      // The streamed ticker came over the socket, after one accepted subscription.
      expect(summary.streamed.ws).toBeGreaterThanOrEqual(1);
      const frames = simulator.ws.requests;
      expect(frames.filter((f) => f.error === undefined && f.text.includes('"ticker"') && f.text.includes('KRW-ETH'))).toHaveLength(1);
      expect(frames.filter((f) => f.error !== undefined)).toEqual([]);

      // The same simulator, same instant of its market, read from Node (no Origin).
      const node = new MarketDataBackbone({ exchanges: { upbit: { restUrl: simulator.url } } });
      try {
        const markets = await node.getMarkets();
        const [btc, eth] = await node.getTickers(['KRW-BTC', 'KRW-ETH']);
        const book = await node.getOrderBook('KRW-BTC', { depth: 5 });
        expect(summary.markets).toEqual(markets.map((m) => m.market));
        expect(summary.markets).toEqual(expect.arrayContaining(['KRW-BTC', 'KRW-ETH']));
        expect(summary.restTicker).toEqual({ market: 'KRW-BTC', last: btc?.last.toFixed() });
        expect(summary.restTicker.last).toMatch(/^\d+(\.\d+)?$/);
        expect(summary.streamedTicker).toEqual({ market: 'KRW-ETH', last: eth?.last.toFixed() });
        expect(summary.book).toEqual({ market: 'KRW-BTC', bids: 5, asks: 5, bestBid: book.bids[0]?.price.toFixed() });
      } finally {
        await node.close();
      }
    },
    TIMEOUT_MS,
  );
  it(
    'should read through gateways, moving past one that refuses connections',
    async () => {
      if (sim === undefined) throw new Error('the simulator did not start');
      const served = new MarketDataBackbone({ exchanges: { upbit: { restUrl: sim.url, wsUrl: sim.wsUrl } } });
      const gateway = createGateway(served);
      const server = createServer();
      gateway.attach(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const live = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const dead = `ws://127.0.0.1:${await closedPort()}`;
      let browser: Browser | undefined;
      const pageErrors: string[] = [];
      try {
        browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: TIMEOUT_MS });
        const page = await browser.newPage();
        page.on('pageerror', (error) => pageErrors.push(error.message));
        await page.goto(pageUrl);
        const summary = await page.evaluate((urls) => window.runGatewayScenario(urls), [dead, live]);
        const [btc, eth] = await served.getTickers(['KRW-BTC', 'KRW-ETH']);
        const book = await served.getOrderBook('KRW-BTC', { depth: 5 });
        expect(summary).toEqual({
          ticker: { market: 'KRW-BTC', last: btc?.last.toFixed(), exact: true },
          bestBid: book.bids[0]?.price.toFixed(),
          streamedTicker: { market: 'KRW-ETH', last: eth?.last.toFixed() },
        });
        expect(pageErrors).toEqual([]);
      } finally {
        await browser?.close();
        await gateway.close();
        await served.close();
        await closeServer(server);
      }
    },
    TIMEOUT_MS,
  );
});
