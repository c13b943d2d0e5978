/**
 * The last check at the mapper boundary: a value that cannot be a price, a size, a volume or an amount
 * (negative, or beyond a double's range such as `1e400`) makes the frame or reply a {@link ParseError},
 * so it never reaches a subscriber. Signed fields (`change`, `changeRate`) are not checked. Streams report
 * the error on `streamErrors()` and go on with the next frame; REST calls reject with it.
 */
import { ParseError } from '../../errors/index.js';
import type { WsMessage } from '../../core/exchange-adapter.js';
import { isAmount, type Big } from '../../model/decimal.js';
import type { OrderBookLevel } from '../../model/order-book.js';
import type { MarketEvent } from '../../model/market-event.js';

/** What is checked: a market event, or a book without a type (a depth snapshot). */
type Checkable = MarketEvent | { readonly bids: readonly OrderBookLevel[]; readonly asks: readonly OrderBookLevel[]; readonly type?: undefined };

/** The ticker fields that are amounts (not `change`, `changeRate`: those are signed). */
const TICKER_AMOUNTS = ['last', 'open', 'high', 'low', 'prevClose', 'baseVolume', 'quoteVolume', 'baseVolume24h', 'quoteVolume24h', 'lastAmount'] as const;
const CANDLE_AMOUNTS = ['open', 'high', 'low', 'close', 'baseVolume', 'quoteVolume'] as const;

/** The first level side/index whose price or amount is not an amount, as a field path. */
function badLevel(side: 'bids' | 'asks', levels: readonly OrderBookLevel[]): string | undefined {
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (!isAmount(level.price)) return `${side}[${i}].price`;
    if (!isAmount(level.amount)) return `${side}[${i}].amount`;
  }
  return undefined;
}

function badField<K extends string>(record: Readonly<Partial<Record<K, Big>>>, keys: readonly K[]): K | undefined {
  for (const key of keys) {
    const value = record[key];
    if (value !== undefined && !isAmount(value)) return key;
  }
  return undefined;
}

/**
 * The path of the first field of `value` that cannot be a price or an amount, or `undefined` when all can.
 *
 * @example
 * ```ts
 * findBadAmount({ ...trade, price: toBig('-1') }); // 'price'
 * ```
 */
export function findBadAmount(value: Checkable): string | undefined {
  switch (value.type) {
    case 'ticker':
      return badField(value, TICKER_AMOUNTS);
    case 'trade':
      return badField(value, ['price', 'amount'] as const);
    case 'candle':
      return badField(value, CANDLE_AMOUNTS);
    default:
      return badLevel('bids', value.bids) ?? badLevel('asks', value.asks);
  }
}

function fail(exchange: string, channel: string, path: string, value: unknown, raw: unknown): never {
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw) ?? String(raw);
  throw new ParseError(`${exchange} ${channel} could not be parsed: "${path}" is not a price or amount (${String(value)})`, { exchange, channel, raw: text });
}

/**
 * Throws a {@link ParseError} when an event of the message carries a value that cannot be a price or
 * an amount; returns the message otherwise.
 *
 * @example
 * ```ts
 * const message = checkWsAmounts(decodeUpbitFrame(text, receivedAt), 'upbit', text);
 * ```
 */
export function checkWsAmounts(message: WsMessage, exchange: string, raw: string): WsMessage {
  if (message.kind !== 'events') return message;
  for (const event of message.events) {
    const path = findBadAmount(event);
    if (path !== undefined) fail(exchange, `ws ${event.type}`, path, pathValue(event, path), raw);
  }
  return message;
}

/**
 * A frame decoder whose messages pass {@link checkWsAmounts}: the one line an exchange's `ws.ts` needs.
 *
 * @example
 * ```ts
 * decode: withAmountCheck(decodeUpbitFrame, 'upbit'),
 * ```
 */
export function withAmountCheck(decode: (text: string, receivedAt: number) => WsMessage, exchange: string): (text: string, receivedAt: number) => WsMessage {
  return (text, receivedAt) => checkWsAmounts(decode(text, receivedAt), exchange, text);
}

/**
 * A reply parser whose results pass the same check (tickers, trades, books, candles, depth snapshots).
 *
 * @example
 * ```ts
 * parseTrades: withAmountsChecked(parseTrades, 'upbit', 'trades'),
 * ```
 */
export function withAmountsChecked<A extends unknown[], T extends Checkable | readonly Checkable[]>(
  parse: (body: unknown, ...rest: A) => T,
  exchange: string,
  channel: string,
): (body: unknown, ...rest: A) => T {
  return (body, ...rest) => {
    const result = parse(body, ...rest);
    const values: readonly Checkable[] = isList(result) ? result : [result];
    for (const value of values) {
      const path = findBadAmount(value);
      if (path !== undefined) fail(exchange, `rest ${channel}`, path, pathValue(value, path), body);
    }
    return result;
  };
}

const isList = (value: Checkable | readonly Checkable[]): value is readonly Checkable[] => Array.isArray(value);

/** The value at a path `findBadAmount` returned, for the message. */
function pathValue(value: object, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split(/[.[\]]+/).filter((k) => k !== '')) current = (current as Record<string, unknown> | undefined)?.[key];
  return current;
}
