/**
 * A protocol-faithful Dunamu forex quotation server on 127.0.0.1 (`GET /v1/forex/recent?codes=FRX.KRWUSD`),
 * quoting the official rates of the shared {@link MarketModel} through an {@link FxMarket}: a JSON array,
 * one object per known code asked for, every key of the captured reply in its order, numbers spelled as
 * the capture spells them (prices `1169.00`, `usDollarRate` `1.0000`, rates to 10 decimals).
 *
 * Guesses where the protocol note is silent: an unknown code is left out of the array (no error), a
 * request without `codes` gets `[]`, any other path a 404 with a small JSON body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Big } from '../../model/decimal.js';
import { MarketModel, type MarketModelOptions } from '../market/market-model.js';
import { formatDate, formatTime, KST_OFFSET_MS } from '../market/time-format.js';
import { ReplyGate } from '../server/reply-gate.js';
import { requestTarget, SimHttpServer, writeReply } from '../server/sim-server.js';
import { fixed, RawNumber, stringifyWire, type WireValue } from '../server/wire-json.js';
import { FxMarket, type FxMarketOptions, type FxSimQuote } from './fx-market.js';

export { FxMarket, FX_SIM_CURRENCIES } from './fx-market.js';
export type { FxMarketOptions, FxRound, FxSimCurrency, FxSimQuote } from './fx-market.js';

/** The path served. */
export const FX_SIM_PATH = '/v1/forex/recent';

/** Options of {@link startFxSimulator}; model options apply when no `model` is given. */
export interface FxSimulatorOptions extends MarketModelOptions, FxMarketOptions {
  /** Quote this model (share the Upbit simulator's so USDT/KRW and the official rate move together). */
  readonly model?: MarketModel | undefined;
  /** Port on 127.0.0.1. @default 0 (any free port) */
  readonly port?: number | undefined;
  /** Delay before every reply (ms). @default 0 */
  readonly latencyMs?: number | undefined;
}

/** A raw reply to inject with {@link FxSimulator.failNext}. */
export interface FxForcedReply {
  readonly status: number;
  /** Sent verbatim when a string (malformed JSON, say), serialised otherwise. */
  readonly body: string | WireValue;
}

/** One served request. */
export interface FxRequestLogEntry {
  /** Model-clock time of arrival (ms). */
  readonly at: number;
  readonly path: string;
  readonly codes: string | undefined;
  readonly status: number;
}

