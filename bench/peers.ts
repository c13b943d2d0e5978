/**
 * `npm run bench -- peers`: the library against ccxt (`pro.upbit`, a devDependency) on the same compact
 * Upbit frames, replayed by a local server, in alternating rounds. The library side uses the public API
 * (`MarketDataBackbone.streamTicker`/`streamTrades`), so it measures what users get; ccxt runs
 * `watchTicker`/`watchTrades` in a loop, as its documentation shows.
 *
 * Nothing leaves the machine: ccxt's REST and WebSocket URLs point at 127.0.0.1 (its `loadMarkets` reads
 * `/v1/market/all` from the project's Upbit simulator, the frames come from the replay server), and a
 * guard on ccxt's `fetch` refuses any other address; the report shows the simulator's request log.
 *
 * Frames processed per second is counted from the first value each client delivers to the value of the
 * last frame of the burst: ccxt hands its caller only the latest ticker (and trades in a bounded cache),
 * but it parses every frame, so its rate is frames parsed per second, like the library's.
 */
import { readFileSync } from 'node:fs';
import type { Observable } from 'rxjs';
import ccxt from 'ccxt';
import { MarketDataBackbone } from '../src/index.js';
import { startUpbitSimulator, type UpbitSimulator } from '../src/testing/index.js';
import { replaceOnce, TICKER_FRAME, TRADE_FRAME, TRADE_ID } from './frames.js';
import { fmt, meterValues, quantile, RateMeter, ratioRange, report } from './stats.js';
import { startPushProcess } from './push-server.js';
import { startPushServer } from './ws.js';

type Kind = 'ticker' | 'trade';

/** What this bench reads of ccxt's values and the raw messages it parses (ccxt's own types are loose). */
interface CcxtTicker {
  readonly baseVolume?: number;
}
interface CcxtTrade {
  readonly id?: string;
}
interface UpbitMessage {
  readonly trade_timestamp?: number;
  readonly sequential_id?: number;
}
type CcxtHandler = (client: unknown, message: UpbitMessage) => void;
interface CcxtUpbit {
  fetch(url: string, ...rest: unknown[]): Promise<unknown>;
  loadMarkets(): Promise<unknown>;
  /** Needed before ccxt opens a plain `ws://` URL in Node (it asks for an http.Agent). */
  loadHttpProxyAgent(): Promise<unknown>;
  watchTicker(symbol: string): Promise<CcxtTicker>;
  watchTrades(symbol: string): Promise<CcxtTrade[]>;
  handleTicker: CcxtHandler;
  handleTrades: CcxtHandler;
  close(): Promise<void>;
}

const FIRST_TRADE_TIME = 1676965262139;

