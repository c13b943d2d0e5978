/**
 * The page half of the browser test: `browser.test.ts` bundles this file for the browser and runs it
 * in headless Chromium, where it uses the library the way a web app would. It passes no runtime hints
 * (no `sendsOrigin`, no fetch or socket factory): the library must find out by itself that it runs in
 * a page, so that its requests carry `Origin` and follow Upbit's `Origin` pacing.
 */
import { firstValueFrom } from 'rxjs';
import { Big, MarketDataBackbone } from '../../src/index.js';
import { sendsOriginByDefault } from '../../src/transport/environment.js';

/** Where the simulator listens, and the `Origin` window it was started with. */
export interface ScenarioConfig {
  readonly restUrl: string;
  readonly wsUrl: string;
  readonly originWindowMs: number;
}

/** What the page saw, as plain JSON (decimals as their exact `toFixed()` text). */
export interface ScenarioSummary {
  readonly sendsOrigin: boolean;
  readonly markets: readonly string[];
  readonly restTicker: { readonly market: string; readonly last: string };
  readonly book: { readonly market: string; readonly bids: number; readonly asks: number; readonly bestBid: string };
  readonly streamedTicker: { readonly market: string; readonly last: string };
  /** HTTP replies by status, as the client counted them. */
  readonly replies: Readonly<Record<number, number>>;
  /** Stream values by source: `ws` proves the socket delivered, `rest` would be the polling fallback. */
  readonly streamed: { readonly ws: number; readonly rest: number };
}

/** The scenario the test evaluates in the page. */
export type RunScenario = (config: ScenarioConfig) => Promise<ScenarioSummary>;

/**
 * REST calls, then the first streamed ticker, through one backbone that is always closed.
 *
 * @example
 * ```ts
 * const summary = await window.runScenario({ restUrl, wsUrl, originWindowMs: 500 });
 * ```
 */
async function runScenario({ restUrl, wsUrl, originWindowMs }: ScenarioConfig): Promise<ScenarioSummary> {
  // Only the `origin` budget is limited, as the simulator counts every Origin request there.
  const rateLimits = [{ group: 'origin', limit: 1, windowMs: originWindowMs }];
  const backbone = new MarketDataBackbone({ exchanges: { upbit: { restUrl, wsUrl, rateLimits } } });
  try {
    const markets = await backbone.getMarkets();
    const ticker = await backbone.getTicker('KRW-BTC');
    const book = await backbone.getOrderBook('KRW-BTC', { depth: 5 });
    const streamed = await firstValueFrom(backbone.streamTicker('KRW-ETH'));
    const stats = backbone.exchange('upbit').stats;
    return {
      sendsOrigin: sendsOriginByDefault(),
      markets: markets.map((market) => market.market),
      restTicker: { market: ticker.market, last: ticker.last.toFixed() },
      book: { market: book.market, bids: book.bids.length, asks: book.asks.length, bestBid: book.bids[0]?.price.toFixed() ?? '' },
      streamedTicker: { market: streamed.market, last: streamed.last.toFixed() },
      replies: stats.replies,
      streamed: stats.streamed,
    };
  } finally {
    await backbone.close();
  }
}

/** What the page read through gateways (`gateway: [...]`), decimals as their exact text. */
export interface GatewaySummary {
  readonly ticker: { readonly market: string; readonly last: string; readonly exact: boolean };
  readonly bestBid: string;
  readonly streamedTicker: { readonly market: string; readonly last: string };
}

/**
 * The same API through gateways: the first URL refuses connections, so both the HTTP calls and the
 * socket have to move to the second.
 *
 * @example
 * ```ts
 * const summary = await window.runGatewayScenario(['ws://127.0.0.1:1', gatewayWsUrl]);
 * ```
 */
async function runGatewayScenario(gateways: readonly string[]): Promise<GatewaySummary> {
  const backbone = new MarketDataBackbone({ gateway: gateways });
  try {
    const ticker = await backbone.getTicker('KRW-BTC');
    const book = await backbone.getOrderBook('KRW-BTC', { depth: 5 });
    const streamed = await firstValueFrom(backbone.streamTicker('KRW-ETH'));
    return {
      ticker: { market: ticker.market, last: ticker.last.toFixed(), exact: ticker.last instanceof Big },
      bestBid: book.bids[0]?.price.toFixed() ?? '',
      streamedTicker: { market: streamed.market, last: streamed.last.toFixed() },
    };
  } finally {
    await backbone.close();
  }
}

declare global {
  interface Window {
    runScenario: RunScenario;
    runGatewayScenario: typeof runGatewayScenario;
  }
}

window.runScenario = runScenario;
window.runGatewayScenario = runGatewayScenario;
