/**
 * The option and selector types of the {@link MarketDataBackbone} facade, kept apart so the facade
 * file holds only its routing. `backbone.ts` re-exports every one of them.
 */
import type { ExchangeClientOptions } from '../client/exchange-client.js';
import type { CredentialSources } from '../core/private-adapter.js';
import type { ExchangeId } from '../exchanges/registry.js';
import type { OfficialFxOptions } from '../fx/fx-source.js';
import type { RoutingOptions } from '../routing/routing-types.js';
import type { ReplayOptions, TransportTap } from './transport-tap.js';

/**
 * Per-exchange settings: REST and WebSocket endpoints, timeouts, stream timings, and API keys for the
 * private calls (`accessKey`/`secretKey`, or an {@link ApiCredentials}; else the exchange's environment
 * variables, e.g. `UPBIT_ACCESS_KEY`/`UPBIT_SECRET_KEY`). Keys are only used to sign requests: they never
 * appear in errors, logs or `inspect` output of the backbone.
 *
 * @example
 * ```ts
 * import { MarketDataBackbone } from 'market-data-backbone';
 *
 * const backbone = new MarketDataBackbone({ timeoutMs: 5_000, exchanges: { upbit: { accessKey, secretKey } } });
 * ```
 */
export interface ExchangeOptions extends ExchangeClientOptions, Pick<CredentialSources, 'accessKey' | 'secretKey' | 'credentials'> {
  /** Private WebSocket URL. @default the exchange's (e.g. `wss://api.upbit.com/websocket/v1/private`) */
  readonly privateWsUrl?: string | undefined;
}

/**
 * Options of a {@link MarketDataBackbone}: the shared {@link ExchangeOptions}, each exchange's own
 * overrides, and the exchange a call goes to when it names none.
 *
 * @example
 * ```ts
 * import { MarketDataBackbone } from 'market-data-backbone';
 *
 * const backbone = new MarketDataBackbone({ defaultExchange: 'binance', exchanges: { upbit: { timeoutMs: 3_000 } } });
 * ```
 */
export interface MarketDataBackboneOptions extends ExchangeOptions {
  /** Settings per exchange; they override the shared ones above. @default {} */
  readonly exchanges?: Partial<Record<ExchangeId, ExchangeOptions>> | undefined;
  /** Exchange used when a call names none. @default 'upbit' */
  readonly defaultExchange?: ExchangeId | undefined;
  /**
   * The official FX source (`getFx`, `streamFx`, the `official` premium base): its URL, poll interval
   * (at least a minute) and timeout; `fetch`, `scheduler` and `gracePeriodMs` default to the shared ones.
   * @default the Dunamu forex quotation, polled once a minute
   */
  readonly fx?: OfficialFxOptions | undefined;
  /**
   * Gateways (`mdb serve`) to read through instead of the exchanges, tried in order: the same calls and
   * streams, served by the first URL that works, moving to the next when it fails (a trade stream resumes
   * from its last trade id, with no trade lost or repeated). Calls the gateway does not serve
   * (`exchange()`, `private()`, price bands, candle downloads) reject with a `GatewayError`.
   * @default none (the exchanges directly)
   */
  readonly gateway?: string | readonly string[] | undefined;
  /** Token for `myOrder`/`myAsset` through the gateway (the operator's, not exchange keys). @default none */
  readonly gatewayToken?: string | undefined;
  /**
   * Adaptive channel routing of `getTicker`/`getTickers` (see `docs/routing.md`): `true` or its
   * {@link RoutingOptions} turn it on; `false` keeps the static rule (a fresh open stream, else REST).
   * @default false (opt-in: see the benchmark in docs/routing.md)
   */
  readonly routing?: boolean | RoutingOptions | undefined;
  /** Wraps each exchange's transport (a recorder from `market-data-backbone/replay`). @default none */
  readonly tap?: TransportTap | undefined;
  /** Serves every exchange from a recording on a virtual clock instead (see `docs/record-replay.md`). @default none */
  readonly replay?: ReplayOptions | undefined;
}

/**
 * Names the exchange a call goes to.
 *
 * @example
 * ```ts
 * const markets = await backbone.getMarkets({ exchange: 'coinone' });
 * ```
 */
export interface ExchangeSelector {
  /** @default the backbone's `defaultExchange` */
  readonly exchange?: ExchangeId | undefined;
}

/**
 * Options of {@link MarketDataBackbone.getCandles}: one page of `count` candles before `to`, or with
 * `from` the whole range `from <= openTime < to`.
 *
 * @example
 * ```ts
 * const january = await backbone.getCandles('KRW-BTC', '1h', { from: new Date('2026-01-01'), to: new Date('2026-02-01') });
 * ```
 */
export interface GetCandlesOptions extends ExchangeSelector {
  /** How many candles when no `from` is given (the exchange caps it). @default the exchange's */
  readonly count?: number;
  /** Exclusive upper bound of the candle open times (ms or Date). @default now */
  readonly to?: number | Date;
  /** Inclusive lower bound of the candle open times (ms or Date); pages back to it. @default none (one request) */
  readonly from?: number | Date;
  /** With `from`, insert a flat `filled: true` candle for each period without a trade. @default false */
  readonly fill?: boolean;
}

/**
 * Freshness asked of a `get*` call (`getTicker`, `getTickers`): the answer was received no earlier than
 * `maxAgeMs` before the call, whatever source served it.
 *
 * @example
 * ```ts
 * const ticker = await backbone.getTicker('KRW-BTC', { maxAgeMs: 500 });
 * ```
 */
export interface FreshnessOption {
  /** Oldest acceptable answer (ms before the call). @default `streamFreshMs` (2_000) for a stream value; a REST reply is new */
  readonly maxAgeMs?: number | undefined;
}
