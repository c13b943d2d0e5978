/**
 * The published order-book fixtures of each exchange, decoded by the library's own mappers, and a small
 * builder of synthetic books: what the analytics tests (book metrics, slippage) share.
 */
import { parseOrderBooks as parseBinanceOrderBooks } from '../../src/exchanges/binance/mapper.js';
import { parseCoinoneOrderBooks } from '../../src/exchanges/coinone/mapper.js';
import { parseOrderBooks as parseUpbitOrderBooks } from '../../src/exchanges/upbit/mapper.js';
import { toBig } from '../../src/model/decimal.js';
import type { OrderBook } from '../../src/model/order-book.js';
import { fixtureReader } from '../helpers/fixtures.js';
import { fixtureDir } from '../helpers/shared.js';

const context = { receivedAt: 1_800_000_000_000 };

/** Upbit `rest_orderbook.json`: KRW-BTC, 30 levels a side, best bid 148,490,000 and ask 148,520,000. */
export const upbitBook = (): OrderBook => parseUpbitOrderBooks(fixtureReader(fixtureDir('upbit')).read('rest_orderbook.json'), context)[0]!;

/** Coinone `rest_orderbook.json`: BTC/KRW, 5 levels a side, best bid 75,862,000 × 0.5 and ask 75,863,000 × 22.5. */
export const coinoneBook = (): OrderBook => parseCoinoneOrderBooks(fixtureReader(fixtureDir('coinone')).read('rest_orderbook.json'), context)[0]!;

/** Binance `rest_depth.json` (the API docs' example): one level a side, bid 4.00000000 × 431, ask 4.00000200 × 12. */
export const binanceBook = (): OrderBook =>
  parseBinanceOrderBooks(fixtureReader(fixtureDir('binance')).read('rest_depth.json'), { ...context, market: 'BTCUSDT' })[0]!;

/**
 * A book from `[price, amount]` text pairs, best first.
 *
 * @example
 * ```ts
 * makeBook([['100', '1']], [['101', '2']]);
 * ```
 */
export function makeBook(bids: readonly (readonly [string, string])[], asks: readonly (readonly [string, string])[]): OrderBook {
  const levels = (side: readonly (readonly [string, string])[]) => side.map(([price, amount]) => ({ price: toBig(price), amount: toBig(amount) }));
  return { type: 'orderBook', exchange: 'test', symbol: 'BTC/KRW', market: 'KRW-BTC', timestamp: 1, receivedAt: 2, bids: levels(bids), asks: levels(asks) };
}