/** A running FX simulator. */
export interface FxSimulator {
  /** Base URL, e.g. `http://127.0.0.1:54321` (the path is `/v1/forex/recent`). */
  readonly url: string;
  readonly port: number;
  readonly model: MarketModel;
  /** The bank's rates and hours. */
  readonly market: FxMarket;
  /** Every request so far, oldest first. */
  readonly requests: readonly FxRequestLogEntry[];
  /** Delays every later reply by `ms`. */
  setLatency(ms: number): void;
  /** Answers the next `n` requests with `reply`. */
  failNext(n: number, reply: FxForcedReply): void;
  /** Holds replies until {@link FxSimulator.resume}. */
  pause(): void;
  /** Sends held replies and stops holding. */
  resume(): void;
  /** Empties {@link FxSimulator.requests}. */
  clearLog(): void;
  /** Stops listening and closes every socket. */
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json;charset=UTF-8';
const CREATED_AT = '2016-10-21T06:13:34.000+0000';

/**
 * The wire object of one quote, keys in the capture's order. Fields the protocol note lists are derived
 * from the round; the 52-week ones repeat the day's high and low (no year of rounds is replayed).
 */
export function toFxWire(quote: FxSimQuote): WireValue {
  const { currency, round, basePrice, openingPrice, highPrice, lowPrice, previousClose } = quote;
  const change = basePrice.minus(previousClose);
  const rate = previousClose.eq(0) ? new Big(0) : change.div(previousClose).round(10, Big.roundHalfUp);
  const price = (value: Big): RawNumber => fixed(value.round(2, Big.roundHalfUp), 2);
  const spread = (fraction: string): Big => basePrice.times(fraction);
  const kst = round.at + KST_OFFSET_MS;
  const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}.000+0000`;
  return {
    code: `FRX.KRW${currency.code}`,
    currencyCode: currency.code,
    currencyName: currency.name,
    country: currency.country,
    name: `${currency.country} (KRW/${currency.code})`,
    date: formatDate(kst),
    time: formatTime(kst),
    recurrenceCount: round.count,
    basePrice: price(basePrice),
    openingPrice: price(openingPrice),
    highPrice: price(highPrice),
    lowPrice: price(lowPrice),
    change: change.gt(0) ? 'RISE' : change.lt(0) ? 'FALL' : 'EVEN',
    changePrice: price(change.abs()),
    cashBuyingPrice: price(basePrice.plus(spread('0.0175'))),
    cashSellingPrice: price(basePrice.minus(spread('0.0175'))),
    ttBuyingPrice: price(basePrice.minus(spread('0.00975'))),
    ttSellingPrice: price(basePrice.plus(spread('0.00975'))),
    tcBuyingPrice: null,
    fcSellingPrice: null,
    exchangeCommission: fixed(new Big('1.9455'), 4),
    usDollarRate: fixed(new Big(currency.unit).div(currency.perUsd).round(4, Big.roundHalfUp), 4),
    high52wPrice: price(highPrice),
    high52wDate: formatDate(kst),
    low52wPrice: price(lowPrice),
    low52wDate: formatDate(kst),
    currencyUnit: currency.unit,
    provider: '하나은행',
    timestamp: round.at,
    id: currency.id,
    createdAt: CREATED_AT,
    modifiedAt: iso(round.at + 1_000),
    changeRate: fixed(rate.abs(), 10),
    signedChangePrice: price(change),
    signedChangeRate: fixed(rate, 10),
  };
}

class Simulator implements FxSimulator {
  readonly model: MarketModel;
  readonly market: FxMarket;
  readonly #http: SimHttpServer;
  readonly #log: FxRequestLogEntry[] = [];
  readonly #gate: ReplyGate;
  #forced: FxForcedReply[] = [];

  constructor(options: FxSimulatorOptions) {
    this.model = options.model ?? new MarketModel(options);
    this.market = new FxMarket(this.model, options);
    this.#gate = new ReplyGate(options.latencyMs);
    this.#http = new SimHttpServer((request, response) => this.#serve(request, response));
  }

  get url(): string {
    return this.#http.url;
  }

  get port(): number {
    return this.#http.port;
  }

  get requests(): readonly FxRequestLogEntry[] {
    return this.#log;
  }

  listen(port: number): Promise<void> {
    return this.#http.listen(port);
  }

  setLatency(ms: number): void {
    this.#gate.setLatency(ms);
  }

  failNext(n: number, reply: FxForcedReply): void {
    for (let i = 0; i < n; i++) this.#forced.push(reply);
  }

  pause(): void {
    this.#gate.pause();
  }

  resume(): void {
    this.#gate.resume();
  }

  clearLog(): void {
    this.#log.length = 0;
  }

  async close(): Promise<void> {
    this.#gate.close();
    await this.#http.close();
  }

  #serve(request: IncomingMessage, response: ServerResponse): void {
    const at = this.model.now();
    const { method, url } = requestTarget(request);
    const codes = url.searchParams.get('codes') ?? undefined;
    const forced = this.#forced.shift();
    let status = 200;
    let body: string;
    if (forced !== undefined) {
      status = forced.status;
      body = typeof forced.body === 'string' ? forced.body : stringifyWire(forced.body);
    } else if (method !== 'GET' || url.pathname !== FX_SIM_PATH) {
      status = 404;
      body = stringifyWire({ status: 404, error: 'Not Found', path: url.pathname });
    } else {
      const quotes = (codes ?? '').split(',').flatMap((code) => {
        const quote = code.startsWith('FRX.KRW') ? this.market.quote(code.slice('FRX.KRW'.length), at) : undefined;
        return quote === undefined ? [] : [toFxWire(quote)];
      });
      body = stringifyWire(quotes);
    }
    this.#log.push({ at, path: url.pathname, codes, status });
    this.#gate.deliver(() => writeReply(response, status, { 'content-type': JSON_TYPE }, body));
  }
}

/**
 * Starts an FX simulator on 127.0.0.1.
 *
 * @example
 * ```ts
 * import { startFxSimulator, startUpbitSimulator } from 'market-data-backbone/testing';
 * const upbit = await startUpbitSimulator();
 * const fx = await startFxSimulator({ model: upbit.model, tetherPremium: 0.01 }); // USDT/KRW 1 % over USD/KRW
 * const [usd] = await (await fetch(`${fx.url}/v1/forex/recent?codes=FRX.KRWUSD`)).json();
 * usd.basePrice; // e.g. 1376.24
 * await fx.close();
 * await upbit.close();
 * ```
 */
export async function startFxSimulator(options: FxSimulatorOptions = {}): Promise<FxSimulator> {
  const simulator = new Simulator(options);
  await simulator.listen(options.port ?? 0);
  return simulator;
}
