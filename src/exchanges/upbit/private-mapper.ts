/**
 * Upbit private payloads → model: `GET /v1/accounts` balances (decimal strings), `GET /v1/orders/open`
 * orders, and the `myOrder` / `myAsset` WebSocket records in `DEFAULT` (full keys) and `SIMPLE`
 * (abbreviated keys) formats, whose numbers are JSON numbers of up to 27 significant digits.
 *
 * @see https://docs.upbit.com/kr/reference/get-balance
 * @see https://docs.upbit.com/kr/reference/list-open-orders
 * @see https://docs.upbit.com/kr/reference/websocket-myorder (DEFAULT → SIMPLE key table)
 * @see https://docs.upbit.com/kr/reference/websocket-myasset
 */
import { isLosslessNumber } from 'lossless-json';
import { isWireNumber, toBig, type Big } from '../../model/decimal.js';
import type { AssetBalance, Balance, MyAssetEvent, MyOrderEvent, Order, OrderSide, OrderState } from '../../model/account.js';
import type { MapContext } from '../../core/exchange-adapter.js';
import { readArray, readMillis, readRecord, readString, readSymbol, toParseError, type UpbitRecord } from './fields.js';
import { UPBIT_ID } from './symbols.js';

/** Where each {@link MyOrderEvent} field lives in a `myOrder` record. */
export interface UpbitMyOrderKeys {
  readonly code: string;
  readonly uuid: string;
  readonly askBid: string;
  readonly orderType: string;
  readonly state: string;
  readonly tradeUuid: string;
  readonly price: string;
  readonly avgPrice: string;
  readonly volume: string;
  readonly remainingVolume: string;
  readonly executedVolume: string;
  readonly tradesCount: string;
  readonly reservedFee: string;
  readonly remainingFee: string;
  readonly paidFee: string;
  readonly locked: string;
  readonly executedFunds: string;
  readonly timeInForce: string;
  readonly tradeFee: string;
  readonly isMaker: string;
  readonly identifier: string;
  readonly tradeTimestamp: string;
  readonly orderTimestamp: string;
  readonly timestamp: string;
}

/** Where each {@link MyAssetEvent} field lives in a `myAsset` record. */
export interface UpbitMyAssetKeys {
  readonly uuid: string;
  readonly assets: string;
  readonly currency: string;
  readonly balance: string;
  readonly locked: string;
  readonly assetTimestamp: string;
  readonly timestamp: string;
}

/** `DEFAULT` keys of `myOrder`. */
export const UPBIT_MY_ORDER_KEYS: UpbitMyOrderKeys = {
  code: 'code',
  uuid: 'uuid',
  askBid: 'ask_bid',
  orderType: 'order_type',
  state: 'state',
  tradeUuid: 'trade_uuid',
  price: 'price',
  avgPrice: 'avg_price',
  volume: 'volume',
  remainingVolume: 'remaining_volume',
  executedVolume: 'executed_volume',
  tradesCount: 'trades_count',
  reservedFee: 'reserved_fee',
  remainingFee: 'remaining_fee',
  paidFee: 'paid_fee',
  locked: 'locked',
  executedFunds: 'executed_funds',
  timeInForce: 'time_in_force',
  tradeFee: 'trade_fee',
  isMaker: 'is_maker',
  identifier: 'identifier',
  tradeTimestamp: 'trade_timestamp',
  orderTimestamp: 'order_timestamp',
  timestamp: 'timestamp',
};

/** `SIMPLE` keys of `myOrder`, from Upbit's DEFAULT → SIMPLE table. */
export const UPBIT_MY_ORDER_SIMPLE_KEYS: UpbitMyOrderKeys = {
  code: 'cd',
  uuid: 'uid',
  askBid: 'ab',
  orderType: 'ot',
  state: 's',
  tradeUuid: 'tuid',
  price: 'p',
  avgPrice: 'ap',
  volume: 'v',
  remainingVolume: 'rv',
  executedVolume: 'ev',
  tradesCount: 'tc',
  reservedFee: 'rsf',
  remainingFee: 'rmf',
  paidFee: 'pf',
  locked: 'l',
  executedFunds: 'ef',
  timeInForce: 'tif',
  tradeFee: 'tf',
  isMaker: 'im',
  identifier: 'id',
  tradeTimestamp: 'ttms',
  orderTimestamp: 'otms',
  timestamp: 'tms',
};

