/**
 * A simulated Upbit account: balances per currency and orders that fill against the
 * {@link MarketModel}'s trades. A resting limit buy fills (as maker, at its price) once a model trade
 * at or below it happens after it was placed; a limit sell once one at or above it happens; a
 * marketable limit and every market order fill at once at the last trade price (as taker).
 * Each order fills whole, in one trade. Every change is announced as a `myOrder` or `myAsset` record
 * (DEFAULT keys) to the listeners, in the order it happened.
 */
import { randomUUID } from 'node:crypto';
import { Big } from '../../model/decimal.js';
import type { MarketModel } from '../market/market-model.js';
import { formatDateTime, KST_OFFSET_MS } from '../market/time-format.js';
import { plain, RawNumber, type WireValue } from '../server/wire-json.js';

/** An account to create. */
export interface UpbitAccountSpec {
  readonly accessKey: string;
  readonly secretKey: string;
  /** Starting balances by currency, as decimal strings. @default { KRW: '1000000' } */
  readonly balances?: Readonly<Record<string, string>> | undefined;
  /** IPs allowed to use the key (`no_authorization_ip` for others). @default any */
  readonly allowedIps?: readonly string[] | undefined;
  /** Wall-clock ms after which the key answers `expired_access_key`. @default never */
  readonly expiresAt?: number | undefined;
  /** Fee rate of every fill. @default '0.0005' (0.05 %, Upbit KRW markets) */
  readonly feeRate?: string | undefined;
}

/** An order to place (Upbit's `POST /v1/orders` fields). */
export interface UpbitOrderInput {
  readonly market: string;
  /** `bid` = buy, `ask` = sell. */
  readonly side: 'bid' | 'ask';
  /** `limit` (price + volume), `price` (market buy: `price` is the funds), `market` (market sell: volume). */
  readonly ordType: 'limit' | 'price' | 'market';
  readonly price?: string | undefined;
  readonly volume?: string | undefined;
  readonly identifier?: string | undefined;
}

/** A record announced by the account: `type` is `myOrder` or `myAsset`, keys as DEFAULT frames. */
export type UpbitPrivateRecord = { readonly type: 'myOrder' | 'myAsset'; readonly [key: string]: WireValue | undefined };

interface Holding {
  balance: Big;
  locked: Big;
  avgBuyPrice: Big;
}

interface SimOrder {
  readonly uuid: string;
  readonly input: UpbitOrderInput;
  readonly price: Big | undefined;
  readonly volume: Big | undefined;
  readonly createdAt: number;
  /** Placement order within the account (ties of `createdAt`). */
  readonly sequence: number;
  state: 'wait' | 'done' | 'cancel';
  executedVolume: Big;
  executedFunds: Big;
  reservedFee: Big;
  remainingFee: Big;
  paidFee: Big;
  locked: Big;
  tradesCount: number;
  checkedFrom: number;
}

interface Fill {
  readonly price: Big;
  readonly volume: Big;
  readonly isMaker: boolean;
  readonly at: number;
}

const ZERO = new Big(0);
const num = (value: Big | undefined): WireValue => (value === undefined ? null : plain(value));
const text = (value: Big | undefined): WireValue => (value === undefined ? null : value.toFixed());

/**
 * One simulated account.
 *
 * @example
 * ```ts
 * const account = sim.private.account('my-access-key');
 * account.placeOrder({ market: 'KRW-BTC', side: 'bid', ordType: 'limit', price: '140000000', volume: '0.001' });
 * ```
 */
export class UpbitSimAccount {
  readonly accessKey: string;
  readonly secretKey: string;
  readonly allowedIps: readonly string[] | undefined;
  readonly expiresAt: number | undefined;
  readonly #model: MarketModel;
  readonly #feeRate: Big;
  readonly #holdings = new Map<string, Holding>();
  readonly #orders = new Map<string, SimOrder>();
  readonly #listeners = new Set<(record: UpbitPrivateRecord) => void>();

  constructor(spec: UpbitAccountSpec, model: MarketModel) {
    this.accessKey = spec.accessKey;
    this.secretKey = spec.secretKey;
    this.allowedIps = spec.allowedIps;
    this.expiresAt = spec.expiresAt;
    this.#model = model;
    this.#feeRate = new Big(spec.feeRate ?? '0.0005');
    for (const [currency, amount] of Object.entries(spec.balances ?? { KRW: '1000000' })) {
      this.#holdings.set(currency, { balance: new Big(amount), locked: ZERO, avgBuyPrice: ZERO });
    }
  }

