/**
 * A rolling 1-minute VWAP of KRW-BTC trades, with plain RxJS operators and exact Big arithmetic,
 * offline against the built-in simulator. The window starts with the last minute of REST history. Prints for about 10 seconds, then closes everything.
 *
 *   npx tsx examples/stream-vwap.ts
 */
import { Big, MarketDataBackbone, type Trade } from 'market-data-backbone';
import { startUpbitSimulator } from 'market-data-backbone/testing';
import { filter, map, scan, takeUntil, timer } from 'rxjs';

const WINDOW_MS = 60_000;

/** The trades of the last minute and their running sums; trades older than the window drop out. */
interface VwapWindow {
  readonly trades: readonly Trade[];
  readonly notional: Big; // sum of price × amount
  readonly volume: Big; // sum of amount
}

function addTrade(window: VwapWindow, trade: Trade): VwapWindow {
  let { notional, volume } = window;
  const cutoff = trade.timestamp - WINDOW_MS;
  const kept = window.trades.filter((old) => {
    if (old.timestamp > cutoff) return true;
    notional = notional.minus(old.price.times(old.amount));
    volume = volume.minus(old.amount);
    return false;
  });
  return {
    trades: [...kept, trade],
    notional: notional.plus(trade.price.times(trade.amount)),
    volume: volume.plus(trade.amount),
  };
}

const simulator = await startUpbitSimulator();
const backbone = new MarketDataBackbone({
  // No grace period: this script unsubscribes for good, so the socket may close at once.
  exchanges: { upbit: { restUrl: simulator.url, wsUrl: simulator.wsUrl, gracePeriodMs: 0 } },
});

// Seed the window with the last minute of REST history, so the VWAP is meaningful from the first line.
const history = await backbone.getTrades('KRW-BTC', { count: 200 });
const newest = history[history.length - 1]?.timestamp ?? 0;
const seed = history
  .filter((trade) => trade.timestamp > newest - WINDOW_MS)
  .reduce(addTrade, { trades: [], notional: new Big(0), volume: new Big(0) });
const seeded = new Set(seed.trades.map((trade) => trade.id));

await new Promise<void>((resolve, reject) => {
  backbone
    .streamTrades('KRW-BTC')
    .pipe(
      filter((trade) => !seeded.has(trade.id)), // the stream's first trade may already be in the history
      scan(addTrade, seed),
      map((window) => {
        const last = window.trades[window.trades.length - 1]!;
        const vwap = window.volume.gt(0) ? window.notional.div(window.volume) : last.price;
        return { last, vwap, count: window.trades.length, volume: window.volume };
      }),
      takeUntil(timer(10_000)),
    )
    .subscribe({
      next: ({ last, vwap, count, volume }) => {
        const time = new Date(last.timestamp).toISOString().slice(11, 23);
        console.log(
          `${time}  ${last.side.padEnd(4)} ${last.amount.toFixed().padStart(12)} @ ${last.price.toFixed()}` +
            `   vwap(1m) ${vwap.toFixed(0)}  over ${count} trades, ${volume.toFixed(8)} BTC`,
        );
      },
      error: reject,
      complete: resolve,
    });
});

await backbone.close();
await simulator.close();
