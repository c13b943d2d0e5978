/**
 * `mdb record`: records an exchange's streams into a folder of gzip files (see `docs/record-replay.md`).
 *
 *   mdb record --exchange upbit --symbols KRW-BTC,KRW-ETH --channels ticker,trades,orderbook --out rec/
 *   mdb record ... --live            the real exchange (default: its embedded simulator, --simulate)
 *   mdb record ... --duration 60     stop after 60 s (default: until Ctrl-C, which flushes the files)
 */
import { parseArgs } from 'node:util';
import { startRecording, type RecordChannel } from '../replay/index.js';
import { DEFAULT_EXCHANGE } from '../exchanges/registry.js';
import { openDataSource, toExchangeId } from './data-source.js';
import type { ProgressSink } from './candles.js';

const CHANNELS: readonly RecordChannel[] = ['ticker', 'trades', 'orderbook'];

/** Where `mdb record` and `mdb replay` write (what `runMdb` hands them). */
export interface CommandOutput {
  readonly stdout: ProgressSink;
  readonly stderr: ProgressSink;
}

/** The flags of `mdb record`, checked: a `RangeError` names the first bad one. */
function readFlags(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      exchange: { type: 'string', default: DEFAULT_EXCHANGE },
      symbols: { type: 'string' },
      channels: { type: 'string', default: CHANNELS.join(',') },
      out: { type: 'string' },
      live: { type: 'boolean', default: false },
      simulate: { type: 'boolean', default: false },
      duration: { type: 'string' },
    },
  });
  if (positionals.length > 0) throw new RangeError(`mdb record takes no positional arguments, not ${positionals.join(' ')}`);
  const exchange = toExchangeId(values.exchange);
  const symbols = (values.symbols ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (symbols.length === 0) throw new RangeError('mdb record needs --symbols, e.g. --symbols KRW-BTC,KRW-ETH');
  const channels = values.channels.split(',').map((c) => c.trim());
  const unknown = channels.filter((c) => !(CHANNELS as readonly string[]).includes(c));
  if (unknown.length > 0 || channels.length === 0) throw new RangeError(`unknown channel ${unknown.join(',')} (${CHANNELS.join(', ')})`);
  if (values.out === undefined || values.out === '') throw new RangeError('mdb record needs --out DIR, the folder of the recording');
  if (values.live && values.simulate) throw new RangeError('--live and --simulate exclude each other');
  const duration = values.duration === undefined ? undefined : Number(values.duration);
  if (duration !== undefined && !(duration > 0 && Number.isFinite(duration))) throw new RangeError(`--duration takes a positive number of seconds, not ${values.duration}`);
  return { exchange, symbols, channels: channels as RecordChannel[], out: values.out, live: values.live, durationMs: duration === undefined ? undefined : duration * 1000 };
}

/**
 * Runs `mdb record` with the arguments after `record`: records until `--duration` passes or SIGINT,
 * then flushes the files and prints what was written.
 *
 * @example
 * ```ts
 * await runRecord(['--symbols', 'KRW-BTC', '--out', 'rec/', '--duration', '5'], process);
 * ```
 */
export async function runRecord(argv: readonly string[], output: CommandOutput): Promise<void> {
  const flags = readFlags(argv);
  const source = await openDataSource(flags.exchange, { live: flags.live });
  try {
    const session = await startRecording({
      dir: flags.out,
      exchange: flags.exchange,
      channels: flags.channels,
      symbols: flags.symbols,
      backbone: { exchanges: { [flags.exchange]: { restUrl: source.restUrl, wsUrl: source.wsUrl } } },
    });
    session.recorder.errors$.subscribe((error) => output.stderr.write(`mdb record: ${error.message}\n`));
    output.stderr.write(`recording ${flags.channels.join(',')} of ${flags.symbols.join(',')} from ${source.origin} into ${flags.out} (Ctrl-C stops)\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        clearTimeout(timer);
        resolve();
      };
      const timer = flags.durationMs === undefined ? undefined : setTimeout(stop, flags.durationMs);
      process.once('SIGINT', stop);
    });
    await session.stop();
    const { frames, replies, lines, dropped, files } = session.recorder.stats;
    output.stdout.write(`recorded ${frames} frames and ${replies} REST replies (${lines} lines, ${dropped} dropped) in ${files.length} file(s) under ${flags.out}\n`);
  } finally {
    await source.close();
  }
}