/** `DEFAULT` keys of `myAsset`. */
export const UPBIT_MY_ASSET_KEYS: UpbitMyAssetKeys = {
  uuid: 'asset_uuid',
  assets: 'assets',
  currency: 'currency',
  balance: 'balance',
  locked: 'locked',
  assetTimestamp: 'asset_timestamp',
  timestamp: 'timestamp',
};

/** `SIMPLE` keys of `myAsset`. */
export const UPBIT_MY_ASSET_SIMPLE_KEYS: UpbitMyAssetKeys = {
  uuid: 'astuid',
  assets: 'ast',
  currency: 'cu',
  balance: 'b',
  locked: 'l',
  assetTimestamp: 'asttms',
  timestamp: 'tms',
};

const ORDER_STATES: ReadonlySet<string> = new Set<OrderState>(['wait', 'watch', 'trade', 'done', 'cancel', 'prevented']);
const ACCOUNTS = '/v1/accounts';
const ORDERS = '/v1/orders/open';
const MY_ORDER = 'ws myOrder';
const MY_ASSET = 'ws myAsset';

/** A decimal field: a JSON number (WebSocket) or a decimal string (REST); `undefined` when absent or null. */
function readDecimal(record: UpbitRecord, key: string, channel: string): Big | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (isWireNumber(value) || typeof value === 'string') {
    try {
      return toBig(value);
    } catch {
      // fall through to the ParseError below
    }
  }
  throw toParseError(channel, `"${key}" is not a decimal`, record);
}

function requireDecimal(record: UpbitRecord, key: string, channel: string): Big {
  const value = readDecimal(record, key, channel);
  if (value === undefined) throw toParseError(channel, `"${key}" is missing`, record);
  return value;
}

function optionalString(record: UpbitRecord, key: string, channel: string): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  throw toParseError(channel, `"${key}" is not a string`, record);
}

function optionalMillis(record: UpbitRecord, key: string, channel: string): number | undefined {
  return record[key] === undefined || record[key] === null ? undefined : readMillis(record, key, channel);
}

function readCount(record: UpbitRecord, key: string, channel: string): number {
  const value = record[key];
  const count = typeof value === 'number' ? value : isLosslessNumber(value) ? Number(value.value) : Number.NaN;
  if (Number.isSafeInteger(count)) return count;
  throw toParseError(channel, `"${key}" is not an integer`, record);
}

function readSide(record: UpbitRecord, key: string, channel: string): OrderSide {
  const side = readString(record, key, channel).toLowerCase();
  if (side === 'bid') return 'buy';
  if (side === 'ask') return 'sell';
  throw toParseError(channel, `"${key}" is not ASK or BID`, record);
}

function readState(record: UpbitRecord, key: string, channel: string): OrderState {
  const state = readString(record, key, channel);
  if (ORDER_STATES.has(state)) return state as OrderState;
  throw toParseError(channel, `"${key}" is not an order state`, record);
}

/**
 * `GET /v1/accounts` → balances.
 *
 * @example
 * ```ts
 * parseUpbitAccounts(body, { receivedAt: Date.now() })[0]?.balance.toString(); // '1000000'
 * ```
 */
export function parseUpbitAccounts(body: unknown, _context: MapContext): Balance[] {
  return readArray(body, ACCOUNTS).map((item) => {
    const record = readRecord(item, ACCOUNTS);
    return {
      exchange: UPBIT_ID,
      currency: readString(record, 'currency', ACCOUNTS),
      balance: requireDecimal(record, 'balance', ACCOUNTS),
      locked: requireDecimal(record, 'locked', ACCOUNTS),
      avgBuyPrice: readDecimal(record, 'avg_buy_price', ACCOUNTS) ?? toBig('0'),
      avgBuyPriceModified: record['avg_buy_price_modified'] === true,
      unitCurrency: readString(record, 'unit_currency', ACCOUNTS),
    };
  });
}

/**
 * `GET /v1/orders/open` → orders (`side` `bid`/`ask`, `ord_type`, decimal strings, `created_at` ISO
 * with offset).
 *
 * @example
 * ```ts
 * const [order] = parseUpbitOrders(body, { receivedAt: Date.now() });
 * order?.state; // 'wait'
 * ```
 */
