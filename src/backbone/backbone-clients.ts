/**
 * The state behind the {@link MarketDataBackbone} facade: one public and one private client per
 * exchange, created on first use from the shared settings overridden by the exchange's own. Keeping it
 * here leaves the facade a plain router of calls.
 */
import { MarketDataError } from '../errors/index.js';
import { invalid } from '../client/arguments.js';
import { fetchCandleRange } from '../client/candle-history.js';
import { privateAdapters } from '../exchanges/private-registry.js';
import { PrivateClient, type PrivateClientOptions } from '../private/private-client.js';
import { ExchangeClient, type ExchangeClientOptions, type ExchangeClientStats } from '../client/exchange-client.js';
import { OfficialFxSource } from '../fx/fx-source.js';
import { DEFAULT_EXCHANGE, exchangeAdapters, isExchangeId, type ExchangeId } from '../exchanges/registry.js';
import type { Candle, CandleInterval } from '../model/index.js';
import type { ExchangeOptions, GetCandlesOptions, MarketDataBackboneOptions } from './backbone-options.js';
import type { TransportTap } from './transport-tap.js';

/** Shared settings overridden by the exchange's own. */
function mergeSettings(options: MarketDataBackboneOptions, id: ExchangeId): ExchangeOptions {
  const { exchanges, defaultExchange: _default, fx: _fx, gateway: _gateway, gatewayToken: _token, tap: _tap, replay: _replay, ...shared } = options;
  return { ...shared, ...exchanges?.[id] };
}

/** The public client never needs the keys: they stay with the private client only. */
function toPublicSettings(settings: ExchangeOptions): ExchangeClientOptions {
  const { accessKey: _access, secretKey: _secret, credentials: _credentials, privateWsUrl: _privateWs, ...rest } = settings;
  return rest;
}

/** Only what signing and the private transport use: keys, endpoints, timeouts and timings. */
function toPrivateSettings(settings: ExchangeOptions): PrivateClientOptions {
  const { accessKey, secretKey, credentials, restUrl, privateWsUrl, fetch, timeoutMs, deadlineMs, retry, backoff, scheduler } = settings;
  return { accessKey, secretKey, credentials, restUrl, wsUrl: privateWsUrl, fetch, timeoutMs, deadlineMs, retry, backoff, scheduler };
}

/**
 * Runs `run`, turning a synchronous throw into a rejected promise, so a call that fails before its
 * request (closed backbone, unknown exchange, no keys) still fails the way async callers expect.
 *
 * @example
 * ```ts
 * await attempt(() => clients.privateClient('upbit').getAccounts()).catch(report);
 * ```
 */
export function attempt<T>(run: () => Promise<T>): Promise<T> {
  try {
    return run();
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Candles of one market, as {@link MarketDataBackbone.getCandles} promises them: with `from`, the whole
 * range paged back from `to` (default now) under the rate limiter; without it, one request of `count`
 * candles before `to`.
 *
 * @example
 * ```ts
 * const lastHour = await fetchCandles(backbone.exchange('upbit'), 'KRW-BTC', '1m', { count: 60 });
 * ```
 */
export function fetchCandles(client: ExchangeClient, symbol: string, interval: CandleInterval, options: GetCandlesOptions): Promise<Candle[]> {
  if (options.from !== undefined) {
    const { from, to = client.now(), fill } = options;
    return fetchCandleRange(client, symbol, interval, { from, to, fill });
  }
  const to = options.to instanceof Date ? options.to.getTime() : options.to;
  return client.getCandles(symbol, interval, { count: options.count, to });
}

/**
 * The exchange clients of one backbone, public and private, each created on first use and all closed
 * together. Holds the options (and so the keys) out of sight of `inspect` on the facade.
 *
 * @example
 * ```ts
 * const clients = new BackboneClients({ defaultExchange: 'upbit' });
 * const stats = clients.publicClient(clients.defaultExchange).stats;
 * clients.close();
 * ```
 */
export class BackboneClients {
  readonly #options: MarketDataBackboneOptions;
  readonly #public = new Map<ExchangeId, ExchangeClient>();
  readonly #private = new Map<ExchangeId, PrivateClient>();
  #fx: OfficialFxSource | undefined;
  /** The recorder or the replay that wraps every public client's transport. */
  readonly #tap: TransportTap | undefined;
  #closed = false;

  constructor(options: MarketDataBackboneOptions) {
    this.#options = options;
    const { replay } = options;
    this.#tap = replay === undefined ? options.tap : replay.from.start(replay.speed ?? 1);
  }

  /** Exchange used when a call names none, read at each call. */
  get defaultExchange(): ExchangeId {
    return this.#options.defaultExchange ?? DEFAULT_EXCHANGE;
  }

  /** Exchanges whose public client exists, in order of first use. */
  get ids(): ExchangeId[] {
    return [...this.#public.keys()];
  }

  /** Request counters of every public client so far. */
  get stats(): Partial<Record<ExchangeId, ExchangeClientStats>> {
    const stats: Partial<Record<ExchangeId, ExchangeClientStats>> = {};
    for (const [id, client] of this.#public) stats[id] = client.stats;
    return stats;
  }

  /** The public client of `id`; throws once closed or for an unknown exchange. */
  publicClient(id: ExchangeId): ExchangeClient {
    if (this.#closed) throw new MarketDataError('MarketDataBackbone is closed');
    if (typeof id !== 'string' || !isExchangeId(id)) invalid('options.exchange', id, `an exchange is one of ${Object.keys(exchangeAdapters).join(', ')}`);
    let client = this.#public.get(id);
    if (client === undefined) {
      const settings = toPublicSettings(mergeSettings(this.#options, id));
      client = new ExchangeClient(exchangeAdapters[id], this.#tap === undefined ? settings : { ...settings, ...this.#tap.wrap(id, settings) });
      this.#public.set(id, client);
    }
    return client;
  }

  /** The private client of `id`; throws once closed or when the exchange has no private API here. */
  privateClient(id: ExchangeId): PrivateClient {
    if (this.#closed) throw new MarketDataError('MarketDataBackbone is closed');
    if (typeof id !== 'string' || !isExchangeId(id)) invalid('options.exchange', id, `an exchange is one of ${Object.keys(exchangeAdapters).join(', ')}`);
    let client = this.#private.get(id);
    if (client === undefined) {
      const adapter = privateAdapters[id];
      if (adapter === undefined) throw new MarketDataError(`No private API for exchange ${String(id)}`, { exchange: id });
      client = new PrivateClient(adapter, toPrivateSettings(mergeSettings(this.#options, id)));
      this.#private.set(id, client);
    }
    return client;
  }

  /** The official FX source (created on first use); throws once closed. */
  fxSource(): OfficialFxSource {
    if (this.#closed) throw new MarketDataError('MarketDataBackbone is closed');
    const { fetch, scheduler, gracePeriodMs, fx } = this.#options;
    this.#fx ??= new OfficialFxSource({ fetch, scheduler, gracePeriodMs, ...fx });
    return this.#fx;
  }

  /** Closes every client; later calls throw. */
  close(): void {
    this.#closed = true;
    this.#fx?.close();
    for (const client of this.#public.values()) client.close();
    for (const client of this.#private.values()) client.close();
    this.#public.clear();
    this.#private.clear();
    this.#tap?.close?.();
  }
}