/** The installed ccxt package's version (`ccxt.version` can lag the package by a release). */
const CCXT_VERSION = (JSON.parse(readFileSync(new URL('../node_modules/ccxt/package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The position in the burst of a frame ccxt parsed, from the field `makeFrames` varies. */
function tickerIndex(message: UpbitMessage): number {
  return (message.trade_timestamp ?? Number.NaN) - FIRST_TRADE_TIME;
}
function tradeIndex(message: UpbitMessage): number {
  // Ids of the burst step by 10,000 from an even id below 2^54, so JSON.parse reads each exactly.
  return Math.round(((message.sequential_id ?? Number.NaN) - Number(TRADE_ID)) / 10_000);
}

/** A ccxt `pro.upbit` whose every URL is local, ready for a `ws://` URL; any request elsewhere throws. */
async function createCcxt(restUrl: string, wsUrl: string): Promise<CcxtUpbit> {
  const exchange = new ccxt.pro.upbit({
    urls: { api: { public: restUrl, private: restUrl, ws: wsUrl } },
    enableRateLimit: false,
  }) as unknown as CcxtUpbit;
  const fetch = exchange.fetch.bind(exchange);
  exchange.fetch = (url: string, ...rest: unknown[]) => {
    if (!url.startsWith(restUrl)) throw new Error(`peers bench: ccxt tried to reach ${url}`);
    return fetch(url, ...rest);
  };
  await exchange.loadHttpProxyAgent();
  return exchange;
}

/**
 * ccxt: a `watchTicker`/`watchTrades` loop, as a user writes it, until ccxt has handled the last frame;
 * frames per second from the first handled frame on. ccxt parses every frame but hands a caller only
 * what arrived since its last call, so its handler (`handleTicker`/`handleTrades`) is wrapped to see
 * each frame as it is processed.
 */
async function runCcxt(restUrl: string, wsUrl: string, kind: Kind, count: number): Promise<RateMeter> {
  const exchange = await createCcxt(restUrl, wsUrl);
  await exchange.loadMarkets();
  let first = -1;
  const meter = new RateMeter();
  const done = new Promise<void>((resolve) => {
    const method = kind === 'ticker' ? 'handleTicker' : 'handleTrades';
    const handle = exchange[method].bind(exchange);
    exchange[method] = (client, message) => {
      handle(client, message);
      const index = kind === 'ticker' ? tickerIndex(message) : tradeIndex(message);
      if (first < 0) {
        first = index;
        meter.start();
      }
      if (index === count - 1) {
        meter.stop(index - first);
        resolve();
      }
    };
  });
  let watching = true;
  const watch = async (): Promise<void> => {
    while (watching) await (kind === 'ticker' ? exchange.watchTicker('BTC/KRW') : exchange.watchTrades('BTC/KRW'));
  };
  const loop = watch().catch(() => undefined); // close() rejects the pending watch
  await done;
  watching = false;
  await exchange.close();
  await loop;
  return meter;
}

/** The library through its public API: streamTicker or streamTrades until `count` values. */
async function runLibrary(restUrl: string, wsUrl: string, kind: Kind, count: number): Promise<RateMeter> {
  const backbone = new MarketDataBackbone({ restUrl, exchanges: { upbit: { wsUrl } } });
  const meter = await meterValues(kind === 'ticker' ? backbone.streamTicker('KRW-BTC') : backbone.streamTrades('KRW-BTC'), count);
  await backbone.close();
  return meter;
}

/** One ticker with a 27-digit 24 h volume and one trade with an odd id beyond 2^53, as each client delivers them. */
async function exactValues(simulator: UpbitSimulator): Promise<readonly (readonly [string, string])[]> {
  const volume = '7158.80283560123456789012345'; // 27 significant digits
  const id = '17877285547970001'; // 2^53 + 8,870,031,807,228,009: odd, so no double holds it
  const ticker = replaceOnce(TICKER_FRAME, '"acc_trade_volume_24h":7158.80283560', `"acc_trade_volume_24h":${volume}`);
  const trade = replaceOnce(TRADE_FRAME, `"sequential_id":${TRADE_ID}`, `"sequential_id":${id}`);
  const rows: [string, string][] = [];
  for (const [kind, text] of [['ticker', ticker], ['trade', trade]] as const) {
    const push = await startPushServer([Buffer.from(text)]);
    const exchange = await createCcxt(simulator.url, push.url);
    const backbone = new MarketDataBackbone({ restUrl: simulator.url, exchanges: { upbit: { wsUrl: push.url } } });
    if (kind === 'ticker') {
      const [theirs, ours] = await Promise.all([exchange.watchTicker('BTC/KRW'), firstValue(backbone.streamTicker('KRW-BTC'))]);
      rows.push([`24 h volume sent: ${volume}`, ''], ['  library ticker.baseVolume24h', ours.baseVolume24h.toFixed()], ['  ccxt ticker.baseVolume', String(theirs.baseVolume)]);
    } else {
      const [theirs, ours] = await Promise.all([exchange.watchTrades('BTC/KRW'), firstValue(backbone.streamTrades('KRW-BTC'))]);
      rows.push([`trade id sent: ${id}`, ''], ['  library trade.id', ours.id], ['  ccxt trade.id', String(theirs[0]?.id)]);
    }
    await exchange.close();
    await backbone.close();
    await push.close();
  }
  return rows;
}

function firstValue<T>(stream$: Observable<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const subscription = stream$.subscribe({
      next: (value) => {
        subscription.unsubscribe();
        resolve(value);
      },
      error: reject,
    });
  });
}

/** Frames per second of the library and of ccxt on the same frames, and the values each delivers. */
export async function benchPeers(): Promise<void> {
  const count = Number(process.env['BENCH_FRAMES'] ?? 20_000);
  const rounds = Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 5));
  const simulator = await startUpbitSimulator({ rateLimits: { perSecond: 1000 } });
  try {
    for (const kind of ['ticker', 'trade'] as const) {
      // The push process builds its own frames: only their size is wanted here.
      const frameBytes = Buffer.byteLength(kind === 'ticker' ? TICKER_FRAME : TRADE_FRAME);
      const push = await startPushProcess(kind, count);
      await runCcxt(simulator.url, push.url, kind, count); // warm-up
      await runLibrary(simulator.url, push.url, kind, count);
      const theirs: number[] = [];
      const ours: number[] = [];
      const ratios: number[] = [];
      const cpuRatios: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const c = await runCcxt(simulator.url, push.url, kind, count);
        const l = await runLibrary(simulator.url, push.url, kind, count);
        theirs.push(c.wallRate);
        ours.push(l.wallRate);
        ratios.push(l.wallRate / c.wallRate);
        cpuRatios.push(l.cpuRate / c.cpuRate);
      }
      await push.close();
      report(`peers ${kind}: ${count} compact binary frames (${frameBytes} B) in one burst, ${rounds} alternating rounds`, [
        [`ccxt ${CCXT_VERSION} pro.upbit watch${kind === 'ticker' ? 'Ticker' : 'Trades'} (frames/s, median)`, fmt(quantile(theirs, 0.5), 0)],
        [`library stream${kind === 'ticker' ? 'Ticker' : 'Trades'} (frames/s, median)`, fmt(quantile(ours, 0.5), 0)],
        ['ratio library / ccxt, wall time (target >= 3)', ratioRange(ratios)],
        ['ratio library / ccxt, CPU time of the process', ratioRange(cpuRatios)],
      ]);
    }
    report('values delivered (exact text sent; what each client hands its caller)', await exactValues(simulator));
    const paths = [...new Set(simulator.requests.map((request) => request.path))];
    report('REST requests, all to the local simulator', [[`${simulator.url}`, `${simulator.requests.length} requests: ${paths.join(', ')}`]]);
  } finally {
    await simulator.close();
  }
}
