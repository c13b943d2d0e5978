/**
 * A ticker stream that survives a WebSocket outage: the simulator drops every socket and refuses new
 * ones for 3 seconds; the stream keeps flowing from REST polling meanwhile, then returns to the
 * WebSocket by itself. Each ticker is printed with the source that served it.
 *
 *   npx tsx examples/survive-outage.ts
 */
import { MarketDataBackbone } from 'market-data-backbone';
import { startUpbitSimulator } from 'market-data-backbone/testing';

const simulator = await startUpbitSimulator();
const backbone = new MarketDataBackbone({
  exchanges: {
    upbit: {
      restUrl: simulator.url,
      wsUrl: simulator.wsUrl,
      pollIntervalMs: 500, // REST polling period while the socket is down
      gracePeriodMs: 0, // this script unsubscribes for good: no need to keep the socket for a comeback
    },
  },
});

const started = Date.now();
const clock = (): string => `+${((Date.now() - started) / 1000).toFixed(1).padStart(4)}s`;

/** Which source served the value just delivered: the counter that moved since the previous value. */
let seen = { ws: 0, rest: 0 };
function sourceOfLatest(): 'WS' | 'REST' {
  const now = backbone.stats.upbit?.streamed ?? seen;
  const source = now.rest > seen.rest ? 'REST' : 'WS';
  seen = now;
  return source;
}

const status = backbone.streamStatus().subscribe((event) => {
  const detail = event.status === 'disconnect' ? ` (${event.reason ?? 'dropped'}; retry in ${event.retryInMs ?? '?'} ms)` : '';
  console.log(`${clock()}  socket ${event.status}${detail}`);
});

const served = { WS: 0, REST: 0 };
const ticker = backbone.streamTicker('KRW-BTC').subscribe({
  next: (t) => {
    const source = sourceOfLatest();
    served[source] += 1;
    const time = new Date(t.timestamp).toISOString().slice(11, 23);
    console.log(`${clock()}  ${source.padEnd(4)}  ${t.market} ${t.last.toFixed()}  ${t.changeRate.times(100).toFixed(2)} %  (exchange time ${time})`);
  },
  error: (error: unknown) => console.error('stream failed:', error),
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

await sleep(3_000);
console.log(`${clock()}  --- outage: the simulator drops every socket and refuses new ones for 3 s ---`);
simulator.ws.dropAll();
simulator.ws.refuseConnections(3_000);
await sleep(8_000);

ticker.unsubscribe();
status.unsubscribe();
console.log(`\nserved ${served.WS} tickers from the WebSocket and ${served.REST} from REST polling, no gap and no error`);
await backbone.close();
await simulator.close();
