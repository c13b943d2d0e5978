/**
 * Subscription churn: 10,000 subscribe/unsubscribe toggles against the Upbit simulator on loopback,
 * at the `WsConnection` level and through the public API (`MarketDataBackbone.streamTicker`, with no
 * grace period and with the default 2 s). Prints the request frames the server received (Upbit allows
 * 5 per second and 100 per minute per connection), sockets the server closed, the time from the last
 * toggle until the server holds the wanted set, and the heap before the churn, right after it and once
 * the server holds the wanted set (or the wait gave up).
 *
 * BENCH_CHURN_TOGGLES (10000), BENCH_CHURN_MS (time the toggles are spread over, 5000) and
 * BENCH_CHURN_WAIT_MS (how long to wait for the server's set afterwards, 30000) change the run.
 */
import type { Subscription as RxSubscription } from 'rxjs';
import { MarketDataBackbone } from '../src/index.js';
import { createUpbitWs } from '../src/exchanges/upbit/index.js';
import { WsConnection } from '../src/transport/ws/ws-connection.js';
import { nodeWebSocketFactory } from '../src/transport/ws/websocket-factory.js';
import { DEFAULT_MARKETS, startUpbitSimulator, type UpbitSimulator } from '../src/testing/index.js';
import { seededRandom } from '../test/helpers/random.js';
import { collectGarbage, fmt, report } from './stats.js';

const TOGGLES = Number(process.env['BENCH_CHURN_TOGGLES'] ?? 10_000);
const CHURN_MS = Number(process.env['BENCH_CHURN_MS'] ?? 5_000);
const WAIT_MS = Number(process.env['BENCH_CHURN_WAIT_MS'] ?? 30_000);
/** The KRW markets of the simulator the toggles pick from (KRW-BTC stays subscribed throughout). */
const MARKETS = DEFAULT_MARKETS.map((spec) => spec.market).filter((market) => market.startsWith('KRW-') && market !== 'KRW-BTC');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** How one way of subscribing starts and stops a market's ticker stream. */
interface Subscriber {
  subscribe(market: string): RxSubscription;
  close(): Promise<void> | void;
}

/** Ticker codes the simulator's (single) connection holds; `undefined` while no connection is open. */
function serverCodes(sim: UpbitSimulator): Set<string> | undefined {
  const held = [...sim.ws.subscriptions().values()].at(-1);
  return held === undefined ? undefined : new Set(held.filter((sub) => sub.type === 'ticker').map((sub) => sub.code));
}

const sameSet = (a: ReadonlySet<string> | undefined, b: ReadonlySet<string>): boolean =>
  a !== undefined && a.size === b.size && [...a].every((code) => b.has(code));

const heapMb = (): number => {
  collectGarbage();
  return process.memoryUsage().heapUsed / 1_048_576;
};

