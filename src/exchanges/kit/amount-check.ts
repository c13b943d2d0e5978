/**
 * The last check at the mapper boundary: a value that cannot be a price, a size, a volume or an amount
 * (negative, or beyond a double's range such as `1e400`) makes the frame or reply a {@link ParseError},
 * so it never reaches a subscriber. Signed fields (`change`, `changeRate`) are not checked. Streams report
 * the error on `streamErrors()` and go on with the next frame; REST calls reject with it.
 */
import type { WsMessage } from '../../core/exchange-adapter.js';
import { isAmount, type Big } from '../../model/decimal.js';
import type { OrderBookLevel } from '../../model/order-book.js';
import type { MarketEvent } from '../../model/market-event.js';
import { toFieldParseError } from './field-kit.js';

/** What is checked: a market event, or a book without a type (a depth snapshot). */
type Checkable = MarketEvent | { readonly bids: readonly OrderBookLevel[]; readonly asks: readonly OrderBookLevel[]; readonly type?: undefined };

/** The ticker fields that are amounts (not `change`, `changeRate`: those are signed). */
const TICKER_AMOUNTS = ['last', 'open', 'high', 'low', 'prevClose', 'baseVolume', 'quoteVolume', 'baseVolume24h', 'quoteVolume24h', 'lastAmount'] as const;
const CANDLE_AMOUNTS = ['open', 'high', 'low', 'close', 'baseVolume', 'quoteVolume'] as const;
const TRADE_AMOUNTS = ['price', 'amount'] as const;

/** A field that is not an amount: its path in the event and its value (for the message). */
interface BadAmount {
  readonly path: string;
  readonly value: Big;
}

/** The first level side/index whose price or amount is not an amount, as a field path. */
function badLevel(side: 'bids' | 'asks', levels: readonly OrderBookLevel[]): BadAmount | undefined {
  for (let i = 0; i < levels.length; i++) {
    const { price, amount } = levels[i]!;
    if (!isAmount(price)) return { path: `${side}[${i}].price`, value: price };
    if (!isAmount(amount)) return { path: `${side}[${i}].amount`, value: amount };
  }
  return undefined;
}

function badField<K extends string>(record: Readonly<Partial<Record<K, Big>>>, keys: readonly K[]): BadAmount | undefined {
  for (const key of keys) {
    const value = record[key];
    if (value !== undefined && !isAmount(value)) return { path: key, value };
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
  return badAmount(value)?.path;
}

function badAmount(value: Checkable): BadAmount | undefined {
  switch (value.type) {
    case 'ticker':
      return badField(value, TICKER_AMOUNTS);
    case 'trade':
      return badField(value, TRADE_AMOUNTS);
    case 'candle':
      return badField(value, CANDLE_AMOUNTS);
    default:
      return badLevel('bids', value.bids) ?? badLevel('asks', value.asks);
  }
}

function fail(exchange: string, channel: string, { path, value }: BadAmount, raw: unknown): never {
  throw toFieldParseError(exchange, channel, `"${path}" is not a price or amount (${String(value)})`, raw);
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
    const bad = badAmount(event);
    if (bad !== undefined) fail(exchange, `ws ${event.type}`, bad, raw);
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
      const bad = badAmount(value);
      if (bad !== undefined) fail(exchange, `rest ${channel}`, bad, body);
    }
    return result;
  };
}

const isList = (value: Checkable | readonly Checkable[]): value is readonly Checkable[] => Array.isArray(value);