  /** Subscribes to the account's `myOrder`/`myAsset` records; returns the unsubscribe function. */
  onRecord(listener: (record: UpbitPrivateRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** `{ balance, locked }` of a currency, as exact decimal strings. */
  balance(currency: string): { readonly balance: string; readonly locked: string } {
    const holding = this.#holdings.get(currency);
    return { balance: (holding?.balance ?? ZERO).toFixed(), locked: (holding?.locked ?? ZERO).toFixed() };
  }

  /**
   * Places an order at the model's now; returns its uuid. Announces `wait` and the locked funds, and
   * fills at once when marketable. Throws on bad input or insufficient funds.
   */
  placeOrder(input: UpbitOrderInput, now: number = this.#model.now()): string {
    const [quote = '', base = ''] = input.market.split('-');
    if (input.ordType === (input.side === 'bid' ? 'market' : 'price')) {
      throw new Error(`UpbitSimAccount: ord_type ${input.ordType} is not allowed for side ${input.side}`);
    }
    const last = this.#model.lastTrade(input.market, now)?.price;
    if (last === undefined) throw new Error(`UpbitSimAccount: no price for ${input.market}`);
    const price = input.price === undefined ? undefined : new Big(input.price);
    const volume = input.volume === undefined ? undefined : new Big(input.volume);
    if ((input.ordType !== 'market' && (price === undefined || price.lte(0))) || (input.ordType !== 'price' && (volume === undefined || volume.lte(0)))) {
      throw new Error('UpbitSimAccount: the order needs a positive price and/or volume for its type');
    }
    const order: SimOrder = {
      uuid: randomUUID(), input, price, volume, createdAt: now, sequence: this.#orders.size, state: 'wait',
      executedVolume: ZERO, executedFunds: ZERO, reservedFee: ZERO, remainingFee: ZERO, paidFee: ZERO, locked: ZERO,
      tradesCount: 0, checkedFrom: now + 1,
    };
    if (input.side === 'bid') {
      const funds = input.ordType === 'price' ? price! : price!.times(volume!);
      order.reservedFee = funds.times(this.#feeRate);
      order.locked = funds.plus(order.reservedFee);
      this.#lock(quote, order.locked);
    } else {
      order.reservedFee = input.ordType === 'limit' ? price!.times(volume!).times(this.#feeRate) : ZERO;
      order.locked = volume!;
      this.#lock(base, order.locked);
    }
    order.remainingFee = order.reservedFee;
    this.#orders.set(order.uuid, order);
    this.#emit(this.#orderRecord(order, 'wait', undefined, now));
    this.#emit(this.#assetRecord([input.side === 'bid' ? quote : base], now));
    const marketable = input.ordType !== 'limit' || (input.side === 'bid' ? price!.gte(last) : price!.lte(last));
    if (marketable) {
      const fillVolume = input.ordType === 'price' ? price!.div(last).round(8, Big.roundDown) : volume!;
      this.#fill(order, { price: last, volume: fillVolume, isMaker: false, at: now });
    }
    return order.uuid;
  }

  /** Fills resting limit orders whose price the model's trades reached up to `now`. */
  match(now: number = this.#model.now()): void {
    for (const order of this.#orders.values()) {
      if (order.state !== 'wait' || order.checkedFrom > now) continue;
      const range = this.#model.aggregate(order.input.market, order.checkedFrom, now + 1);
      order.checkedFrom = now + 1;
      if (range === undefined) continue;
      const limit = order.price!;
      const crossed = order.input.side === 'bid' ? range.low.lte(limit) : range.high.gte(limit);
      if (crossed) this.#fill(order, { price: limit, volume: order.volume!, isMaker: true, at: now });
    }
  }

  /** `GET /v1/accounts` reply: currencies with a balance or a lock (KRW always). */
  accountsWire(): WireValue {
    return [...this.#holdings]
      .filter(([currency, h]) => currency === 'KRW' || !h.balance.eq(0) || !h.locked.eq(0))
      .map(([currency, h]) => ({
        currency,
        balance: h.balance.toFixed(),
        locked: h.locked.toFixed(),
        avg_buy_price: h.avgBuyPrice.toFixed(),
        avg_buy_price_modified: false,
        unit_currency: 'KRW',
      }));
  }

  /**
   * `GET /v1/orders/open` reply: open orders of `market` and `states` when given, newest first (or
   * oldest first with `orderBy: 'asc'`), one page of `limit` (page 1 of 100 by default).
   */
  openOrdersWire(
    market: string | undefined,
    states: readonly string[],
    paging: { readonly page: number; readonly limit: number; readonly orderBy: 'asc' | 'desc' } = { page: 1, limit: 100, orderBy: 'desc' },
  ): WireValue {
    const direction = paging.orderBy === 'asc' ? 1 : -1;
    return [...this.#orders.values()]
      .filter((o) => (market === undefined || o.input.market === market) && states.includes(o.state))
      // Placement order breaks ties between orders of one millisecond, so pages never overlap.
      .sort((a, b) => direction * (a.createdAt - b.createdAt || a.sequence - b.sequence))
      .slice((paging.page - 1) * paging.limit, paging.page * paging.limit)
      .map((o) => ({
        uuid: o.uuid,
        side: o.input.side,
        ord_type: o.input.ordType,
        price: text(o.price),
        state: o.state,
        market: o.input.market,
        created_at: `${formatDateTime(o.createdAt + KST_OFFSET_MS)}+09:00`,
        volume: text(o.volume),
        remaining_volume: text(o.volume?.minus(o.executedVolume)),
        reserved_fee: o.reservedFee.toFixed(),
        remaining_fee: o.remainingFee.toFixed(),
        paid_fee: o.paidFee.toFixed(),
        locked: o.locked.toFixed(),
        executed_volume: o.executedVolume.toFixed(),
        executed_funds: o.executedFunds.toFixed(),
        trades_count: o.tradesCount,
        identifier: o.input.identifier,
      }));
  }

  #holding(currency: string): Holding {
    let holding = this.#holdings.get(currency);
    if (holding === undefined) {
      holding = { balance: ZERO, locked: ZERO, avgBuyPrice: ZERO };
      this.#holdings.set(currency, holding);
    }
    return holding;
  }

  #lock(currency: string, amount: Big): void {
    const holding = this.#holding(currency);
    if (holding.balance.lt(amount)) throw new Error(`UpbitSimAccount: insufficient ${currency}`);
    holding.balance = holding.balance.minus(amount);
    holding.locked = holding.locked.plus(amount);
  }

  #fill(order: SimOrder, fill: Fill): void {
    const [quote = '', base = ''] = order.input.market.split('-');
    const funds = fill.price.times(fill.volume);
    const fee = funds.times(this.#feeRate);
    const q = this.#holding(quote);
    const b = this.#holding(base);
    if (order.input.side === 'bid') {
      q.locked = q.locked.minus(order.locked);
      q.balance = q.balance.plus(order.locked.minus(funds).minus(fee));
      const held = b.balance.plus(b.locked);
      b.avgBuyPrice = held.times(b.avgBuyPrice).plus(funds).div(held.plus(fill.volume)).round(8, Big.roundHalfUp);
      b.balance = b.balance.plus(fill.volume);
    } else {
      b.locked = b.locked.minus(order.locked);
      q.balance = q.balance.plus(funds.minus(fee));
    }
    order.locked = ZERO;
    order.executedVolume = order.executedVolume.plus(fill.volume);
    order.executedFunds = order.executedFunds.plus(funds);
    order.paidFee = order.paidFee.plus(fee);
    order.remainingFee = ZERO;
    order.tradesCount++;
    this.#emit(this.#orderRecord(order, 'trade', fill, fill.at));
    // A market buy by funds that cannot spend every won ends as `cancel`, as on Upbit.
    order.state = order.input.ordType === 'price' && funds.lt(order.price!) ? 'cancel' : 'done';
    this.#emit(this.#orderRecord(order, order.state, undefined, fill.at));
    this.#emit(this.#assetRecord([quote, base], fill.at));
  }

  #orderRecord(order: SimOrder, state: string, fill: Fill | undefined, at: number): UpbitPrivateRecord {
    const avg = order.executedVolume.eq(0) ? ZERO : order.executedFunds.div(order.executedVolume);
    return {
      type: 'myOrder',
      code: order.input.market,
      uuid: order.uuid,
      ask_bid: order.input.side === 'bid' ? 'BID' : 'ASK',
      order_type: order.input.ordType,
      state,
      trade_uuid: fill === undefined ? null : randomUUID(),
      price: num(fill?.price ?? order.price),
      avg_price: plain(avg),
      volume: num(order.volume),
      remaining_volume: num(order.volume?.minus(order.executedVolume)),
      executed_volume: plain(order.executedVolume),
      trades_count: order.tradesCount,
      reserved_fee: plain(order.reservedFee),
      remaining_fee: plain(order.remainingFee),
      paid_fee: plain(order.paidFee),
      locked: plain(order.locked),
      executed_funds: plain(order.executedFunds),
      time_in_force: null,
      trade_fee: fill === undefined ? null : plain(fill.price.times(fill.volume).times(this.#feeRate)),
      is_maker: fill === undefined ? null : fill.isMaker,
      identifier: order.input.identifier ?? null,
      smp_type: null,
      prevented_volume: new RawNumber('0'),
      prevented_locked: new RawNumber('0'),
      trade_timestamp: fill === undefined ? null : fill.at,
      order_timestamp: order.createdAt,
      timestamp: at,
      stream_type: 'REALTIME',
    };
  }

  #assetRecord(currencies: readonly string[], at: number): UpbitPrivateRecord {
    return {
      type: 'myAsset',
      asset_uuid: randomUUID(),
      assets: [...new Set(currencies)].map((currency) => {
        const holding = this.#holding(currency);
        return { currency, balance: plain(holding.balance), locked: plain(holding.locked) };
      }),
      asset_timestamp: at,
      timestamp: at,
      stream_type: 'REALTIME',
    };
  }

  #emit(record: UpbitPrivateRecord): void {
    for (const listener of [...this.#listeners]) listener(record);
  }
}