export function parseUpbitOrders(body: unknown, _context: MapContext): Order[] {
  return readArray(body, ORDERS).map((item) => {
    const record = readRecord(item, ORDERS);
    const market = readString(record, 'market', ORDERS);
    const createdAt = Date.parse(readString(record, 'created_at', ORDERS));
    if (Number.isNaN(createdAt)) throw toParseError(ORDERS, '"created_at" is not a time', record);
    return {
      exchange: UPBIT_ID,
      symbol: readSymbol(market, record, ORDERS),
      market,
      id: readString(record, 'uuid', ORDERS),
      side: readSide(record, 'side', ORDERS),
      orderType: readString(record, 'ord_type', ORDERS),
      state: readState(record, 'state', ORDERS),
      price: readDecimal(record, 'price', ORDERS),
      volume: readDecimal(record, 'volume', ORDERS),
      remainingVolume: readDecimal(record, 'remaining_volume', ORDERS),
      executedVolume: requireDecimal(record, 'executed_volume', ORDERS),
      locked: requireDecimal(record, 'locked', ORDERS),
      reservedFee: requireDecimal(record, 'reserved_fee', ORDERS),
      remainingFee: requireDecimal(record, 'remaining_fee', ORDERS),
      paidFee: requireDecimal(record, 'paid_fee', ORDERS),
      tradesCount: readCount(record, 'trades_count', ORDERS),
      createdAt,
      clientOrderId: optionalString(record, 'identifier', ORDERS),
    };
  });
}

/**
 * A `myOrder` record (`DEFAULT` or `SIMPLE` keys) as a {@link MyOrderEvent}.
 *
 * @example
 * ```ts
 * toMyOrderEvent(record, UPBIT_MY_ORDER_KEYS, Date.now()).state; // 'trade'
 * ```
 */
export function toMyOrderEvent(record: UpbitRecord, keys: UpbitMyOrderKeys, receivedAt: number): MyOrderEvent {
  const c = MY_ORDER;
  const market = readString(record, keys.code, c);
  const isMaker = record[keys.isMaker];
  return {
    type: 'myOrder',
    exchange: UPBIT_ID,
    symbol: readSymbol(market, record, c),
    market,
    orderId: readString(record, keys.uuid, c),
    side: readSide(record, keys.askBid, c),
    orderType: readString(record, keys.orderType, c),
    state: readState(record, keys.state, c),
    tradeId: optionalString(record, keys.tradeUuid, c),
    price: readDecimal(record, keys.price, c),
    avgPrice: readDecimal(record, keys.avgPrice, c),
    volume: readDecimal(record, keys.volume, c),
    remainingVolume: readDecimal(record, keys.remainingVolume, c),
    executedVolume: readDecimal(record, keys.executedVolume, c) ?? toBig('0'),
    tradesCount: record[keys.tradesCount] === undefined ? 0 : readCount(record, keys.tradesCount, c),
    reservedFee: readDecimal(record, keys.reservedFee, c),
    remainingFee: readDecimal(record, keys.remainingFee, c),
    paidFee: readDecimal(record, keys.paidFee, c),
    locked: readDecimal(record, keys.locked, c),
    executedFunds: readDecimal(record, keys.executedFunds, c),
    tradeFee: readDecimal(record, keys.tradeFee, c),
    isMaker: typeof isMaker === 'boolean' ? isMaker : undefined,
    timeInForce: optionalString(record, keys.timeInForce, c),
    clientOrderId: optionalString(record, keys.identifier, c),
    tradeTimestamp: optionalMillis(record, keys.tradeTimestamp, c),
    orderTimestamp: optionalMillis(record, keys.orderTimestamp, c),
    exchangeTime: readMillis(record, keys.timestamp, c),
    receivedAt,
  };
}

/**
 * A `myAsset` record (`DEFAULT` or `SIMPLE` keys) as a {@link MyAssetEvent}.
 *
 * @example
 * ```ts
 * toMyAssetEvent(record, UPBIT_MY_ASSET_KEYS, Date.now()).assets[0]?.currency; // 'KRW'
 * ```
 */
export function toMyAssetEvent(record: UpbitRecord, keys: UpbitMyAssetKeys, receivedAt: number): MyAssetEvent {
  const c = MY_ASSET;
  const list = record[keys.assets];
  if (!Array.isArray(list)) throw toParseError(c, `"${keys.assets}" is not an array`, record);
  const assets: AssetBalance[] = list.map((item: unknown) => {
    const asset = readRecord(item, c);
    return {
      currency: readString(asset, keys.currency, c),
      balance: requireDecimal(asset, keys.balance, c),
      locked: requireDecimal(asset, keys.locked, c),
    };
  });
  return {
    type: 'myAsset',
    exchange: UPBIT_ID,
    id: readString(record, keys.uuid, c),
    assets,
    assetTime: readMillis(record, keys.assetTimestamp, c),
    exchangeTime: readMillis(record, keys.timestamp, c),
    receivedAt,
  };
}
