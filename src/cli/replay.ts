/**
 * `mdb replay`: replays a recording through the whole library and prints the markets as `npm start`
 * does, at a multiple of the recorded pace (see `docs/record-replay.md`).
 *
 *   mdb replay rec/ --speed 100          100 times the recorded pace ('max': no waiting)
 *   mdb replay rec/ --skip-corrupt       go on with the next file after a corrupt or truncated one
 *   mdb replay rec/ --interval 5000      a table every 5 s of recorded time (default 1000)
 */
import { parseArgs } from 'node:util';
import { Subscription } from 'rxjs';
import { MarketDataBackbone } from '../backbone/backbone.js';
import type { StatusEvent } from '../model/market-event.js';
import { openRecording, type Recording } from '../replay/index.js';
import type { ReplaySpeed } from '../backbone/transport-tap.js';
import { toExchangeId } from './data-source.js';
import { LIVE_HEADER, liveRow, renderTable, TRADE_HEADER, tradeRow, type LiveMarketView, type LiveSource, type LiveTrade } from './format.js';
import type { CommandOutput } from './record.js';

const RECENT_TRADES = 8;

function readFlags(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      speed: { type: 'string', default: '1' },
      interval: { type: 'string', default: '1000' },
      exchange: { type: 'string' },
      symbols: { type: 'string' },
      'skip-corrupt': { type: 'boolean', default: false },
    },
  });
  const [from, ...rest] = positionals;
  if (from === undefined) throw new RangeError('mdb replay needs the folder of a recording: mdb replay rec/ --speed 100');
  if (rest.length > 0) throw new RangeError(`mdb replay takes one folder, not ${positionals.join(' ')}`);
  const speed: ReplaySpeed = values.speed === 'max' ? 'max' : Number(values.speed);
  if (speed !== 'max' && !(speed > 0 && Number.isFinite(speed))) throw new RangeError(`--speed takes a positive number or max, not ${values.speed}`);
  const intervalMs = Number(values.interval);
  if (!(intervalMs > 0 && Number.isFinite(intervalMs))) throw new RangeError(`--interval takes a positive number of ms, not ${values.interval}`);
  const exchange = values.exchange === undefined ? undefined : toExchangeId(values.exchange);
  const symbols = values.symbols?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return { from, speed, intervalMs, exchange, symbols, skipCorrupt: values['skip-corrupt'] };
}

/** The exchange and markets to show: the flags', else what the recorder wrote in the recording. */
function subjectOf(recording: Recording, flags: ReturnType<typeof readFlags>): { exchange: ReturnType<typeof toExchangeId>; symbols: string[] } {
  const { meta } = recording;
  const exchange = flags.exchange ?? (typeof meta['exchange'] === 'string' ? toExchangeId(meta['exchange']) : undefined);
  const recorded = Array.isArray(meta['symbols']) ? meta['symbols'].filter((s): s is string => typeof s === 'string') : [];
  const symbols = flags.symbols ?? recorded;
  if (exchange === undefined || symbols.length === 0) throw new RangeError('the recording does not say what it holds: pass --exchange and --symbols');
  return { exchange, symbols };
}

/**
 * Runs `mdb replay` with the arguments after `replay`; resolves when the recording has been replayed.
 *
 * @example
 * ```ts
 * await runReplay(['rec/', '--speed', 'max'], process);
 * ```
 */
export async function runReplay(argv: readonly string[], output: CommandOutput): Promise<void> {
  const flags = readFlags(argv);
  const recording = await openRecording(flags.from, { skipCorrupt: flags.skipCorrupt });
  const { exchange, symbols } = subjectOf(recording, flags);
  const backbone = new MarketDataBackbone({ defaultExchange: exchange, replay: { from: recording, speed: flags.speed } });
  const views = new Map<string, LiveMarketView>(symbols.map((market) => [market, { market, trades: 0, sources: {} }]));
  const recent: LiveTrade[] = [];
  let socket: StatusEvent['status'] = 'connecting';
  const sourceNow = (): LiveSource => (socket === 'connected' || socket === 'reconnect' ? 'WS' : 'REST');
  const update = (market: string, change: (view: LiveMarketView) => LiveMarketView): void => {
    const view = views.get(market);
    if (view !== undefined) views.set(market, change(view));
  };
  let printAt = recording.now() + flags.intervalMs;
  const print = (): void => {
    const at = new Date(recording.now()).toISOString().replace('T', ' ').slice(0, 23);
    output.stdout.write(`${exchange} replay @ ${at} UTC\n${renderTable(LIVE_HEADER, [...views.values()].map(liveRow))}\n\n${renderTable(TRADE_HEADER, recent.map(tradeRow))}\n\n`);
  };
  const tick = (): void => {
    if (recording.now() < printAt) return;
    print();
    printAt = recording.now() + flags.intervalMs;
  };
  recording.errors$.subscribe((error) => output.stderr.write(`mdb replay: skipped ${error.message}\n`));
  const subscriptions = new Subscription();
  subscriptions.add(backbone.streamStatus().subscribe((event) => (socket = event.status)));
  for (const market of symbols) {
    subscriptions.add(backbone.streamTicker(market).subscribe((ticker) => {
      update(market, (v) => ({ ...v, ticker, sources: { ...v.sources, ticker: sourceNow() } }));
      tick();
    }));
    subscriptions.add(backbone.streamOrderBook(market, { depth: 5 }).subscribe((book) => {
      update(market, (v) => ({ ...v, book, sources: { ...v.sources, book: sourceNow() } }));
      tick();
    }));
    subscriptions.add(backbone.streamTrades(market).subscribe((trade) => {
      update(market, (v) => ({ ...v, lastTrade: trade, trades: v.trades + 1, sources: { ...v.sources, trade: sourceNow() } }));
      recent.unshift({ trade, source: sourceNow() });
      recent.length = Math.min(recent.length, RECENT_TRADES);
      tick();
    }));
  }
  try {
    const summary = await recording.done;
    print();
    output.stderr.write(`replayed ${summary.records} records (${summary.frames} frames, ${summary.replies} REST replies; ${summary.unmatched} unmatched) of ${((summary.to - summary.from) / 1000).toFixed(1)} s in ${(summary.wallMs / 1000).toFixed(1)} s\n`);
  } finally {
    subscriptions.unsubscribe();
    await backbone.close();
  }
}