/** Runs the toggles through `subscriber` and reports what the server saw. */
async function runChurn(title: string, sim: UpbitSimulator, subscriber: Subscriber): Promise<void> {
  const live = new Map<string, RxSubscription>();
  const anchor = subscriber.subscribe('KRW-BTC');
  const wanted = (): Set<string> => new Set(['KRW-BTC', ...live.keys()]);
  const openDeadline = Date.now() + 5_000;
  while (!sameSet(serverCodes(sim), wanted()) && Date.now() < openDeadline) await sleep(5);
  sim.ws.clearLog();
  const heapBefore = heapMb();
  const random = seededRandom(11);
  const batches = Math.max(1, Math.min(TOGGLES, CHURN_MS));
  const started = performance.now();
  for (let done = 0, batch = 0; done < TOGGLES; batch++) {
    const target = Math.round(((batch + 1) * TOGGLES) / batches);
    for (; done < target; done++) {
      const market = MARKETS[Math.floor(random() * MARKETS.length)]!;
      const subscription = live.get(market);
      if (subscription === undefined) {
        live.set(market, subscriber.subscribe(market));
      } else {
        subscription.unsubscribe();
        live.delete(market);
      }
    }
    // Each batch in its own turn of the event loop: every batch is a separate subscription change.
    const due = started + ((batch + 1) * CHURN_MS) / batches;
    await sleep(Math.max(0, due - performance.now()));
  }
  const churnEnded = performance.now();
  const framesInChurn = sim.ws.requests.length;
  const heapAfterChurn = heapMb();
  const target = wanted();
  while (!sameSet(serverCodes(sim), target) && performance.now() - churnEnded < WAIT_MS) await sleep(5);
  const ended = performance.now();
  const converged = sameSet(serverCodes(sim), target);
  const frames = sim.ws.requests.length;
  const sockets = new Set(sim.ws.requests.map((request) => request.connection)).size;
  const heapEnd = heapMb();
  for (const subscription of live.values()) subscription.unsubscribe();
  anchor.unsubscribe();
  await subscriber.close();
  const churnSeconds = (churnEnded - started) / 1000;
  // What one connection may send over the measured span (sockets beyond the first got budgets of their own).
  const span = (ended - started) / 1000;
  const budget = Math.min(5 * Math.ceil(span), 100 * Math.ceil(span / 60));
  report(`${title}: ${TOGGLES} toggles over ${fmt(churnSeconds, 1, 0)} s across ${MARKETS.length} markets`, [
    ['request frames the server received', fmt(frames, 0)],
    [`  one connection's budget over those ${fmt(span, 1, 0)} s (5/s, 100/min)`, fmt(budget, 0)],
    ['  of them after the last toggle', fmt(frames - framesInChurn, 0)],
    ['sockets that sent requests (more than 1: the server closed one)', fmt(sockets, 0)],
    ['last toggle -> server holds the wanted set (ms)', converged ? fmt(ended - churnEnded, 0) : `not within ${WAIT_MS} ms`],
    ['wanted set at the end (markets)', fmt(target.size, 0)],
    ['heap before churn (MB)', fmt(heapBefore, 1)],
    ['heap right after the last toggle (MB)', fmt(heapAfterChurn, 1)],
    ['heap at the end (MB)', fmt(heapEnd, 1)],
  ]);
}

/** The toggles on a bare `WsConnection` with Upbit's adapter. */
async function connectionSubscriber(sim: UpbitSimulator): Promise<Subscriber> {
  const connection = new WsConnection({
    adapter: createUpbitWs({ url: sim.wsUrl }),
    exchange: 'upbit',
    webSocketFactory: await nodeWebSocketFactory(),
  });
  return {
    subscribe: (market) => connection.stream({ channel: 'ticker', market }).subscribe(),
    close: () => connection.close(),
  };
}

/** The toggles through `MarketDataBackbone.streamTicker`. */
function backboneSubscriber(sim: UpbitSimulator, gracePeriodMs: number | undefined): Subscriber {
  const backbone = new MarketDataBackbone({ restUrl: sim.url, exchanges: { upbit: { wsUrl: sim.wsUrl, gracePeriodMs } } });
  return {
    subscribe: (market) => backbone.streamTicker(market).subscribe({ error: () => undefined }),
    close: () => backbone.close(),
  };
}

/** Churn at the connection and through the public API, each on a fresh simulator. */
export async function benchChurn(): Promise<void> {
  const scenarios: [string, (sim: UpbitSimulator) => Promise<Subscriber> | Subscriber][] = [
    ['WsConnection', connectionSubscriber],
    ['streamTicker, gracePeriodMs 0', (sim) => backboneSubscriber(sim, 0)],
    ['streamTicker, default grace period (2 s)', (sim) => backboneSubscriber(sim, undefined)],
  ];
  for (const [title, create] of scenarios) {
    const sim = await startUpbitSimulator();
    try {
      await runChurn(title, sim, await create(sim));
    } finally {
      await sim.close();
    }
  }
}
