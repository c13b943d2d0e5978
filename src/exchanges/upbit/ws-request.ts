/**
 * The Upbit WebSocket subscription request: one text frame holding the complete set.
 *
 * Upbit has no unsubscribe; a new request on a connection replaces the previous one. So every change
 * resends everything, grouped by type: one type object per native type, codes in the order they were
 * first asked for, without duplicates.
 *
 * @see https://docs.upbit.com/kr/reference/websocket-guide (request format, ticket, format)
 * @see https://docs.upbit.com/kr/reference/websocket-orderbook (`KRW-BTC.5` depth suffix)
 */
import { MarketDataError } from '../../errors/index.js';
import type { Subscription } from '../../core/exchange-adapter.js';
import { UPBIT_ID } from './symbols.js';
import { isUpbitWsCandleInterval, UPBIT_WS_CANDLE_TYPES, UPBIT_WS_ORDER_BOOK_DEPTHS } from './ws-keys.js';

/**
 * Frame formats. `DEFAULT` and `SIMPLE` send one object per frame (full or abbreviated keys);
 * `JSON_LIST` and `SIMPLE_LIST` wrap them in arrays. The decoder reads all four.
 */
export type UpbitWsFormat = 'DEFAULT' | 'SIMPLE' | 'JSON_LIST' | 'SIMPLE_LIST';

/** What goes into a request besides the subscriptions. */
export interface UpbitWsRequestOptions {
  /** Identifies the requester to Upbit (a UUID is recommended). */
  readonly ticket: string;
  /** Format the server should send. */
  readonly format: UpbitWsFormat;
}

/** The deepest book Upbit streams, and what it sends when no `.N` suffix is given. */
const FULL_DEPTH = 30;

/** A `candle.*` type object per interval, in the library's interval order. */
const CANDLE_TYPE_ORDER: readonly string[] = Object.values(UPBIT_WS_CANDLE_TYPES);

/**
 * The count to request for a subscription's depth: the smallest served depth that covers it (the
 * transport cuts deeper books down to what each stream asked for). No depth means the full 30.
 */
function toServedDepth(depth: number | undefined, market: string): number {
  if (depth === undefined) return FULL_DEPTH;
  if (!Number.isInteger(depth) || depth < 1) {
    throw new MarketDataError(`Upbit order-book subscription is invalid: depth ${depth} for ${market} (use 1-30)`, {
      exchange: UPBIT_ID,
    });
  }
  return UPBIT_WS_ORDER_BOOK_DEPTHS.find((served) => served >= depth) ?? FULL_DEPTH;
}

/** Adds `code` to the code set of `type`, creating it on first use. */
function addCode(types: Map<string, Set<string>>, type: string, code: string): void {
  const codes = types.get(type);
  if (codes === undefined) types.set(type, new Set([code]));
  else codes.add(code);
}

/**
 * The frames that make `next` the connection's subscription set: one frame with the complete request,
 * or none when `next` is empty (the transport then closes the socket, the only way to stop a feed).
 *
 * Order-book depth goes into the code as `.N` (1, 5 or 15; omitted for 30). When streams ask for
 * different depths of one market, the deepest wins. Candle intervals map to `candle.1s` …
 * `candle.240m`; an interval Upbit does not stream (`1d` and longer) throws a `MarketDataError`, since
 * the server would otherwise answer with silence — check {@link isUpbitWsCandleInterval} first and poll
 * REST for those.
 *
 * @example
 * ```ts
 * buildUpbitWsRequest(
 *   [{ channel: 'trades', market: 'KRW-BTC' }, { channel: 'orderBook', market: 'KRW-BTC', depth: 5 }],
 *   { ticket: 'mdb-1', format: 'DEFAULT' },
 * );
 * // ['[{"ticket":"mdb-1"},{"type":"trade","codes":["KRW-BTC"]},{"type":"orderbook","codes":["KRW-BTC.5"]},{"format":"DEFAULT"}]']
 * ```
 */
export function buildUpbitWsRequest(next: readonly Subscription[], options: UpbitWsRequestOptions): string[] {
  if (next.length === 0) return [];
  const types = new Map<string, Set<string>>();
  const depths = new Map<string, number>();
  for (const subscription of next) {
    const { market } = subscription;
    switch (subscription.channel) {
      case 'ticker':
        addCode(types, 'ticker', market);
        break;
      case 'trades':
        addCode(types, 'trade', market);
        break;
      case 'orderBook': {
        const depth = toServedDepth(subscription.depth, market);
        depths.set(market, Math.max(depth, depths.get(market) ?? 0));
        break;
      }
      case 'candles': {
        const { interval } = subscription;
        if (!isUpbitWsCandleInterval(interval)) {
          throw new MarketDataError(
            `Upbit WebSocket has no ${interval} candles: ${market} (stream 1s to 4h, poll REST for longer)`,
            { exchange: UPBIT_ID },
          );
        }
        addCode(types, UPBIT_WS_CANDLE_TYPES[interval], market);
        break;
      }
    }
  }
  const request: object[] = [{ ticket: options.ticket }];
  for (const type of ['ticker', 'trade']) {
    const codes = types.get(type);
    if (codes !== undefined) request.push({ type, codes: [...codes] });
  }
  if (depths.size > 0) {
    const codes = Array.from(depths, ([market, depth]) => (depth === FULL_DEPTH ? market : `${market}.${depth}`));
    request.push({ type: 'orderbook', codes });
  }
  for (const type of CANDLE_TYPE_ORDER) {
    const codes = types.get(type);
    if (codes !== undefined) request.push({ type, codes: [...codes] });
  }
  request.push({ format: options.format });
  return [JSON.stringify(request)];
}
