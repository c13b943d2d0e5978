/**
 * What every command line program shares: `--exchange` read and checked once, and where the data comes
 * from: an embedded simulator of that exchange (the default, offline), the real exchange (`--live`), or
 * a server at a URL you give (`--rest-url`, `--ws-url`: your own simulator, a proxy).
 */
import { isRetryableError } from '../errors/index.js';
import { exchangeAdapters, isExchangeId, type ExchangeId } from '../exchanges/registry.js';
import { startBinanceSimulator, startCoinoneSimulator, startUpbitSimulator } from '../testing/index.js';

/** The exchanges `--exchange` accepts, in the order the usage text lists them. */
export const EXCHANGE_IDS = Object.keys(exchangeAdapters) as ExchangeId[];

/** A market each exchange lists, for commands run without a symbol. */
export const DEFAULT_SYMBOL: Readonly<Record<ExchangeId, string>> = { upbit: 'KRW-BTC', coinone: 'KRW-BTC', binance: 'BTCUSDT' };

/** A server a program reads from: its URLs (none: the exchange's real ones) and how to stop it. */
export interface DataSource {
  readonly exchange: ExchangeId;
  /** REST base URL to use instead of the exchange's; `undefined` for the real exchange. */
  readonly restUrl?: string | undefined;
  /** WebSocket URL to use instead of the exchange's; `undefined` for the real exchange. */
  readonly wsUrl?: string | undefined;
  /** Where the data comes from, in words, for messages. */
  readonly origin: string;
  /** `true` unless an embedded simulator answers. */
  readonly remote: boolean;
  close(): Promise<void>;
}

/** The flags that choose a {@link DataSource}. */
export interface DataSourceFlags {
  readonly live?: boolean | undefined;
  readonly restUrl?: string | undefined;
  readonly wsUrl?: string | undefined;
}

/**
 * Reads `--exchange`: one of the registry's ids, or a `RangeError` naming the valid ones.
 *
 * @example
 * ```ts
 * toExchangeId('binance'); // 'binance'
 * toExchangeId('kraken'); // throws RangeError: unknown exchange kraken (upbit, coinone, binance)
 * ```
 */
export function toExchangeId(value: string): ExchangeId {
  if (!isExchangeId(value)) throw new RangeError(`unknown exchange ${value} (${EXCHANGE_IDS.join(', ')})`);
  return value;
}

const SIMULATORS: Record<ExchangeId, () => Promise<{ readonly url: string; readonly wsUrl: string; close(): Promise<void> }>> = {
  upbit: () => startUpbitSimulator(),
  binance: () => startBinanceSimulator(),
  coinone: () => startCoinoneSimulator(),
};

/**
 * Opens the source the flags ask for: URLs given win, then `--live` (the exchange's own URLs), else an
 * embedded simulator of `exchange` on 127.0.0.1.
 *
 * @example
 * ```ts
 * const source = await openDataSource('coinone', {});
 * const backbone = new MarketDataBackbone({ exchanges: { coinone: { restUrl: source.restUrl, wsUrl: source.wsUrl } } });
 * ```
 */
export async function openDataSource(exchange: ExchangeId, flags: DataSourceFlags): Promise<DataSource> {
  const { restUrl, wsUrl } = flags;
  if (flags.live === true && (restUrl !== undefined || wsUrl !== undefined)) throw new RangeError('--live and --rest-url/--ws-url exclude each other');
  if (restUrl !== undefined || wsUrl !== undefined) {
    const origin = [restUrl, wsUrl].filter((url) => url !== undefined).join(' and ');
    return { exchange, restUrl, wsUrl, origin, remote: true, close: async () => undefined };
  }
  if (flags.live === true) {
    return { exchange, origin: `${new URL(exchangeAdapters[exchange].rest.baseUrl).host} (live)`, remote: true, close: async () => undefined };
  }
  const simulator = await SIMULATORS[exchange]();
  return { exchange, restUrl: simulator.url, wsUrl: simulator.wsUrl, origin: `the ${exchange} simulator at ${simulator.url}`, remote: false, close: () => simulator.close() };
}

/**
 * The message for an error on a remote source: a connection failure says which server could not be
 * reached and how to work offline; anything else is `name: message`.
 *
 * @example
 * ```ts
 * console.error(describeFailure(error, source));
 * ```
 */
export function describeFailure(error: unknown, source: Pick<DataSource, 'origin' | 'remote'> | undefined): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (source?.remote !== true || !isRetryableError(error)) return text;
  return `${text}\nCould not reach ${source.origin}: check the network (or the URL). Without --live the data comes from a built-in simulator, offline.`;
}
